/* What the files of poolbench_gate share: the options, the two sides being
 * compared, a row per compared key, and the one state that carries them from
 * the command line to the output (no file keeps state of its own). Internal
 * to the gate: cli.c, config.c, load.c, compare.c, output.c, main.c. */
#ifndef POOLBENCH_GATE_H
#define POOLBENCH_GATE_H

#include <stddef.h>

#include "records.h"

#define GATE_PROG "poolbench_gate"
#define MIN_SAMPLES 9 /* per side and key, or the key is "insufficient" */
#define KEY_LEN 256

/* ---- cli.c: the command line ---------------------------------------- */

typedef struct {
  double alpha, threshold;
  const char *config, *markdown, *json; /* NULL: not given */
  int quiet, any_machine;
  char **base, **cur; /* the files or run directories of each side */
  size_t n_base, n_cur;
} gate_options;

/* Fills *o from argv; --help prints the usage and exits 0, a usage error is
 * one line on stderr and exit 2. */
void gate_parse_options(gate_options *o, int argc, char **argv);

/* "0.15" or "15%": 0 and the fraction, or -1. */
int gate_parse_fraction(const char *s, double *out);

/* ---- load.c: the two sides ------------------------------------------ */

/* One measurement of one run, under its key. */
typedef struct {
  const record_file *f;
  const measurement *m;
  char key[KEY_LEN];
} entry;

typedef struct {
  const char *label; /* "baseline" or "current" */
  record_file *files;
  size_t n_files, cap_files;
  entry *e; /* every measurement, sorted by key, then by file */
  size_t n_e;
} side;

/* ---- compare.c: the verdicts ---------------------------------------- */

typedef enum { REF_SELF, REF_SPIN, REF_FUTEX, REF_SERIAL } ref_kind;

typedef enum {
  V_REGRESSION,
  V_IMPROVEMENT,
  V_OK,
  V_INSUFFICIENT,
  V_REFERENCE,
  V_IGNORED,
  N_VERDICTS
} verdict;

extern const char *const verdict_name[N_VERDICTS];

typedef struct {
  const entry *old, *new; /* first entry of the key on each side */
  size_t old_runs, new_runs;
  size_t old_n, new_n; /* pooled samples */
  verdict v;
  ref_kind ref;
  double old_med, new_med; /* raw: median over the side's runs of each run's median */
  double old_ref, new_ref; /* the same for the reference medians; NAN for REF_SELF */
  double change;           /* of the normalized median; NAN when undecidable */
  double raw_change;       /* of the raw median */
  double p;                /* NAN when not tested */
  int exact;
  double threshold; /* NAN: off */
  int rule_line;
  char reason[400]; /* why insufficient */
} row;

/* ---- config.c: per-key thresholds ----------------------------------- */

typedef struct {
  char *pattern;
  double threshold; /* NAN: "off" */
  int line, used;
} gate_rule;

/* ---- the state ------------------------------------------------------ */

typedef struct gate {
  gate_options opt;
  /* Called by gate_unusable with its message (main points it at output.c's
   * writer), so the files that find bad input need not know the outputs. */
  void (*report_unusable)(const struct gate *g, const char *msg);
  gate_rule *rules;
  size_t n_rules;
  side base, cur;
  row *rows; /* the keys on both sides, in the order of the baseline files */
  size_t n_rows;
  const entry **only_base, **only_cur, **skipped;
  size_t n_only_base, n_only_cur, n_skipped;
  size_t count[N_VERDICTS]; /* rows per verdict */
} gate;

/* config.c: reads g->opt.config into g->rules. */
void gate_read_config(gate *g);
/* The threshold of a key: the last matching rule (marked used, its line in
 * *rule_line), else --threshold (*rule_line 0). */
double gate_threshold_for(gate *g, const char *key, int *rule_line);

/* load.c: reads every file of both sides and indexes them by key. */
void gate_load(gate *g);
/* The first file of either side without its `end` record (the run was cut
 * short), or NULL; *label (when not NULL) says which side. */
const record_file *gate_cut_short(const gate *g, const char **label);
/* Refuses (exit 2) two sides from different machines unless --any-machine. */
void gate_check_same_machine(const gate *g);
/* The entries of `key` in side s: *n of them from the returned one on. */
const entry *gate_lookup(const side *s, const char *key, size_t *n);

/* compare.c: a row and a verdict per key in both sides, and the counts. */
void gate_compare(gate *g);
/* The backend of reference k in f's run (spin, futex: as its header names
 * them), "serial" or "self": may be any string, quote it to print it. */
const char *gate_ref_name(const record_file *f, ref_kind k);
/* noise.c: a platform whose references moved, drifted apart or spread, or a
 * run short of cores, is noisy: its keys become insufficient, with why. */
void gate_mark_noisy(gate *g);

/* output.c */
/* "372 ns", "24.00 us", ... */
void gate_fmt_time(double ns, char *buf, size_t len);
void gate_print_table(const gate *g);
void gate_write_markdown(const gate *g, const char *title);
void gate_write_json(const gate *g, const char *verdict, int exit_code);
/* The error in the requested output files (so a CI comment says what broke). */
void gate_write_unusable(const gate *g, const char *msg);

/* unusable.c: unusable input: one line on stderr, g->report_unusable, exit 2. */
_Noreturn void gate_unusable(const gate *g, const char *fmt, ...);

#endif
