/* Shared between the harness's own files; hosts use harness.h. */
#ifndef POOLBENCH_HARNESS_INTERNAL_H
#define POOLBENCH_HARNESS_INTERNAL_H

#include "harness.h"
#include "json.h"

/* Starts a record with its type and platform; the caller adds fields, then
 * harness_write_record closes the object and writes the line. */
void harness_record_begin(harness *h, json *j, const char *type);
void harness_write_record(harness *h, json *j);

#endif
