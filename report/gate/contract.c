/* The record contract in C; tests/test_contract.py feeds the same inputs to
 * this and to records/reader.py and requires the same verdicts. */
#include "contract.h"

#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "records_contract.h"

static int say(char why[CONTRACT_WHY_LEN], const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, CONTRACT_WHY_LEN, fmt, ap);
  va_end(ap);
  return -1;
}

/* Length of the strict UTF-8 sequence at s (as Python's decoder: no
 * overlong forms, no encoded surrogates, nothing above U+10FFFF), 0 if none. */
static size_t utf8_seq(const unsigned char *s, size_t n) {
  unsigned char c = s[0];
  size_t k;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) k = 2;
  else if (c >= 0xE0 && c <= 0xEF) k = 3;
  else if (c >= 0xF0 && c <= 0xF4) k = 4;
  else return 0;
  if (c == 0xE0) lo = 0xA0;
  if (c == 0xED) hi = 0x9F;
  if (c == 0xF0) lo = 0x90;
  if (c == 0xF4) hi = 0x8F;
  if (n < k || s[1] < lo || s[1] > hi) return 0;
  for (size_t i = 2; i < k; i++)
    if (s[i] < 0x80 || s[i] > 0xBF) return 0;
  return k;
}

/* The JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
 * (cJSON also takes 01, 1. and +1, which JSON and Python refuse). */
static int number_ok(const char *s, size_t n) {
  size_t i = 0, d;
  if (i < n && s[i] == '-') i++;
  if (i < n && s[i] == '0') i++;
  else if (i < n && s[i] >= '1' && s[i] <= '9')
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
  else return 0;
  if (i < n && s[i] == '.') {
    for (d = ++i; i < n && s[i] >= '0' && s[i] <= '9';) i++;
    if (i == d) return 0;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    for (d = i; i < n && s[i] >= '0' && s[i] <= '9';) i++;
    if (i == d) return 0;
  }
  return i == n;
}

int contract_scan_line(const char *s, size_t len, char why[CONTRACT_WHY_LEN]) {
  const unsigned char *u = (const unsigned char *)s;
  if (len > CONTRACT_MAX_LINE_BYTES)
    return say(why, "line of %zu bytes, over the contract's %d", len, CONTRACT_MAX_LINE_BYTES);
  /* cJSON skips a UTF-8 byte order mark before a value; JSON (and Python's
   * reader) does not take one, so neither may this one. */
  if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
    return say(why, "a byte order mark (U+FEFF) at the start of the line: not JSON");
  for (size_t i = 0, k; i < len; i += k)
    if (!(k = utf8_seq(u + i, len - i))) return say(why, "not UTF-8 at byte %zu", i + 1);
  long depth = 0;
  int in_str = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char ch = u[i];
    if (in_str) {
      if (ch < 0x20) return say(why, "a control character inside a string at column %zu", i + 1);
      if (ch == '\\' && i + 1 < len) {
        /* JSON's escapes only (cJSON takes \ux12 and the like) */
        if (!strchr("\"\\/bfnrtu", u[i + 1]) || !u[i + 1])
          return say(why, "invalid escape in a string at column %zu", i + 1);
        if (u[i + 1] == 'u') {
          if (len - i < 6 || !isxdigit(u[i + 2]) || !isxdigit(u[i + 3]) || !isxdigit(u[i + 4]) ||
              !isxdigit(u[i + 5]))
            return say(why, "invalid \\u escape in a string at column %zu", i + 1);
          if (memcmp(s + i + 2, "0000", 4) == 0)
            return say(why, "a string holds NUL or a lone UTF-16 surrogate");
        }
        i++;
      } else if (ch == '"') {
        in_str = 0;
      }
    } else if (ch == '"') {
      in_str = 1;
    } else if (ch == '[' || ch == '{') {
      if (++depth > CONTRACT_MAX_DEPTH)
        return say(why, "nested deeper than the contract's %d levels", CONTRACT_MAX_DEPTH);
    } else if (ch == ']' || ch == '}') {
      depth--;
    } else if (ch == '-' || (ch >= '0' && ch <= '9')) {
      size_t j = i;
      while (j < len && u[j] && strchr("0123456789+-.eE", u[j])) j++;
      /* a number cut off by the line's end is a truncated line: the parser says so */
      if (j < len && !number_ok(s + i, j - i))
        return say(why, "invalid JSON number at column %zu", i + 1);
      i = j - 1;
    } else if (ch < 0x20 && ch != '\t' && ch != '\r') {
      return say(why, "a control character at column %zu", i + 1);
    }
  }
  return 0;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int contract_check_values(const cJSON *v, char why[CONTRACT_WHY_LEN]) {
  if (cJSON_IsNumber(v)) {
    if (!isfinite(v->valuedouble) || fabs(v->valuedouble) > CONTRACT_MAX_ABS_NUMBER)
      return say(why, "number %g is not finite or beyond +-%g", v->valuedouble,
                 CONTRACT_MAX_ABS_NUMBER);
    return 0;
  }
  if (!cJSON_IsArray(v) && !cJSON_IsObject(v)) return 0;
  size_t n = 0;
  const cJSON *e;
  cJSON_ArrayForEach(e, v) {
    if (contract_check_values(e, why)) return -1;
    n++;
  }
  if (!cJSON_IsObject(v) || n < 2) return 0;
  const char **keys = malloc(n * sizeof *keys);
  if (!keys) return say(why, "out of memory");
  n = 0;
  cJSON_ArrayForEach(e, v) keys[n++] = e->string;
  qsort(keys, n, sizeof *keys, by_name);
  int rc = 0;
  for (size_t i = 1; i < n && !rc; i++)
    if (strcmp(keys[i - 1], keys[i]) == 0)
      rc = say(why, "key '%.40s' appears twice in one object", keys[i]);
  free(keys);
  return rc;
}

