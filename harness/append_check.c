/* Appending to a file that is not this platform's run makes the whole file
 * unreadable (a second header, a line glued to a cut one, another
 * platform's records): it is checked before the first byte is written. */
#include "append_check.h"
#include "quote.h"
#include "records_schema.h" /* generated from records/schema.json */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "host.h"

/* The contract's max_line_bytes (results/README.md): a header line past it
 * is refused by every reader anyway. */
#define HEADER_MAX_BYTES 65536

int append_check(const char *path, const char *platform, char *err, size_t errlen) {
  char *head = malloc(HEADER_MAX_BYTES + 1);
  if (!head) {
    snprintf(err, errlen, "cannot --append to %s: out of memory", QUOTED(path));
    return -1;
  }
  size_t got = 0;
  long long size = 0;
  int last = -1, rc = -1;
  char why[256] = "";
  if (host_peek_file(path, head, HEADER_MAX_BYTES + 1, &got, &size, &last, why, sizeof why) != 0) {
    snprintf(err, errlen, "cannot --append to %s: %s", QUOTED(path), why);
    goto out;
  }
  head[got] = 0;
  char *nl = memchr(head, '\n', got);
  /* What this platform's harness writes first, byte for byte. */
  static const char fmt[] = "{\"type\":\"header\",\"platform\":\"%s\",\"schema\":%d,";
  char *want = malloc(sizeof fmt + strlen(platform) + 16);
  if (!want) {
    snprintf(err, errlen, "cannot --append to %s: out of memory", QUOTED(path));
    goto out;
  }
  sprintf(want, fmt, platform, RECORDS_SCHEMA);
  static const char other[] = "{\"type\":\"header\",\"platform\":\"";
  if (size == 0)
    snprintf(err, errlen, "cannot --append to %s: it is empty (no header line)", QUOTED(path));
  else if (!nl)
    snprintf(err, errlen, "cannot --append to %s: line 1 is not a complete header line", QUOTED(path));
  else if (strncmp(head, want, strlen(want)) == 0 && last == '\n')
    rc = 0;
  else if (strncmp(head, want, strlen(want)) == 0)
    snprintf(err, errlen, "cannot --append to %s: its last line has no newline (a run cut "
             "mid-line)", QUOTED(path));
  else if (strncmp(head, other, sizeof other - 1) == 0)
    snprintf(err, errlen, "cannot --append to %s: it is not a schema-%d run of platform %s",
             path, RECORDS_SCHEMA, platform);
  else
    snprintf(err, errlen, "cannot --append to %s: line 1 is not a poolbench header", QUOTED(path));
  free(want);
out:
  free(head);
  return rc;
}
