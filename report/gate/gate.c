/* poolbench_gate: the statistical performance-regression gate.
 *
 * Compares the measurement records of a current run with a baseline run, key
 * by key (platform, scenario, backend, mode, threads, items, work_ns). A key
 * regresses when all hold:
 *   - a two-sided Mann-Whitney U test on the per-repetition samples gives
 *     p < alpha (default 0.01), with >= MIN_SAMPLES samples per side;
 *   - the median, normalized by the same run's physical reference, grew by at
 *     least the threshold (default 15%, per-key overrides in a config file);
 *   - the raw median grew by at least the threshold too (see decide()).
 * Improvements are the mirror image (drops of at least the threshold).
 *
 * Normalization: each run's times are divided by a reference measured in the
 * same run, so a uniformly slower (or busier) machine does not read as a
 * regression:
 *   dispatch, latency, startup, any other time scenario, and grain at W = 0:
 *     the spin ping-pong round trip (`pingpong`/`spin_pingpong`) of the same
 *     run: a cache-line round trip between two cores, the physical floor of
 *     a dispatch, and the steadiest reference (futex round trips are noisy);
 *   grain at W > 0: the `serial` backend's grain record of the same threads,
 *     items and work_ns: the same items run serially, i.e. what the machine's
 *     cores do with that work (it also absorbs a kernel calibration that is
 *     off);
 *   the references themselves (the pingpong records and the serial grain
 *     records) are compared raw and reported with verdict "reference": they
 *     measure the machine, not the pools, and never fail the gate.
 * The U test runs on the normalized samples (each sample divided by its run's
 * reference median), so both criteria look at the same numbers.
 *
 * Several runs per side: a key found in several files of one side (e.g.
 * native-1.ndjson .. native-4.ndjson, several runs of the same suite) pools
 * them: the samples of all runs, each normalized by its own run's reference,
 * go into the U test, and the medians compared are the medians over the runs
 * of each run's median. Why: on a shared machine most of the variance is
 * between runs, not between the repetitions of one run, so one run per side
 * makes the U test see conditions change as a significant shift; pooling
 * runs puts that variance where the test can see it. The same key twice in
 * one file is an error.
 *
 * Records whose unit is not "ns" (idle_cpu, "cores": CPU share, which the
 * references cannot normalize) are skipped and listed as skipped.
 *
 * Exit: 0 clean; 1 at least one regression; 2 unusable input (missing,
 * malformed or incompatible files, no key in both runs, a bad option or
 * config line) or, without a regression, keys that could not be decided
 * (too few samples, a missing reference): never a silent pass. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* strdup, strtok_r, fnmatch, dirent */
#endif
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mannwhitney.h"
#include "records.h"

#define MIN_SAMPLES 9
#define KEY_LEN 256

static const char *prog = "poolbench_gate";

static void usage(FILE *to) {
  fprintf(to,
    "usage: poolbench_gate [options] BASELINE CURRENT\n"
    "       poolbench_gate [options] BASELINE... -- CURRENT...\n"
    "\n"
    "Compares the poolbench records of CURRENT with BASELINE and fails on a\n"
    "statistically significant slowdown. Each BASELINE and CURRENT is an NDJSON\n"
    "record file or a run directory (every *.ndjson in it); with more than one\n"
    "per side, `--` separates the baseline from the current ones. A key found in\n"
    "several files of one side (several runs) pools their samples.\n"
    "\n"
    "A key (platform/scenario/backend/mode/threads/items/work_ns) regresses when\n"
    "a two-sided Mann-Whitney U test on its per-repetition samples gives p < alpha\n"
    "AND its median grew by >= the threshold, both normalized by the same run's\n"
    "reference and raw. References: the spin ping-pong round trip (dispatch,\n"
    "latency, startup, grain at W = 0, ...); the serial backend's grain record of\n"
    "the same W (grain, W > 0). The references themselves are reported, never\n"
    "failed. Keys with fewer than %d samples on a side are \"insufficient\";\n"
    "records whose unit is not ns (idle_cpu: cores) are skipped.\n"
    "\n"
    "options:\n"
    "  --alpha A        significance level of the U test, 0 < A < 1 (default 0.01)\n"
    "  --threshold T    minimum change of the median, a fraction or a percentage:\n"
    "                   0.15 or 15%% (default 15%%)\n"
    "  --config FILE    per-key thresholds: lines \"PATTERN THRESHOLD\", PATTERN a\n"
    "                   shell glob on the key, THRESHOLD as above or \"off\"; the\n"
    "                   last matching line wins (see report/gate.conf)\n"
    "  --markdown FILE  also write the comparison as Markdown (a CI comment)\n"
    "  --json FILE      also write the verdicts as JSON (results/README.md)\n"
    "  --any-machine    compare even when the two sides' headers name different\n"
    "                   machines (CPU model or logical cores), or a side's headers do\n"
    "                   not say which: a warning, not exit 2\n"
    "  -q, --quiet      list only keys whose verdict is not \"ok\" or \"reference\"\n"
    "  -h, --help       this text\n"
    "\n"
    "exit: 0 clean, 1 regression, 2 unusable input (one line on stderr naming\n"
    "the file and line), or undecided keys without a regression\n",
    MIN_SAMPLES);
}

/* ---- options -------------------------------------------------------- */

typedef struct {
  char *pattern;
  double threshold; /* NAN: "off" */
  int line, used;
} rule;

typedef struct {
  double alpha, threshold;
  const char *config, *markdown, *json;
  int quiet, any_machine;
  char **base, **cur;
  size_t n_base, n_cur;
  rule *rules;
  size_t n_rules;
} options;

static options opt = {.alpha = 0.01, .threshold = 0.15};

/* Unusable input: one line on stderr, the error in the requested files too
 * (so a CI comment says what broke), exit 2. */
