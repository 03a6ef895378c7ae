/* libFuzzer target for the NDJSON record reader: any bytes must either parse
 * into well-formed records or fail with one "NAME:LINE: ..." message; never
 * crash, leak or read out of bounds (built with ASan+UBSan by
 * test_fuzz_records.sh). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "records.h"

#define ASSERT(c)                                                       \
  do {                                                                  \
    if (!(c)) {                                                         \
      fprintf(stderr, "fuzz_records: invariant failed: %s\n", #c);      \
      abort();                                                          \
    }                                                                   \
  } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  record_file f;
  char err[RECORDS_ERR_LEN];
  int rc = records_parse("fuzz", (const char *)data, size, &f, err);
  if (rc == 0) {
    ASSERT(f.platform && f.schema == RECORDS_SCHEMA);
    for (size_t i = 0; i < f.n_m; i++) {
      const measurement *m = &f.m[i];
      ASSERT(m->platform && m->scenario && m->backend && m->mode && m->unit);
      ASSERT(strcmp(m->platform, f.platform) == 0);
      ASSERT(m->line >= 2 && m->threads >= 1 && m->median >= 0 && m->work_ns >= 0);
      ASSERT(m->n_samples == 0 || m->samples);
      for (size_t j = 0; j < m->n_samples; j++) ASSERT(m->samples[j] >= 0);
      char key[256];
      records_key(m, key, sizeof key);
      ASSERT(strlen(key) < sizeof key);
    }
    for (size_t i = 0; i < f.n_errors; i++) ASSERT(f.errors[i].scenario && f.errors[i].message);
  } else {
    ASSERT(rc == -1);
    ASSERT(strncmp(err, "fuzz:", 5) == 0); /* names the input ... */
    ASSERT(strchr(err, '\n') == NULL);     /* ... on one line */
    ASSERT(f.n_m == 0 && f.m == NULL && f.platform == NULL);
  }
  records_free(&f);
  return 0;
}