static int is_name(const char *s) {
  static regex_t re;
  static int compiled = 0; /* 1 ok, -1 the pattern does not compile */
  if (!compiled) compiled = regcomp(&re, CONTRACT_NAME_PATTERN, REG_EXTENDED | REG_NOSUB) ? -1 : 1;
  return compiled == 1 && regexec(&re, s, 0, NULL, 0) == 0;
}

static int type_ok(const cJSON *v, const char *typ) {
  if (!strcmp(typ, "string")) return cJSON_IsString(v);
  if (!strcmp(typ, "number")) return cJSON_IsNumber(v);
  if (!strcmp(typ, "integer")) /* JSON has one number type: 2.0 is the integer 2 */
    return cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble);
  if (!strcmp(typ, "boolean")) return cJSON_IsBool(v);
  if (!strcmp(typ, "object")) return cJSON_IsObject(v);
  if (!strncmp(typ, "array<", 6)) {
    char inner[32];
    snprintf(inner, sizeof inner, "%.*s", (int)strlen(typ + 6) - 1, typ + 6);
    if (!cJSON_IsArray(v)) return 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, v) if (!type_ok(e, inner)) return 0;
    return 1;
  }
  return 0;
}

static const char *string_of(const cJSON *o, const char *field) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, field);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Whether a field's `when` (always, or scenario / platform:scenario, comma
 * separated) applies to this record. */
static int applies(const char *when, const cJSON *o) {
  const char *scen = string_of(o, "scenario"), *plat = string_of(o, "platform");
  for (const char *w = when; *w;) {
    size_t n = strcspn(w, ",");
    if (n == 6 && !strncmp(w, "always", 6)) return 1;
    const char *colon = NULL;
    for (const char *p = w; p < w + n; p++)
      if (*p == ':') colon = p;
    const char *s = colon ? colon + 1 : w;
    size_t sn = (size_t)(w + n - s), pn = colon ? (size_t)(colon - w) : 0;
    if (scen && strlen(scen) == sn && !strncmp(scen, s, sn) &&
        (!colon || (plat && strlen(plat) == pn && !strncmp(plat, w, pn))))
      return 1;
    w += n + (w[n] == ',');
  }
  return 0;
}

int contract_check_record(const cJSON *o, char why[CONTRACT_WHY_LEN]) {
  const char *type = string_of(o, "type");
  const contract_field *f = CONTRACT_FIELDS;
  while (f->type && (!type || strcmp(f->type, type))) f++;
  if (!f->type) return say(why, "unknown record type '%.40s'", type ? type : "?");
  for (const char *const *n = CONTRACT_NAME_FIELDS; *n; n++) {
    const char *v = string_of(o, *n);
    if (v && !is_name(v)) return say(why, "'%s' '%.40s' is not a name", *n, v);
  }
  const cJSON *flags = cJSON_GetObjectItemCaseSensitive(o, "flags"), *e;
  if (cJSON_IsArray(flags)) cJSON_ArrayForEach(e, flags) {
      if (cJSON_IsString(e) && !is_name(e->valuestring))
        return say(why, "flag '%.40s' is not a name", e->valuestring);
    }
  for (; f->type && !strcmp(f->type, type); f++) {
    if (!applies(f->when, o)) continue;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, f->field);
    if (!v) {
      if (f->optional) continue; /* added later: older runs lack it */
      return say(why, "%s lacks '%s'", type, f->field);
    }
    if (cJSON_IsNull(v)) {
      if (!f->nullable) return say(why, "'%s' is null", f->field);
    } else if (!type_ok(v, f->typ)) {
      return say(why, "'%s' should be %s", f->field, f->typ);
    }
  }
  const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "threads");
  if (type_ok(t, "integer") && (t->valuedouble < CONTRACT_MIN_THREADS || t->valuedouble > CONTRACT_MAX_THREADS))
    return say(why, "'threads' is %g, outside %d..%d", t->valuedouble, CONTRACT_MIN_THREADS,
               CONTRACT_MAX_THREADS);
  if (strcmp(type, "measurement")) return 0;
  for (const char *const *n = CONTRACT_NON_NEGATIVE; *n; n++) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, *n);
    if (cJSON_IsNumber(v) && v->valuedouble < 0) return say(why, "'%s' is negative (%g)", *n, v->valuedouble);
  }
  const cJSON *samples = cJSON_GetObjectItemCaseSensitive(o, "samples");
  cJSON_ArrayForEach(e, samples) if (cJSON_IsNumber(e) && e->valuedouble < 0) return say(why, "a sample is negative (%g)", e->valuedouble);
  return 0;
}