static void write_error_outputs(const char *msg);

static _Noreturn void unusable(const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  fprintf(stderr, "%s: %s\n", prog, msg);
  write_error_outputs(msg);
  exit(2);
}

static _Noreturn void bad_usage(const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  fprintf(stderr, "%s: %s (try --help)\n", prog, msg);
  exit(2);
}

/* "0.15" or "15%": 0 and the fraction, or -1. */
static int parse_fraction(const char *s, double *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s || errno) return -1;
  if (*end == '%') {
    v /= 100;
    end++;
  }
  if (*end || !isfinite(v) || v < 0) return -1;
  *out = v;
  return 0;
}

static void parse_options(int argc, char **argv) {
  char **pos = calloc((size_t)argc + 1, sizeof *pos);
  if (!pos) bad_usage("out of memory");
  size_t n_pos = 0, split = (size_t)-1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) {
      if (split != (size_t)-1) bad_usage("\"--\" given twice");
      split = n_pos;
      continue;
    }
    if (a[0] != '-' || a[1] == 0) { /* "-" alone is not an option either */
      pos[n_pos++] = argv[i];
      continue;
    }
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      usage(stdout);
      exit(0);
    }
    if (strcmp(a, "--any-machine") == 0) {
      opt.any_machine = 1;
      continue;
    }
    if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
      opt.quiet = 1;
      continue;
    }
    /* Options with a value: "--name VALUE" or "--name=VALUE". */
    static const char *const with_value[] = {"--alpha", "--threshold", "--config", "--markdown",
                                             "--json"};
    const char *name = NULL, *val = NULL;
    for (size_t k = 0; k < sizeof with_value / sizeof *with_value; k++) {
      size_t l = strlen(with_value[k]);
      if (strncmp(a, with_value[k], l) == 0 && (a[l] == 0 || a[l] == '=')) {
        name = with_value[k];
        if (a[l] == '=') val = a + l + 1;
        else if (i + 1 < argc) val = argv[++i];
        else bad_usage("%s needs a value", name);
        break;
      }
    }
    if (!name) bad_usage("unknown option %s", a);
    if (!*val) bad_usage("%s needs a non-empty value", name);
    if (strcmp(name, "--alpha") == 0) {
      char *end;
      errno = 0;
      opt.alpha = strtod(val, &end);
      if (end == val || *end || errno || !(opt.alpha > 0 && opt.alpha < 1))
        bad_usage("--alpha %s: expected a number between 0 and 1 (exclusive)", val);
    } else if (strcmp(name, "--threshold") == 0) {
      if (parse_fraction(val, &opt.threshold))
        bad_usage("--threshold %s: expected a fraction (0.15) or a percentage (15%%)", val);
    } else if (strcmp(name, "--config") == 0) {
      opt.config = val;
    } else if (strcmp(name, "--markdown") == 0) {
      opt.markdown = val;
    } else {
      opt.json = val;
    }
  }
  if (split == (size_t)-1) {
    if (n_pos != 2)
      bad_usage(n_pos < 2 ? "need a BASELINE and a CURRENT run"
                          : "more than two runs: separate BASELINE... and CURRENT... with --");
    split = 1;
  }
  if (split == 0) bad_usage("no BASELINE before --");
  if (split == n_pos) bad_usage("no CURRENT after --");
  opt.base = pos;
  opt.n_base = split;
  opt.cur = pos + split;
  opt.n_cur = n_pos - split;
}

/* gate.conf: "PATTERN THRESHOLD" lines, '#' comments, blank lines. */
static void read_config(const char *path) {
  FILE *fp = fopen(path, "r");
  if (!fp) unusable("%s: cannot open: %s", path, strerror(errno));
  char line[1024];
  size_t cap = 0;
  for (int no = 1; fgets(line, sizeof line, fp); no++) {
    size_t l = strlen(line);
    if (l == sizeof line - 1 && line[l - 1] != '\n') unusable("%s:%d: line too long", path, no);
    char *hash = strchr(line, '#');
    if (hash) *hash = 0;
    char *save, *pat = strtok_r(line, " \t\r\n", &save);
    if (!pat) continue;
    char *thr = strtok_r(NULL, " \t\r\n", &save), *extra = strtok_r(NULL, " \t\r\n", &save);
    if (!thr) unusable("%s:%d: \"%s\" has no threshold (expected PATTERN THRESHOLD)", path, no, pat);
    if (extra) unusable("%s:%d: unexpected \"%s\" after the threshold", path, no, extra);
    double v;
    if (strcmp(thr, "off") == 0) v = NAN;
    else if (parse_fraction(thr, &v))
      unusable("%s:%d: bad threshold \"%s\" (expected 0.25, 25%% or off)", path, no, thr);
    if (opt.n_rules == cap) {
      cap = cap ? cap * 2 : 16;
      rule *r = realloc(opt.rules, cap * sizeof *r);
      if (!r) unusable("out of memory");
      opt.rules = r;
    }
    rule *r = &opt.rules[opt.n_rules++];
    r->pattern = strdup(pat);
    if (!r->pattern) unusable("out of memory");
    r->threshold = v;
    r->line = no;
    r->used = 0;
  }
  if (ferror(fp)) unusable("%s: read error", path);
  fclose(fp);
}

/* The threshold of a key: the last matching rule, else --threshold. */
static double threshold_for(const char *key, int *rule_line) {
  double t = opt.threshold;
  *rule_line = 0;
  for (size_t i = 0; i < opt.n_rules; i++) {
    if (fnmatch(opt.rules[i].pattern, key, 0) == 0) {
      t = opt.rules[i].threshold;
      *rule_line = opt.rules[i].line;
      opt.rules[i].used = 1;
    }
  }
  return t;
}

