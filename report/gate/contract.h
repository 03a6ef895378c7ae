/* The record contract of records/schema.json, line by line, in C: the same
 * rules records/reader.py enforces, from the same schema (records_contract.h
 * is generated from it at build time). The file-level rules (header
 * first and once, the header's platform) are the reader's (records.c).
 * Each check returns 0, or -1 with a one-line reason in `why`. */
#ifndef POOLBENCH_CONTRACT_H
#define POOLBENCH_CONTRACT_H

#include <cjson/cJSON.h>
#include <stddef.h>

#define CONTRACT_WHY_LEN 200

/* Before parsing: length, UTF-8, nesting depth, control characters, JSON
 * number grammar, NUL escapes (cJSON is laxer than JSON on the last three). */
int contract_scan_line(const char *s, size_t len, char why[CONTRACT_WHY_LEN]);

/* The parsed line: finite numbers within the limit, no key twice in an object. */
int contract_check_values(const cJSON *v, char why[CONTRACT_WHY_LEN]);

/* One record against the schema tables: known type, names, each field's
 * presence and type, threads and non-negative ranges. */
int contract_check_record(const cJSON *o, char why[CONTRACT_WHY_LEN]);

#endif
