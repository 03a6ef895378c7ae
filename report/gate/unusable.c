/* The gate's one error path for unusable input. It sits below every other
 * file of the gate: they report bad input here, and main hands it the
 * writer of the output files. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "gate.h"

_Noreturn void gate_unusable(const gate *g, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  /* Paths and record text in it: one line, nothing a terminal acts on (as
   * records.c's messages). */
  for (char *p = msg; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = '?';
  fprintf(stderr, GATE_PROG ": %s\n", msg);
  if (g->report_unusable) g->report_unusable(g, msg);
  exit(2);
}