/* ---- loading a side ------------------------------------------------- */

/* One measurement of one run. A side may hold several runs of the same
 * platform (e.g. native-1.ndjson, native-2.ndjson): their entries of a key
 * are pooled. */
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

static side base = {.label = "baseline"}, cur = {.label = "current"};

static void add_file(side *s, const char *path) {
  if (s->n_files == s->cap_files) {
    s->cap_files = s->cap_files ? s->cap_files * 2 : 8;
    record_file *f = realloc(s->files, s->cap_files * sizeof *f);
    if (!f) unusable("out of memory");
    s->files = f;
  }
  char err[RECORDS_ERR_LEN];
  if (records_read(path, &s->files[s->n_files], err)) unusable("%s", err);
  s->n_files++;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_path(side *s, const char *path) {
  struct stat st;
  if (stat(path, &st)) unusable("%s: cannot open: %s", path, strerror(errno));
  if (!S_ISDIR(st.st_mode)) {
    add_file(s, path);
    return;
  }
  DIR *d = opendir(path);
  if (!d) unusable("%s: cannot open: %s", path, strerror(errno));
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    size_t l = strlen(de->d_name);
    if (l <= 7 || strcmp(de->d_name + l - 7, ".ndjson") != 0) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 8;
      char **p = realloc(names, cap * sizeof *p);
      if (!p) unusable("out of memory");
      names = p;
    }
    size_t pl = strlen(path) + l + 2;
    if (!(names[n] = malloc(pl))) unusable("out of memory");
    snprintf(names[n++], pl, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/",
             de->d_name);
  }
  closedir(d);
  if (n == 0) unusable("%s: no *.ndjson record files in this directory", path);
  qsort(names, n, sizeof *names, cmp_str);
  for (size_t i = 0; i < n; i++) {
    add_file(s, names[i]);
    free(names[i]);
  }
  free(names);
}

static int cmp_entry(const void *a, const void *b) {
  const entry *x = a, *y = b;
  int c = strcmp(x->key, y->key);
  if (c) return c;
  if (x->f != y->f) return x->f < y->f ? -1 : 1;
  return (x->m->line > y->m->line) - (x->m->line < y->m->line);
}

/* Every measurement of a side, sorted by key; a key twice in one file is an
 * error (twice in different files: two runs, pooled). */
static void index_side(side *s) {
  size_t n = 0;
  for (size_t i = 0; i < s->n_files; i++) n += s->files[i].n_m;
  if (n == 0)
    unusable("%s: no measurement records in the %s run", s->files[0].path, s->label);
  if (!(s->e = calloc(n, sizeof *s->e))) unusable("out of memory");
  for (size_t i = 0; i < s->n_files; i++)
    for (size_t j = 0; j < s->files[i].n_m; j++) {
      entry *e = &s->e[s->n_e++];
      e->f = &s->files[i];
      e->m = &s->files[i].m[j];
      records_key(e->m, e->key, sizeof e->key);
    }
  qsort(s->e, s->n_e, sizeof *s->e, cmp_entry);
  for (size_t i = 1; i < s->n_e; i++) {
    const entry *a = &s->e[i - 1], *b = &s->e[i];
    if (a->f == b->f && strcmp(a->key, b->key) == 0)
      unusable("%s:%d: duplicate key %s (first at line %d)", b->f->path, b->m->line, b->key,
               a->m->line);
  }
}

