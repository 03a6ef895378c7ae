/* poolbench: the command line over the harness. The same file is the entry
 * point natively and under the Wasm hosts. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "append_check.h"
#include "faults.h"
#include "harness.h"
#include "hazards.h"
#include "host.h"
#include "platform.h"
#include "pool.h"
#include "quote.h"
#include "suite.h"
#include "watchdog.h"

static const char usage[] =
    "usage: poolbench run [options]   measure parallel_for costs, write records\n"
    "       poolbench list [--json]   list backends and scenarios (--json: one\n"
    "                                 object with their traits and the records'\n"
    "                                 vocabulary: grain_work_ns, references)\n"
    "       poolbench diagnose [--hazard h,i] [--threads P] [--deadline S] [--out DIR] [--append]\n"
    "                                 reproduce known threading hazards, one verdict each\n"
    "       poolbench --help\n"
    "\n"
    "run options:\n"
    "  --backend a,b     backends to measure (default: all; see `poolbench list`)\n"
    "  --scenario s,t    scenarios to run (default: all); the ping-pong\n"
    "                    references always run first: every figure is also\n"
    "                    reported in their units\n"
    "  --threads P[,Q..] threads per pool, counting the caller, 1..256\n"
    "                    (under Wasm up to the pre-created pthread pool, 8)\n"
    "                    (default: logical cores); a list (1,2,4) runs every\n"
    "                    scenario at each P in turn (at most 8, no repeats)\n"
    "  --warm | --cold | --both\n"
    "                    idle mode of the pools that have one (default: both)\n"
    "  --reps R          outer repetitions, the first discarded, >= 3 (default 11)\n"
    "  --quick           fewer repetitions and shorter batches (a smoke run)\n"
    "  --clock C         what times single calls (latency, bursts, spaced fork-joins,\n"
    "                    fork/join stamps): auto (default: a counter clock where the\n"
    "                    system clock's step is > 1 us and a core is free for it,\n"
    "                    i.e. logical cores > P + 1; else the system clock), system,\n"
    "                    or counter (one thread counting, calibrated against the\n"
    "                    system clock over 200 ms; costs a core)\n"
    "  --no-pin          natively, do not pin pool workers to CPUs: the kernel\n"
    "                    places them, as it must under WebAssembly (no affinity)\n"
    "  --out DIR         write DIR/<platform>.ndjson (default: results/<run-id>/);\n"
    "                    a DIR that already holds it is refused (runs must not mix)\n"
    "  --append          add this run's records to the run already in\n"
    "                    DIR/<platform>.ndjson (its header stays the only one)\n"
    "  --deadline S      watchdog: a job (one scenario on one target) that makes no\n"
    "                    progress (no batch finished) for S seconds, or for 20x its\n"
    "                    longest pause so far if longer, is stuck: dump every\n"
    "                    thread's state, exit 3 (default 10, 0: no watchdog)\n"
    "  --skip-jobs N     do not run jobs 2..N (the references, job 1, always run):\n"
    "                    with --append, go on after job N tripped the watchdog\n"
    "  --test-fault F    test knob: break the run on purpose after the references\n"
    "                    (abort-in-worker: abort() inside a pool worker;\n"
    "                    hang-in-worker: a pool worker blocks forever;\n"
    "                    bad-record: a line the record contract refuses)\n"
    "\n"
    "Records: one JSON object per line, fields documented in results/README.md.\n"
    "Progress goes to stderr, the summary table to stdout.\n";

/* One line, exit 2: every usage error ends here. */
static _Noreturn void bad_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static _Noreturn void bad_usage(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "poolbench: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, " (see poolbench --help)\n");
  va_end(ap);
  exit(2);
}

/* A decimal integer in lo..hi and nothing else (strtol alone would take
 * " 2", "+2" and "2 " too). */
