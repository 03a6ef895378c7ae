/* A tiny JSON writer for records (writing only; parsing uses cJSON). */
#ifndef POOLBENCH_JSON_H
#define POOLBENCH_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct json {
  char *buf;
  size_t len, cap;
  bool need_comma;
  bool failed; /* out of memory: the text is incomplete */
} json;

void json_init(json *j);
void json_free(json *j);
void json_obj_begin(json *j);
void json_obj_end(json *j);
void json_arr_begin(json *j, const char *key); /* key NULL inside arrays */
void json_arr_end(json *j);
void json_key_obj_begin(json *j, const char *key);
void json_str(json *j, const char *key, const char *value); /* NULL -> null */
void json_num(json *j, const char *key, double value);      /* NaN -> null */
void json_int(json *j, const char *key, int64_t value);
void json_bool(json *j, const char *key, bool value);
void json_raw(json *j, const char *key, const char *text); /* pre-encoded */

#endif
