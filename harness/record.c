#include "record.h"

void record_begin(json *j, const char *type, const char *platform) {
  json_init(j);
  json_obj_begin(j);
  json_str(j, "type", type);
  json_str(j, "platform", platform);
}

void record_write(sink *s, json *j) {
  json_obj_end(j);
  if (!j->failed) sink_write_line(s, j->buf, j->len);
  json_free(j);
}