static long parse_int(const char *opt, const char *s, long lo, long hi) {
  if (!s) bad_usage("%s needs a value", opt);
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  bool digits = (s[0] >= '0' && s[0] <= '9') || (s[0] == '-' && s[1] >= '0' && s[1] <= '9');
  if (!digits || errno || *end || v < lo || v > hi)
    bad_usage("%s must be an integer in %ld..%ld, got %s", opt, lo, hi, QUOTED(s));
  return v;
}

/* Splits a comma list into names[] (copies: argv stays as it was), checking
 * each with `known`. An empty item is an error, not "all": `--backend ,` once
 * started the whole suite. */
static int split_list(const char *opt, const char *s, const char **names, int max,
                      bool (*known)(const char *), const char *what) {
  if (!s || !*s) bad_usage("%s needs a comma-separated list", opt);
  int n = 0;
  for (const char *item = s;;) {
    size_t len = strcspn(item, ",");
    if (len == 0) bad_usage("%s %s: item %d is empty", opt, QUOTED(s), n + 1);
    char *name = strndup(item, len);
    if (!name) bad_usage("out of memory reading %s", opt);
    if (known && !known(name)) bad_usage("unknown %s %s", what, QUOTED(name));
    if (n == max) bad_usage("too many %ss in %s (at most %d)", what, opt, max);
    names[n++] = name;
    if (!item[len]) return n;
    item += len + 1;
  }
}

/* --threads: one P or a comma list of distinct ones, each in 1..max. */
static int parse_threads(const char *opt, const char *s, int *out, int max_n, long max_p) {
  const char *names[SUITE_MAX_P];
  int n = split_list(opt, s, names, max_n, NULL, "thread count");
  for (int i = 0; i < n; i++) {
    out[i] = (int)parse_int(opt, names[i], 1, max_p);
    for (int j = 0; j < i; j++)
      if (out[j] == out[i]) bad_usage("%s %s: %d appears twice", opt, QUOTED(s), out[i]);
  }
  return n;
}

/* A value that must be a path: given and not empty. */
static const char *path_arg(const char *opt, const char *v) {
  if (!v || !*v) bad_usage("%s needs a directory", opt);
  return v;
}

static bool known_backend(const char *name) { return pool_backend_describe(name) != NULL; }
static bool known_scenario(const char *name) { return scenario_find(name) != NULL; }

/* `list --json`: the same names as the text form, for programs (the Python
 * and JS drivers, Google Benchmark's grid), with the traits and vocabulary
 * they would otherwise copy. */
static int list_json(void) {
  json j;
  json_init(&j);
  json_obj_begin(&j);
  json_arr_begin(&j, "backends");
  for (int i = 0; i < pool_backend_count(); i++) {
    const char *b = pool_backend_at(i);
    json_obj_begin(&j);
    json_str(&j, "name", b);
    json_str(&j, "description", pool_backend_describe(b));
    json_bool(&j, "has_workers", pool_backend_has_workers(b));
    json_bool(&j, "runs_on_caller", pool_backend_runs_on_caller(b));
    json_obj_end(&j);
  }
  json_arr_end(&j);
  json_arr_begin(&j, "scenarios");
  for (int i = 0; i < scenario_count(); i++) {
    const scenario *sc = scenario_at(i);
    if (!scenario_runs_here(sc)) continue;
    json_obj_begin(&j);
    json_str(&j, "name", sc->name);
    json_str(&j, "description", sc->description);
    json_bool(&j, "per_target", sc->per_target);
    json_obj_end(&j);
  }
  json_arr_end(&j);
  harness_write_vocabulary(&j);
  json_obj_end(&j);
  int rc = j.failed ? 1 : 0;
  if (rc) fprintf(stderr, "poolbench: out of memory writing the list\n");
  else printf("%.*s\n", (int)j.len, j.buf);
  json_free(&j);
  return rc;
}