/* The entries of `key` in side s: *n of them from the returned one on. */
static const entry *lookup(const side *s, const char *key, size_t *n) {
  size_t lo = 0, hi = s->n_e;
  while (lo < hi) { /* the first entry >= key */
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(s->e[mid].key, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  size_t end = lo;
  while (end < s->n_e && strcmp(s->e[end].key, key) == 0) end++;
  *n = end - lo;
  return *n ? &s->e[lo] : NULL;
}

/* ---- normalization -------------------------------------------------- */

typedef enum { REF_SELF, REF_SPIN, REF_SERIAL } ref_kind;

static ref_kind ref_kind_of(const measurement *m) {
  if (strcmp(m->scenario, "pingpong") == 0) return REF_SELF;
  if (strcmp(m->scenario, "grain") == 0) {
    if (strcmp(m->backend, "serial") == 0) return REF_SELF;
    /* W = 0: a dispatch of 8P empty items; the serial loop of empty calls
     * (~30 ns) is too short to be a steady reference. */
    return m->work_ns > 0 ? REF_SERIAL : REF_SPIN;
  }
  return REF_SPIN;
}

static const char *ref_name(ref_kind k) {
  return k == REF_SPIN ? "spin_pingpong" : k == REF_SERIAL ? "serial" : "self";
}

/* The reference of m in its own file (run), or NULL. */
static const measurement *find_ref(const record_file *f, const measurement *m, ref_kind k) {
  for (size_t i = 0; i < f->n_m; i++) {
    const measurement *r = &f->m[i];
    if (k == REF_SERIAL) {
      if (strcmp(r->scenario, "grain") == 0 && strcmp(r->backend, "serial") == 0 &&
          r->threads == m->threads && r->items == m->items && r->work_ns == m->work_ns)
        return r;
    } else if (strcmp(r->scenario, "pingpong") == 0 && strcmp(r->backend, "spin_pingpong") == 0) {
      return r; /* one per run; P does not matter */
    }
  }
  return NULL;
}

/* ---- comparing ------------------------------------------------------ */

typedef enum { V_REGRESSION, V_IMPROVEMENT, V_OK, V_INSUFFICIENT, V_REFERENCE, V_IGNORED } verdict;
static const char *const verdict_name[] = {"regression",   "improvement", "ok",
                                           "insufficient", "reference",   "ignored"};

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
  char reason[200]; /* why insufficient */
} row;

static row *rows;
static size_t n_rows;
static const entry **only_base, **only_cur, **skipped;
static size_t n_only_base, n_only_cur, n_skipped;

static double rel_change(double old, double new) {
  if (old > 0) return new / old - 1;
  return new == old ? 0 : NAN;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median_of(double *v, size_t n) {
  qsort(v, n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One side of a key: pooled normalized samples, the median of the runs'
 * medians (raw and normalized) and of their references. Returns 0, or -1
 * with `why` set when a run lacks its reference. */
typedef struct {
  double *norm; /* pooled samples / own run's reference median */
  size_t n;
  double med, norm_med, ref_med;
} pooled;

static int pool_side(const side *s, const entry *e, size_t runs, ref_kind k, pooled *out,
                     char *why, size_t why_len) {
  size_t total = 0;
  for (size_t i = 0; i < runs; i++) total += e[i].m->n_samples;
  double *buf = malloc((total + 3 * runs + 1) * sizeof *buf);
  if (!buf) unusable("out of memory");
  double *med = buf + total, *nmed = med + runs, *rmed = nmed + runs;
  out->norm = buf;
  out->n = 0;
  for (size_t i = 0; i < runs; i++) {
    const measurement *m = e[i].m, *r = k == REF_SELF ? NULL : find_ref(e[i].f, m, k);
    double div = 1;
    if (k != REF_SELF) {
      if (!r || !(r->median > 0)) {
        snprintf(why, why_len, "no usable %s reference in %s (%s run)", ref_name(k), e[i].f->path,
                 s->label);
        return -1;
      }
      div = r->median;
    }
    for (size_t j = 0; j < m->n_samples; j++) buf[out->n++] = m->samples[j] / div;
    med[i] = m->median;
    nmed[i] = m->median / div;
    rmed[i] = div;
  }
  out->med = median_of(med, runs);
  out->norm_med = median_of(nmed, runs);
  out->ref_med = k == REF_SELF ? NAN : median_of(rmed, runs);
  return 0;
}

/* The decision. The normalized change carries the verdict, but a change the
 * raw medians do not show as well (same sign, at least the threshold) came
 * from the reference moving, not from the code: on a shared machine the
 * references jump by 10-40% between runs (measured), and such a jump alone
 * must not fail the gate. A uniformly slower machine moves the raw medians
 * but not the normalized ones: no verdict either. */
static verdict decide(double p, double norm, double raw, double threshold) {
  if (!(p < opt.alpha)) return V_OK;
  if (norm >= threshold && raw >= threshold) return V_REGRESSION;
  if (norm <= -threshold && raw <= -threshold) return V_IMPROVEMENT;
  return V_OK;
}

static void compare_key(row *r) {
  r->ref = ref_kind_of(r->old->m);
  r->old_ref = r->new_ref = r->p = r->change = NAN;
  r->threshold = threshold_for(r->old->key, &r->rule_line);
  pooled a, b;
  if (pool_side(&base, r->old, r->old_runs, r->ref, &a, r->reason, sizeof r->reason)) {
    free(a.norm);
    r->v = V_INSUFFICIENT;
    r->old_med = r->old->m->median;
    r->new_med = r->new->m->median;
    r->raw_change = rel_change(r->old_med, r->new_med);
    return;
  }
  if (pool_side(&cur, r->new, r->new_runs, r->ref, &b, r->reason, sizeof r->reason)) {
    free(a.norm);
    free(b.norm);
    r->v = V_INSUFFICIENT;
    r->old_med = a.med;
    r->new_med = r->new->m->median;
    r->raw_change = rel_change(r->old_med, r->new_med);
    return;
  }
  r->old_med = a.med;
  r->new_med = b.med;
  r->old_ref = a.ref_med;
  r->new_ref = b.ref_med;
  r->old_n = a.n;
  r->new_n = b.n;
  r->raw_change = rel_change(a.med, b.med);
  r->change = rel_change(a.norm_med, b.norm_med);
  if (a.n < MIN_SAMPLES || b.n < MIN_SAMPLES) {
    r->v = V_INSUFFICIENT;
    snprintf(r->reason, sizeof r->reason, "%zu baseline and %zu current samples, need >= %d each",
             a.n, b.n, MIN_SAMPLES);
  } else if (isnan(r->change) || isnan(r->raw_change)) {
    r->v = V_INSUFFICIENT;
    snprintf(r->reason, sizeof r->reason, "baseline median is 0: no relative change");
  } else {
    mw_result t;
    if (mw_test(b.norm, b.n, a.norm, a.n, &t)) unusable("out of memory");
    r->p = t.p;
    r->exact = t.exact;
    if (r->ref == REF_SELF) r->v = V_REFERENCE;
    else if (isnan(r->threshold)) r->v = V_IGNORED;
    else r->v = decide(t.p, r->change, r->raw_change, r->threshold);
  }
  free(a.norm);
  free(b.norm);
}

static int cmp_file_order(const void *a, const void *b) {
  const entry *x = *(const entry *const *)a, *y = *(const entry *const *)b;
  if (x->f != y->f) return x->f < y->f ? -1 : 1;
  return (x->m->line > y->m->line) - (x->m->line < y->m->line);
}

static int cmp_row_order(const void *a, const void *b) {
  const entry *x = ((const row *)a)->old, *y = ((const row *)b)->old;
  return cmp_file_order(&x, &y);
}

/* A time key (unit "ns") on both sides, or a reason to skip it. */
static int is_time(const entry *e, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(e[i].m->unit, "ns") != 0) return 0;
  return 1;
}

static void compare_all(void) {
  rows = calloc(base.n_e, sizeof *rows);
  only_base = calloc(base.n_e, sizeof *only_base);
  only_cur = calloc(cur.n_e, sizeof *only_cur);
  skipped = calloc(base.n_e + cur.n_e, sizeof *skipped);
  if (!rows || !only_base || !only_cur || !skipped) unusable("out of memory");
  size_t both = 0;
  for (size_t i = 0; i < base.n_e;) {
    size_t no, nn;
    const entry *o = lookup(&base, base.e[i].key, &no), *n = lookup(&cur, base.e[i].key, &nn);
    i += no;
    if (!n) {
      if (!is_time(o, no)) skipped[n_skipped++] = o;
      else only_base[n_only_base++] = o;
      continue;
    }
    both++;
    /* one unit per key across every run of both sides */
    for (size_t k = 0; k < no + nn; k++) {
      const entry *x = k < no ? &o[k] : &n[k - no];
      if (strcmp(x->m->unit, o->m->unit) != 0)
        unusable("%s:%d: %s has unit \"%s\" but \"%s\" in %s:%d", x->f->path, x->m->line, x->key,
                 x->m->unit, o->m->unit, o->f->path, o->m->line);
    }
    if (!is_time(o, no)) {
      skipped[n_skipped++] = o;
      continue;
    }
    row *r = &rows[n_rows++];
    r->old = o;
    r->new = n;
    r->old_runs = no;
    r->new_runs = nn;
    compare_key(r);
  }
  for (size_t i = 0; i < cur.n_e;) {
    size_t nn, no;
    const entry *n = lookup(&cur, cur.e[i].key, &nn);
    i += nn;
    if (lookup(&base, n->key, &no)) continue;
    if (!is_time(n, nn)) skipped[n_skipped++] = n;
    else only_cur[n_only_cur++] = n;
  }
  if (both == 0)
    unusable("no key is in both runs (%zu baseline records in %s, %zu current records in %s)",
             base.n_e, base.files[0].path, cur.n_e, cur.files[0].path);
  /* Report in the order of the baseline files: references first, as run. */
  qsort(rows, n_rows, sizeof *rows, cmp_row_order);
  qsort(only_base, n_only_base, sizeof *only_base, cmp_file_order);
  qsort(only_cur, n_only_cur, sizeof *only_cur, cmp_file_order);
}

/* ---- output --------------------------------------------------------- */

static size_t count[6];

static void fmt_time(double ns, char *buf, size_t len) {
  if (ns < 1e3) snprintf(buf, len, "%.0f ns", ns);
  else if (ns < 1e6) snprintf(buf, len, "%.2f us", ns / 1e3);
  else if (ns < 1e9) snprintf(buf, len, "%.2f ms", ns / 1e6);
  else snprintf(buf, len, "%.2f s", ns / 1e9);
}

static void fmt_change(double c, char *buf, size_t len) {
  if (isnan(c)) snprintf(buf, len, "-");
  else snprintf(buf, len, "%+.4f", c);
}

static void fmt_p(double p, char *buf, size_t len) {
  if (isnan(p)) snprintf(buf, len, "-");
  else snprintf(buf, len, "%.4f", p);
}

static const char *verdict_shown(verdict v) {
  return v == V_REGRESSION ? "REGRESSION" : verdict_name[v];
}

static int shown(const row *r) {
  return !opt.quiet || (r->v != V_OK && r->v != V_REFERENCE);
}

/* The cells of a row, shared by the text and the Markdown table. Change is
 * normalized (raw for the references, which have nothing to divide by). */
typedef struct {
  char old[32], new[32], change[32], raw[32], p[32];
} cells;

static void row_cells(const row *r, cells *c) {
  fmt_time(r->old_med, c->old, sizeof c->old);
  fmt_time(r->new_med, c->new, sizeof c->new);
  fmt_change(r->ref == REF_SELF ? r->raw_change : r->change, c->change, sizeof c->change);
  fmt_change(r->raw_change, c->raw, sizeof c->raw);
  fmt_p(r->p, c->p, sizeof c->p);
}

/* One line per platform: the reference medians, so a reader sees how much
 * normalization took out. */
static void describe_refs(FILE *to, const char *prefix) {
  for (size_t i = 0; i < n_rows; i++) {
    const row *r = &rows[i];
    if (strcmp(r->old->m->scenario, "pingpong") != 0 ||
        strcmp(r->old->m->backend, "spin_pingpong") != 0)
      continue;
    cells c;
    row_cells(r, &c);
    fprintf(to, "%s%s spin round trip %s -> %s (%s)\n", prefix, r->old->m->platform, c.old, c.new,
            c.raw);
  }
}

static const char *commit_of(const side *s) {
  return s->files[0].git_commit ? s->files[0].git_commit : "?";
}

static size_t runs_of(const side *s) {
  size_t most = 0; /* runs per platform: the largest count of one key */
  for (size_t i = 0; i < s->n_e;) {
    size_t n;
    lookup(s, s->e[i].key, &n);
    if (n > most) most = n;
    i += n;
  }
  return most;
}

static void print_table(void) {
  size_t w = strlen("Benchmark");
  for (size_t i = 0; i < n_rows; i++)
    if (shown(&rows[i]) && strlen(rows[i].old->key) > w) w = strlen(rows[i].old->key);
  printf("Comparing %s%s (%s, %zu run%s) to %s%s (%s, %zu run%s)\n", opt.base[0],
         opt.n_base > 1 ? " ..." : "", commit_of(&base), runs_of(&base),
         runs_of(&base) == 1 ? "" : "s", opt.cur[0], opt.n_cur > 1 ? " ..." : "",
         commit_of(&cur), runs_of(&cur), runs_of(&cur) == 1 ? "" : "s");
  printf("Change: of the median normalized by the same run's reference (grain W > 0: serial of "
         "the same W; others: spin round trip); Raw: unnormalized.\n"
         "U test two-sided on the normalized samples, alpha %g, >= %d samples per side; a "
         "regression needs p < alpha and both changes >= the threshold (%g unless configured).\n",
         opt.alpha, MIN_SAMPLES, opt.threshold);
  printf("%-*s %11s %11s %9s %9s %8s  %s\n", (int)w, "Benchmark", "Old", "New", "Change", "Raw",
         "p", "Verdict");
  for (size_t i = 0; i < w + 64; i++) putchar('-');
  putchar('\n');
  for (size_t i = 0; i < n_rows; i++) {
    const row *r = &rows[i];
    if (!shown(r)) continue;
    cells c;
    row_cells(r, &c);
    printf("%-*s %11s %11s %9s %9s %8s  %s", (int)w, r->old->key, c.old, c.new, c.change, c.raw,
           c.p, verdict_shown(r->v));
    if (r->v == V_INSUFFICIENT) printf(" (%s)", r->reason);
    putchar('\n');
  }
  printf("\n");
  describe_refs(stdout, "reference: ");
  for (size_t i = 0; i < n_only_base; i++)
    printf("only in baseline: %s (%s:%d)\n", only_base[i]->key, only_base[i]->f->path,
           only_base[i]->m->line);
  for (size_t i = 0; i < n_only_cur; i++)
    printf("only in current: %s (%s:%d)\n", only_cur[i]->key, only_cur[i]->f->path,
           only_cur[i]->m->line);
  for (size_t i = 0; i < n_skipped; i++)
    printf("skipped (unit \"%s\", not a time): %s\n", skipped[i]->m->unit, skipped[i]->key);
  const side *sides[] = {&base, &cur};
  for (int s = 0; s < 2; s++)
    for (size_t i = 0; i < sides[s]->n_files; i++) {
      const record_file *f = &sides[s]->files[i];
      for (size_t j = 0; j < f->n_errors; j++)
        printf("error record in the %s run: %s:%d: %s %s: %s\n", sides[s]->label, f->path,
               f->errors[j].line, f->errors[j].scenario,
               f->errors[j].backend ? f->errors[j].backend : "", f->errors[j].message);
    }
  /* Unused rules: a typo, or a platform or scenario not in these runs. */
  size_t unused = 0;
  for (size_t i = 0; i < opt.n_rules; i++)
    if (!opt.rules[i].used)
      printf("%s%d (%s)", unused++ ? ", " : "note: config rules matching no compared key: line ",
             opt.rules[i].line, opt.rules[i].pattern);
  if (unused) printf(" of %s\n", opt.config);
  for (size_t i = 0; i < n_rows; i++)
    if (rows[i].v == V_REGRESSION || rows[i].v == V_IMPROVEMENT) {
      const row *r = &rows[i];
      printf("%s: %s %+.1f%% (normalized; raw %+.1f%%), p = %.2g, threshold %.0f%%", verdict_shown(r->v),
             r->old->key, r->change * 100, r->raw_change * 100, r->p, r->threshold * 100);
      if (r->rule_line) printf(" (%s:%d)", opt.config, r->rule_line);
      putchar('\n');
    }
  printf("gate: %zu regression%s, %zu improvement%s, %zu ok, %zu insufficient, %zu ignored, "
         "%zu reference%s; %zu only in baseline, %zu only in current, %zu skipped\n",
         count[V_REGRESSION], count[V_REGRESSION] == 1 ? "" : "s", count[V_IMPROVEMENT],
         count[V_IMPROVEMENT] == 1 ? "" : "s", count[V_OK], count[V_INSUFFICIENT],
         count[V_IGNORED], count[V_REFERENCE], count[V_REFERENCE] == 1 ? "" : "s", n_only_base,
         n_only_cur, n_skipped);
}

static void md_row(FILE *md, const row *r) {
  cells c;
  row_cells(r, &c);
  fprintf(md, "| `%s` | %s | %s | %s | %s | %s | %s%s%s%s |\n", r->old->key, c.old, c.new,
          c.change, c.raw, c.p, r->v == V_REGRESSION ? "**REGRESSION**" : verdict_name[r->v],
          r->v == V_INSUFFICIENT ? " (" : "", r->v == V_INSUFFICIENT ? r->reason : "",
          r->v == V_INSUFFICIENT ? ")" : "");
}

static const char *md_head = "| Benchmark | Old | New | Change | Raw | p | Verdict |\n"
                             "|---|---:|---:|---:|---:|---:|---|\n";

static void write_markdown(const char *title) {
  FILE *md = fopen(opt.markdown, "w");
  if (!md) unusable("%s: cannot write: %s", opt.markdown, strerror(errno));
  fprintf(md, "### poolbench gate: %s\n\n", title);
  fprintf(md,
          "%zu regressions, %zu improvements, %zu ok, %zu insufficient, %zu ignored; "
          "%zu only in baseline, %zu only in current, %zu skipped. Baseline `%s`, current `%s`. "
          "A regression needs U-test p < %g and a change of the median, normalized by the same "
          "run's reference and raw, of at least the threshold (%.0f%% unless configured).\n\n",
          count[V_REGRESSION], count[V_IMPROVEMENT], count[V_OK], count[V_INSUFFICIENT],
          count[V_IGNORED], n_only_base, n_only_cur, n_skipped, commit_of(&base),
          commit_of(&cur), opt.alpha, opt.threshold * 100);
  size_t notable = count[V_REGRESSION] + count[V_IMPROVEMENT] + count[V_INSUFFICIENT];
  if (notable) {
    fputs(md_head, md);
    for (size_t i = 0; i < n_rows; i++)
      if (rows[i].v == V_REGRESSION || rows[i].v == V_IMPROVEMENT ||
          rows[i].v == V_INSUFFICIENT)
        md_row(md, &rows[i]);
    fputc('\n', md);
  }
  describe_refs(md, "- reference: ");
  for (size_t i = 0; i < n_only_base; i++) fprintf(md, "- only in baseline: `%s`\n", only_base[i]->key);
  for (size_t i = 0; i < n_only_cur; i++) fprintf(md, "- only in current: `%s`\n", only_cur[i]->key);
  fprintf(md, "\n<details><summary>all %zu compared keys</summary>\n\n%s", n_rows, md_head);
  for (size_t i = 0; i < n_rows; i++) md_row(md, &rows[i]);
  fprintf(md, "\n</details>\n");
  if (fclose(md)) unusable("%s: cannot write: %s", opt.markdown, strerror(errno));
}

static void json_number(cJSON *o, const char *name, double v) {
  if (isfinite(v)) cJSON_AddNumberToObject(o, name, v);
  else cJSON_AddNullToObject(o, name);
}

static cJSON *json_files(const side *s) {
  cJSON *a = cJSON_CreateArray();
  for (size_t i = 0; i < s->n_files; i++) {
    const record_file *f = &s->files[i];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "path", f->path);
    cJSON_AddStringToObject(o, "platform", f->platform);
    if (f->git_commit) cJSON_AddStringToObject(o, "git_commit", f->git_commit);
    else cJSON_AddNullToObject(o, "git_commit");
    if (f->start_time) cJSON_AddStringToObject(o, "start_time", f->start_time);
    else cJSON_AddNullToObject(o, "start_time");
    if (f->cpu_model) cJSON_AddStringToObject(o, "cpu_model", f->cpu_model);
    else cJSON_AddNullToObject(o, "cpu_model");
    cJSON_AddItemToArray(a, o);
  }
  return a;
}

static cJSON *json_keys(const entry *const *e, size_t n) {
  cJSON *a = cJSON_CreateArray();
  for (size_t i = 0; i < n; i++) cJSON_AddItemToArray(a, cJSON_CreateString(e[i]->key));
  return a;
}

static void write_json_doc(cJSON *doc) {
  char *text = cJSON_Print(doc);
  FILE *fp = text ? fopen(opt.json, "w") : NULL;
  int ok = fp && fputs(text, fp) >= 0 && fputc('\n', fp) != EOF;
  if (fp && fclose(fp)) ok = 0;
  free(text);
  cJSON_Delete(doc);
  if (!ok) {
    fprintf(stderr, "%s: %s: cannot write: %s\n", prog, opt.json, strerror(errno));
    exit(2);
  }
}

static cJSON *json_head(const char *verdict, int exit_code) {
  cJSON *doc = cJSON_CreateObject();
  cJSON_AddStringToObject(doc, "type", "gate");
  cJSON_AddNumberToObject(doc, "schema", 1);
  cJSON_AddStringToObject(doc, "verdict", verdict);
  cJSON_AddNumberToObject(doc, "exit_code", exit_code);
  cJSON_AddNumberToObject(doc, "alpha", opt.alpha);
  cJSON_AddNumberToObject(doc, "threshold", opt.threshold);
  cJSON_AddNumberToObject(doc, "min_samples", MIN_SAMPLES);
  if (opt.config) cJSON_AddStringToObject(doc, "config", opt.config);
  else cJSON_AddNullToObject(doc, "config");
  return doc;
}

static void write_json(const char *verdict, int exit_code) {
  cJSON *doc = json_head(verdict, exit_code);
  cJSON_AddNullToObject(doc, "error");
  cJSON_AddItemToObject(doc, "baseline", json_files(&base));
  cJSON_AddItemToObject(doc, "current", json_files(&cur));
  cJSON *counts = cJSON_AddObjectToObject(doc, "counts");
  for (int v = 0; v < 6; v++) cJSON_AddNumberToObject(counts, verdict_name[v], (double)count[v]);
  cJSON_AddNumberToObject(counts, "only_baseline", (double)n_only_base);
  cJSON_AddNumberToObject(counts, "only_current", (double)n_only_cur);
  cJSON_AddNumberToObject(counts, "skipped", (double)n_skipped);
  cJSON *keys = cJSON_AddArrayToObject(doc, "keys");
  for (size_t i = 0; i < n_rows; i++) {
    const row *r = &rows[i];
    const measurement *m = r->old->m;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "key", r->old->key);
    cJSON_AddStringToObject(o, "platform", m->platform);
    cJSON_AddStringToObject(o, "scenario", m->scenario);
    cJSON_AddStringToObject(o, "backend", m->backend);
    cJSON_AddStringToObject(o, "mode", m->mode);
    cJSON_AddNumberToObject(o, "threads", (double)m->threads);
    cJSON_AddNumberToObject(o, "items", (double)m->items);
    cJSON_AddNumberToObject(o, "work_ns", m->work_ns);
    cJSON_AddStringToObject(o, "verdict", verdict_name[r->v]);
    cJSON_AddStringToObject(o, "unit", m->unit);
    json_number(o, "old_median", r->old_med);
    json_number(o, "new_median", r->new_med);
    cJSON_AddNumberToObject(o, "old_runs", (double)r->old_runs);
    cJSON_AddNumberToObject(o, "new_runs", (double)r->new_runs);
    cJSON_AddNumberToObject(o, "old_n", (double)r->old_n);
    cJSON_AddNumberToObject(o, "new_n", (double)r->new_n);
    cJSON_AddStringToObject(o, "normalized_by", ref_name(r->ref));
    json_number(o, "old_ref", r->old_ref);
    json_number(o, "new_ref", r->new_ref);
    json_number(o, "change", r->ref == REF_SELF ? r->raw_change : r->change);
    json_number(o, "raw_change", r->raw_change);
    json_number(o, "p", r->p);
    if (isnan(r->p)) cJSON_AddNullToObject(o, "p_method");
    else cJSON_AddStringToObject(o, "p_method", r->exact ? "exact" : "normal");
    json_number(o, "threshold", r->threshold);
    if (r->rule_line) {
      char where[300];
      snprintf(where, sizeof where, "%s:%d", opt.config, r->rule_line);
      cJSON_AddStringToObject(o, "threshold_from", where);
    } else {
      cJSON_AddNullToObject(o, "threshold_from");
    }
    if (r->reason[0]) cJSON_AddStringToObject(o, "reason", r->reason);
    else cJSON_AddNullToObject(o, "reason");
    cJSON_AddItemToArray(keys, o);
  }
  cJSON_AddItemToObject(doc, "only_baseline", json_keys(only_base, n_only_base));
  cJSON_AddItemToObject(doc, "only_current", json_keys(only_cur, n_only_cur));
  cJSON_AddItemToObject(doc, "skipped", json_keys(skipped, n_skipped));
  write_json_doc(doc);
}

static void write_error_outputs(const char *msg) {
  static int once;
  if (once++) return; /* a failure while writing them must not recurse */
  if (opt.json) {
    cJSON *doc = json_head("unusable", 2);
    cJSON_AddStringToObject(doc, "error", msg);
    write_json_doc(doc);
  }
  if (opt.markdown) {
    FILE *md = fopen(opt.markdown, "w");
    if (md) {
      fprintf(md, "### poolbench gate: unusable input\n\n`%s`\n", msg);
      fclose(md);
    }
  }
}

/* "AMD EPYC, 2 logical cores", or NULL when the header does not say (no
 * cpu_model or no logical_cores). Workers left unpinned (--no-pin) run as on
 * another machine: the kernel's placement changes bursts from parallel to
 * serial speed on the 2-vCPU VMs. */
static const char *machine_of(const record_file *f, char *buf, size_t len) {
  if (!f->cpu_model || !*f->cpu_model || f->logical_cores <= 0) return NULL;
  snprintf(buf, len, "%s, %ld logical cores%s", f->cpu_model, f->logical_cores,
           f->no_pin == 1 ? ", workers unpinned" : "");
  return buf;
}

/* The first file of a side whose header names its machine, or NULL. */
static const record_file *known_machine(const side *s) {
  char buf[300];
  for (size_t i = 0; i < s->n_files; i++)
    if (machine_of(&s->files[i], buf, sizeof buf)) return &s->files[i];
  return NULL;
}

/* Figures from two machines differ by more than any threshold (measured: a
 * baseline from one 2-vCPU VM flagged 11 keys at +55% to +315% on another,
 * OpenMP's among them, with no code change). So a gate across machines is
 * refused unless asked for; the Wasm platforms' headers name no CPU and are
 * judged by the files of the same side that do. A side none of whose files
 * names its machine could be any machine: refused alike (such a baseline used
 * to skip the check and pass). */
static void check_same_machine(void) {
  const side *sides[2] = {&base, &cur};
  for (int k = 0; k < 2; k++) {
    if (known_machine(sides[k])) continue;
    const char *path = sides[k]->n_files ? sides[k]->files[0].path : "?";
    if (!opt.any_machine)
      unusable("%s does not say which machine it was measured on (no cpu_model or "
               "logical_cores in its header): figures from different machines do not compare; "
               "measure both sides on one machine (make gate BASE=<commit>, or make baseline "
               "on this machine) or pass --any-machine",
               path);
    fprintf(stderr, "%s: warning: %s does not say which machine it was measured on "
                    "(--any-machine)\n", prog, path);
    return;
  }
  char a[300], b[300];
  for (size_t i = 0; i < base.n_files; i++) {
    const char *ma = machine_of(&base.files[i], a, sizeof a);
    if (!ma) continue;
    for (size_t j = 0; j < cur.n_files; j++) {
      const char *mb = machine_of(&cur.files[j], b, sizeof b);
      if (!mb || strcmp(ma, mb) == 0) continue;
      if (!opt.any_machine)
        unusable("%s was measured on %s, %s on %s: figures from different machines do not "
                 "compare; measure both sides on one machine (make gate BASE=<commit>, or make "
                 "baseline on this machine) or pass --any-machine",
                 base.files[i].path, ma, cur.files[j].path, mb);
      fprintf(stderr, "%s: warning: %s was measured on %s, %s on %s (--any-machine)\n", prog,
              base.files[i].path, ma, cur.files[j].path, mb);
      return;
    }
  }
}

int main(int argc, char **argv) {
  parse_options(argc, argv);
  if (opt.config) read_config(opt.config);
  for (size_t i = 0; i < opt.n_base; i++) add_path(&base, opt.base[i]);
  for (size_t i = 0; i < opt.n_cur; i++) add_path(&cur, opt.cur[i]);
  index_side(&base);
  index_side(&cur);
  check_same_machine();
  compare_all();
  for (size_t i = 0; i < n_rows; i++) count[rows[i].v]++;

  int code = 0;
  const char *verdict = "clean", *title = "clean";
  if (count[V_REGRESSION]) {
    code = 1;
    verdict = "regression";
    title = "REGRESSION";
  } else if (count[V_INSUFFICIENT]) {
    code = 2;
    verdict = "undecided";
    title = "undecided (too few samples or a missing reference)";
  }
  print_table();
  if (opt.markdown) write_markdown(title);
  if (opt.json) write_json(verdict, code);
  if (code == 2) {
    const row *first = NULL;
    for (size_t i = 0; i < n_rows && !first; i++)
      if (rows[i].v == V_INSUFFICIENT) first = &rows[i];
    fprintf(stderr, "%s: %zu key%s undecided, e.g. %s: %s\n", prog, count[V_INSUFFICIENT],
            count[V_INSUFFICIENT] == 1 ? "" : "s", first->old->key, first->reason);
  }
  return code;
}
