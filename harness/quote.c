/* One quoting of input for messages, so that no argument or record text can
 * break a one-line error or send the terminal a command (ESC sequences). */
#include "quote.h"

#include <stdio.h>
#include <string.h>

const char *quote(char *out, size_t len, const char *s) {
  /* Room for the quotes, one escape, "..." and the NUL. */
  if (len < 12) {
    if (len) out[0] = '\0';
    return out;
  }
  size_t n = 0;
  out[n++] = '\'';
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
    char piece[5];
    if (*p == '\n')
      strcpy(piece, "\\n");
    else if (*p == '\t')
      strcpy(piece, "\\t");
    else if (*p == '\'' || *p == '\\')
      snprintf(piece, sizeof piece, "\\%c", *p);
    else if (*p >= 0x20 && *p < 0x7f)
      snprintf(piece, sizeof piece, "%c", *p);
    else
      snprintf(piece, sizeof piece, "\\x%02x", *p);
    size_t k = strlen(piece);
    if (n + k + 5 > len) { /* keep room for "...", the quote and the NUL */
      memcpy(out + n, "...", 3);
      n += 3;
      break;
    }
    memcpy(out + n, piece, k);
    n += k;
  }
  out[n++] = '\'';
  out[n] = '\0';
  return out;
}