static int cmd_list(int argc, char **argv) {
  bool as_json = false;
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0) {
      as_json = true;
      continue;
    }
    if (strcmp(argv[i], "--help") != 0 && strcmp(argv[i], "-h") != 0)
      bad_usage("list takes only --json, got %s", QUOTED(argv[i]));
    fputs(usage, stdout);
    return 0;
  }
  if (as_json) return list_json();
  printf("backends:\n");
  for (int i = 0; i < pool_backend_count(); i++)
    printf("  %-12s %s\n", pool_backend_at(i), pool_backend_describe(pool_backend_at(i)));
  printf("scenarios:\n");
  for (int i = 0; i < scenario_count(); i++) {
    const scenario *sc = scenario_at(i); /* only those some backend of this build can run */
    if (scenario_runs_here(sc)) printf("  %-12s %s\n", sc->name, sc->description);
  }
  return 0;
}

/* The command line as given, recorded in the header (options.command): each
 * argument shell-quoted when it needs it, so the line splits back into argv.
 * Made before any parsing. */
static char *command_line(int argc, char **argv) {
  size_t cap = 1;
  for (int i = 0; i < argc; i++) cap += 4 * strlen(argv[i]) + 3; /* every ' becomes '\'' */
  char *line = malloc(cap), *w = line;
  if (!line) return NULL;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    bool plain = *a && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                 "0123456789-_./,=:+@%") == strlen(a);
    if (i) *w++ = ' ';
    if (plain) {
      w += sprintf(w, "%s", a);
      continue;
    }
    *w++ = '\'';
    for (; *a; a++) w += *a == '\'' ? sprintf(w, "'\\''") : sprintf(w, "%c", *a);
    *w++ = '\'';
  }
  *w = 0;
  return line;
}

static char *session_cmdline;

/* Room for a message quoting a path as long as the OS takes. */
#define ERR_LEN 4608

/* What every measuring command takes: where the records go and how long a
 * job may make no progress. One parser, so run and diagnose agree. */
typedef struct session_args {
  const char *out_dir;
  bool append;
  double deadline_s;
} session_args;
#define SESSION_ARGS_DEFAULT {.out_dir = NULL, .append = false, .deadline_s = 10}

/* Consumes a (and its value v, advancing *i) when it is a session option. */
static bool session_arg(session_args *s, const char *a, const char *v, int *i) {
  if (strcmp(a, "--out") == 0) {
    s->out_dir = path_arg(a, v);
    (*i)++;
  } else if (strcmp(a, "--append") == 0) {
    s->append = true;
  } else if (strcmp(a, "--deadline") == 0) {
    s->deadline_s = (double)parse_int(a, v, 0, 86400);
    (*i)++;
  } else {
    return false;
  }
  return true;
}

/* The run's records file (DIR/<platform>.ndjson; DIR defaults to
 * results/<run-id><sub>), the harness session on it, and the watchdog. A
 * file already there is another run's: refused (exit 2) unless `append`. */
