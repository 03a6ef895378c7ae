#include "json.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void json_init(json *j) { memset(j, 0, sizeof *j); }
void json_free(json *j) { free(j->buf); json_init(j); }

static void put(json *j, const char *s, size_t n) {
  if (j->failed) return;
  if (j->len + n + 1 > j->cap) {
    size_t cap = j->cap ? j->cap : 256;
    while (j->len + n + 1 > cap) cap *= 2;
    char *b = realloc(j->buf, cap);
    if (!b) {
      j->failed = true;
      return;
    }
    j->buf = b, j->cap = cap;
  }
  memcpy(j->buf + j->len, s, n);
  j->len += n;
  j->buf[j->len] = 0;
}

static void putf(json *j, const char *fmt, ...) {
  char tmp[64];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  put(j, tmp, n > 0 ? (size_t)n : 0);
}

static void put_string(json *j, const char *s) {
  put(j, "\"", 1);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      char e[2] = {'\\', (char)c};
      put(j, e, 2);
    } else if (c < 0x20) {
      putf(j, "\\u%04x", c);
    } else {
      put(j, s, 1);
    }
  }
  put(j, "\"", 1);
}

static void key(json *j, const char *k) {
  if (j->need_comma) put(j, ",", 1);
  j->need_comma = true;
  if (k) {
    put_string(j, k);
    put(j, ":", 1);
  }
}

void json_obj_begin(json *j) {
  key(j, NULL);
  put(j, "{", 1);
  j->need_comma = false;
}
void json_key_obj_begin(json *j, const char *k) {
  key(j, k);
  put(j, "{", 1);
  j->need_comma = false;
}
void json_obj_end(json *j) {
  put(j, "}", 1);
  j->need_comma = true;
}
void json_arr_begin(json *j, const char *k) {
  key(j, k);
  put(j, "[", 1);
  j->need_comma = false;
}
void json_arr_end(json *j) {
  put(j, "]", 1);
  j->need_comma = true;
}
void json_str(json *j, const char *k, const char *v) {
  key(j, k);
  if (v) put_string(j, v);
  else put(j, "null", 4);
}
void json_num(json *j, const char *k, double v) {
  key(j, k);
  if (isfinite(v)) putf(j, "%.6g", v);
  else put(j, "null", 4);
}
void json_int(json *j, const char *k, int64_t v) {
  key(j, k);
  putf(j, "%lld", (long long)v);
}
void json_bool(json *j, const char *k, bool v) {
  key(j, k);
  put(j, v ? "true" : "false", v ? 4 : 5);
}
void json_raw(json *j, const char *k, const char *text) {
  key(j, k);
  put(j, text, strlen(text));
}
