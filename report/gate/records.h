/* Reads poolbench NDJSON record files (results/README.md) for the gate: the
 * header, and every measurement with its key, median and samples. Other
 * record types are skipped, except `error` records, which are kept so the
 * gate can say why a key is missing. Any defect is one precise line,
 * "FILE:LINE: what is wrong". */
#ifndef POOLBENCH_RECORDS_H
#define POOLBENCH_RECORDS_H

#include <stddef.h>

#include "records_schema.h" /* RECORDS_SCHEMA: the version this reader understands */
#define RECORDS_ERR_LEN 512

typedef struct {
  char *platform, *scenario, *backend, *mode; /* the key ... */
  long threads, items;
  double work_ns; /* ... ends here */
  char *unit;     /* "ns" or "cores" */
  double median;
  double *samples;
  size_t n_samples;
  int line; /* 1-based line in its file */
  /* Other processes' CPU beside its job, in cores: used, and used or waited
   * for (the `others_cores` and `others_demand` of the reference_check after
   * it), NAN where no check said; and whether its repetitions were judged
   * for interference one by one (it counts them). */
  double beside, wanted;
  int judged;
} measurement;

typedef struct {
  char *scenario, *backend, *message; /* backend may be NULL */
  int line;
} error_record;

typedef struct {
  char *path;
  /* header */
  char *platform, *git_commit, *start_time, *cpu_model; /* cpu_model may be NULL */
  long schema, threads; /* threads: options.threads, 0 when absent */
  long logical_cores;   /* 0 when absent */
  int quick;            /* options.quick, -1 when absent */
  int no_pin;           /* options.no_pin, -1 when absent */
  /* references.spin / .futex: the backends of the same-run round trips,
   * NULL when not named (null references, or a file from before the header
   * said); any string: quote it before printing */
  char *ref_spin, *ref_futex;
  /* records */
  measurement *m;
  size_t n_m;
  error_record *errors;
  size_t n_errors;
  /* Whether the last record is the `end` one (the run finished), and the
   * last job the file got to: "scenario backend mode P=n" of its last
   * measurement or error record, "header" when none (names of the contract's
   * name_pattern, so it prints as it is). */
  int ended;
  char last_job[4 * 72];
  size_t checked; /* measurements m[0..checked) had their job's check */
} record_file;

/* Parses `len` bytes of NDJSON named `name` (used in messages only). On
 * success returns 0 and fills *out; on a defect returns -1, writes
 * "NAME:LINE: what" to err and leaves *out empty (safe to free). */
int records_parse(const char *name, const char *data, size_t len, record_file *out,
                  char err[RECORDS_ERR_LEN]);

/* Reads and parses the file at `path` (as records_parse; also fails on I/O). */
int records_read(const char *path, record_file *out, char err[RECORDS_ERR_LEN]);

void records_free(record_file *f);

/* The key as one string, "platform/scenario/backend/mode/threads/items/work_ns"
 * (e.g. "native/grain/spin/warm/2/16/1000"): what gate.conf patterns match. */
void records_key(const measurement *m, char *buf, size_t len);

#endif