static harness *open_session(harness_options *o, const session_args *sa, const char *sub) {
  const char *out_dir = sa->out_dir;
  bool append = sa->append;
  static char err[ERR_LEN];
  char *dir;
  if (out_dir) {
    dir = strdup(out_dir);
  } else {
    char id[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(id, sizeof id, "%Y%m%d-%H%M%S", &tm);
    dir = malloc(strlen("results/") + strlen(id) + strlen(sub) + 1);
    if (dir) sprintf(dir, "results/%s%s", id, sub);
  }
  char *path = dir ? malloc(strlen(dir) + strlen(o->platform) + sizeof "/.ndjson") : NULL;
  if (!path) {
    fprintf(stderr, "poolbench: out of memory\n");
    return NULL;
  }
  sprintf(path, "%s/%s.ndjson", dir, o->platform);
  if (host_mkdirs(dir, err, sizeof err) != 0) {
    fprintf(stderr, "poolbench: %s\n", err);
    return NULL;
  }
  int exists = host_file_exists(path);
  if (!append && exists == 1)
    bad_usage("%s already holds an earlier run's records: use a new --out directory, or "
              "--append to add this run to them", QUOTED(path));
  if (append && exists == 1 && append_check(path, o->platform, err, sizeof err) != 0)
    bad_usage("%s", err);
  /* One file, one run, one header: appended records join the run already
   * there. In the browser (exists -1) the driver passes --append only onto
   * a file that holds a run. */
  o->continue_run = append && exists != 0;
  o->out_path = path;
  o->argv_line = session_cmdline;
  fprintf(stderr, "poolbench: calibrating (timer step, delay kernel)...\n");
  harness *h = harness_open(o, err, sizeof err);
  if (!h) {
    fprintf(stderr, "poolbench: %s\n", err);
    return NULL;
  }
  fprintf(stderr, "poolbench: %s, P = %d, writing %s\n", o->platform, o->threads, path);
  if (watchdog_start(harness_watchdog(h), sa->deadline_s) != 0) {
    fprintf(stderr, "poolbench: cannot start the watchdog thread\n");
    harness_close(h);
    return NULL;
  }
  return h;
}

static bool known_hazard(const char *name) { return hazard_known(name); }

/* One thread per logical core, within what the host can create. */
static int default_threads(void) {
  return plat_cpu_count() < host_max_threads() ? plat_cpu_count() : host_max_threads();
}

static int cmd_diagnose(int argc, char **argv) {
  harness_options o = {.platform = host_platform(), .reps = HARNESS_DEFAULT_REPS, .quick = true};
  o.threads = default_threads();
  session_args sa = SESSION_ARGS_DEFAULT;
  const char *names[16];
  int n = 0;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--hazard") == 0) {
      n = split_list(a, v, names, 16, known_hazard, "hazard");
      i++;
    } else if (strcmp(a, "--threads") == 0) {
      o.threads = (int)parse_int(a, v, 2, host_max_threads());
      i++;
    } else if (session_arg(&sa, a, v, &i)) {
    } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      fputs(usage, stdout);
      hazard_list(stdout);
      return 0;
    } else {
      bad_usage("unknown option %s", QUOTED(a));
    }
  }
  if (n == 0)
    for (const char *hz; (hz = hazard_at(n)) != NULL;) names[n++] = hz;
  harness *h = open_session(&o, &sa, "/diagnose");
  if (!h) return 1;
  int errors = 0;
  for (int i = 0; i < n; i++) {
    int rc = hazard_run(h, names[i], o.threads);
    if (rc < 0) errors++;
    if (rc > 0) fprintf(stderr, "poolbench: hazard %s does not exist on %s\n", names[i], o.platform);
  }
  harness_end(h, n, errors);
  watchdog_stop(harness_watchdog(h));
  harness_close(h);
  return errors ? 1 : 0;
}

