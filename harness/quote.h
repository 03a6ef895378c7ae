/* Input (an argument, a path, record text) as a message quotes it. */
#ifndef POOLBENCH_QUOTE_H
#define POOLBENCH_QUOTE_H

#include <stddef.h>

/* Enough room for a message's quote of a command-line value. */
#define QUOTED_MAX 256

/* s in single quotes on one line with no byte a terminal would act on:
 * printable ASCII kept but ' and \ (escaped), \n and \t as such, any other
 * byte as \xNN; cut with "..." where it would not fit in len. Returns out.
 * report/messages.py's quoted and bench/browser/quote.js quote alike. */
const char *quote(char *out, size_t len, const char *s);

/* quote() into a buffer that lives to the end of the enclosing block: for a
 * message's printf arguments. */
#define QUOTED(s) quote((char[QUOTED_MAX]){0}, QUOTED_MAX, (s))

#endif
