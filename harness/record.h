/* One NDJSON record: an object that opens with its type and platform and
 * goes to the sink as one whole line. Both the session and the watchdog
 * write records, and neither calls into the other to do it. */
#ifndef POOLBENCH_RECORD_H
#define POOLBENCH_RECORD_H

#include "host.h"
#include "json.h"

/* Starts the object with "type" and "platform"; the caller adds fields. */
void record_begin(json *j, const char *type, const char *platform);
/* Closes the object, writes it as one line (unless building it failed)
 * and frees it. */
void record_write(sink *s, json *j);

#endif