static int cmd_run(int argc, char **argv) {
  suite_plan plan = {0};
  plan.threads[0] = default_threads();
  plan.nthreads = 1;
  plan.warm = plan.cold = true;
  harness_options o = {.platform = host_platform(), .reps = HARNESS_DEFAULT_REPS};
  session_args sa = SESSION_ARGS_DEFAULT;
  const char *scen_names[SUITE_MAX];
  int nscen = 0;

  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--backend") == 0) {
      plan.nbackends = split_list(a, v, plan.backends, SUITE_MAX, known_backend, "backend");
      i++;
    } else if (strcmp(a, "--scenario") == 0) {
      nscen = split_list(a, v, scen_names, SUITE_MAX, known_scenario, "scenario");
      i++;
    } else if (strcmp(a, "--threads") == 0) {
      plan.nthreads = parse_threads(a, v, plan.threads, SUITE_MAX_P, host_max_threads());
      i++;
    } else if (strcmp(a, "--reps") == 0) {
      o.reps = (int)parse_int(a, v, HARNESS_MIN_REPS, 100000);
      i++;
    } else if (strcmp(a, "--warm") == 0) {
      plan.warm = true, plan.cold = false;
    } else if (strcmp(a, "--cold") == 0) {
      plan.warm = false, plan.cold = true;
    } else if (strcmp(a, "--both") == 0) {
      plan.warm = plan.cold = true;
    } else if (strcmp(a, "--quick") == 0) {
      o.quick = true;
    } else if (strcmp(a, "--no-pin") == 0) {
      o.no_pin = true;
    } else if (strcmp(a, "--clock") == 0) {
      if (!v || (strcmp(v, "auto") && strcmp(v, "system") && strcmp(v, "counter")))
        bad_usage("--clock takes auto, system or counter, got %s", QUOTED(v));
      o.clock = v;
      i++;
    } else if (session_arg(&sa, a, v, &i)) {
    } else if (strcmp(a, "--skip-jobs") == 0) {
      plan.skip_jobs = (int)parse_int(a, v, 0, 1000000);
      i++;
    } else if (strcmp(a, "--test-fault") == 0) {
      if (!v || !fault_known(v))
        bad_usage("--test-fault takes abort-in-worker, hang-in-worker or bad-record, got %s",
                  QUOTED(v));
      plan.fault = v;
      i++;
    } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      fputs(usage, stdout);
      return 0;
    } else {
      bad_usage("unknown option %s", QUOTED(a));
    }
  }
  if (plan.nbackends == 0)
    for (int i = 0; i < pool_backend_count() && i < SUITE_MAX; i++)
      plan.backends[plan.nbackends++] = pool_backend_at(i);
  if (nscen == 0)
    for (int i = 0; i < scenario_count(); i++) plan.scenarios[plan.nscenarios++] = scenario_at(i);
  else
    for (int i = 0; i < nscen; i++) plan.scenarios[plan.nscenarios++] = scenario_find(scen_names[i]);
  /* The session's P (header, capacity, the counter clock's room): the largest. */
  o.threads = plan.threads[0];
  for (int i = 1; i < plan.nthreads; i++)
    if (plan.threads[i] > o.threads) o.threads = plan.threads[i];
  if (o.clock && strcmp(o.clock, "counter") == 0 && o.threads + 1 > host_max_threads())
    bad_usage("--clock counter takes a thread beside the pool's %d: --threads at most %d here",
              o.threads - 1, host_max_threads() - 1);
  if (o.quick && o.reps == HARNESS_DEFAULT_REPS) o.reps = 10; /* 9 kept: gate minimum */

  harness *h = open_session(&o, &sa, "");
  if (!h) return 1;
  static summary_row rows[SUITE_MAX * 2 * SUITE_MAX_P];
  int nrows = 0;
  int failed = suite_run(h, &plan, rows, &nrows, stderr);
  watchdog_stop(harness_watchdog(h));
  suite_print_summary(stdout, h, rows, nrows);
  printf("records: %s\n", harness_opts(h)->out_path);
  harness_close(h);
  return failed ? 1 : 0;
}

int main(int argc, char **argv) {
  session_cmdline = command_line(argc, argv); /* before anything reads argv */
  if (!session_cmdline) {
    fprintf(stderr, "poolbench: out of memory\n");
    return 1;
  }
  if (argc < 2) bad_usage("missing command: %s", "run, list or diagnose");
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
      strcmp(argv[1], "help") == 0) {
    if (argc > 2) bad_usage("unknown argument %s after %s", QUOTED(argv[2]), argv[1]);
    fputs(usage, stdout);
    return 0;
  }
  if (strcmp(argv[1], "list") == 0) return cmd_list(argc, argv);
  if (strcmp(argv[1], "run") == 0) return cmd_run(argc, argv);
  if (strcmp(argv[1], "diagnose") == 0) return cmd_diagnose(argc, argv);
  bad_usage("unknown command %s", QUOTED(argv[1]));
}
