/* poolbench: the command line over the harness. The same file is the entry
 * point natively and under the Wasm hosts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "faults.h"
#include "harness.h"
#include "hazards.h"
#include "host.h"
#include "platform.h"
#include "pool.h"
#include "suite.h"
#include "watchdog.h"

static const char usage[] =
    "usage: poolbench run [options]   measure parallel_for costs, write records\n"
    "       poolbench list            list backends and scenarios\n"
    "       poolbench diagnose [--hazard h,i] [--threads P] [--deadline S] [--out DIR]\n"
    "                                 reproduce known threading hazards, one verdict each\n"
    "       poolbench --help\n"
    "\n"
    "run options:\n"
    "  --backend a,b     backends to measure (default: all; see `poolbench list`)\n"
    "  --scenario s,t    scenarios to run (default: all); the ping-pong\n"
    "                    references always run first: every figure is also\n"
    "                    reported in their units\n"
    "  --threads P       threads per pool, counting the caller, 1..256\n"
    "                    (under Wasm up to the pre-created pthread pool, 8)\n"
    "                    (default: logical cores)\n"
    "  --warm | --cold | --both\n"
    "                    idle mode of the pools that have one (default: both)\n"
    "  --reps R          outer repetitions, the first discarded, >= 3 (default 11)\n"
    "  --quick           fewer repetitions and shorter batches (a smoke run)\n"
    "  --no-pin          natively, do not pin pool workers to CPUs: the kernel\n"
    "                    places them, as it must under WebAssembly (no affinity)\n"
    "  --out DIR         write DIR/<platform>.ndjson (default: results/<run-id>/)\n"
    "  --deadline S      watchdog: a job (one scenario on one target) running longer\n"
    "                    than S seconds is stuck: dump every thread's state, exit 3\n"
    "                    (default 10, 0 turns the watchdog off)\n"
    "  --test-fault F    test knob: break the run on purpose after the references\n"
    "                    (abort-in-worker: abort() inside a pool worker;\n"
    "                    hang-in-worker: a pool worker blocks forever)\n"
    "\n"
    "Records: one JSON object per line, fields documented in results/README.md.\n"
    "Progress goes to stderr, the summary table to stdout.\n";

/* One line, exit 2: every usage error ends here. */
static _Noreturn void bad_usage(const char *fmt, const char *arg) {
  fprintf(stderr, "poolbench: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, " (see poolbench --help)\n");
  exit(2);
}

static long parse_int(const char *opt, const char *s, long lo, long hi) {
  if (!s) bad_usage("%s needs a value", opt);
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < lo || v > hi) {
    char msg[160];
    snprintf(msg, sizeof msg, "%s must be an integer in %ld..%ld, got '%%s'", opt, lo, hi);
    bad_usage(msg, s);
  }
  return v;
}

/* Splits a comma list into names[], checking each with `known`. */
static int split_list(const char *opt, char *s, const char **names, int max,
                      bool (*known)(const char *), const char *what) {
  if (!s || !*s) bad_usage("%s needs a comma-separated list", opt);
  int n = 0;
  for (char *tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
    if (!known(tok)) {
      char msg[160];
      snprintf(msg, sizeof msg, "unknown %s '%%s'", what);
      bad_usage(msg, tok);
    }
    if (n == max) bad_usage("too many names in %s", opt);
    names[n++] = tok;
  }
  return n;
}

static bool known_backend(const char *name) { return pool_backend_describe(name) != NULL; }
static bool known_scenario(const char *name) { return scenario_find(name) != NULL; }

static int cmd_list(void) {
  printf("backends:\n");
  for (int i = 0; i < pool_backend_count(); i++)
    printf("  %-12s %s\n", pool_backend_at(i), pool_backend_describe(pool_backend_at(i)));
  printf("scenarios:\n");
  for (int i = 0; i < scenario_count(); i++) {
    const scenario *sc = scenario_at(i);
    bool any = !sc->per_target; /* only those some backend of this build can run */
    for (int b = 0; b < pool_backend_count() && !any; b++) any = sc->applies(pool_backend_at(b));
    if (any) printf("  %-12s %s\n", sc->name, sc->description);
  }
  return 0;
}

/* The run's records file (DIR/<platform>.ndjson; DIR defaults to
 * results/<run-id><sub>), the harness session on it, and the watchdog. */
static char session_path[600], session_cmdline[1024];

static harness *open_session(harness_options *o, const char *out_dir, const char *sub,
                             int argc, char **argv, double deadline_s) {
  char dir[512], err[256];
  if (out_dir) {
    snprintf(dir, sizeof dir, "%s", out_dir);
  } else {
    char id[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(id, sizeof id, "%Y%m%d-%H%M%S", &tm);
    snprintf(dir, sizeof dir, "results/%s%s", id, sub);
  }
  if (host_mkdirs(dir, err, sizeof err) != 0) {
    fprintf(stderr, "poolbench: %s\n", err);
    return NULL;
  }
  snprintf(session_path, sizeof session_path, "%s/%s.ndjson", dir, o->platform);
  session_cmdline[0] = 0;
  for (int i = 0; i < argc; i++) {
    strncat(session_cmdline, argv[i], sizeof session_cmdline - strlen(session_cmdline) - 2);
    if (i + 1 < argc) strncat(session_cmdline, " ", sizeof session_cmdline - strlen(session_cmdline) - 1);
  }
  o->out_path = session_path;
  o->argv_line = session_cmdline;
  fprintf(stderr, "poolbench: calibrating (timer step, delay kernel)...\n");
  harness *h = harness_open(o, err, sizeof err);
  if (!h) {
    fprintf(stderr, "poolbench: %s\n", err);
    return NULL;
  }
  fprintf(stderr, "poolbench: %s, P = %d, writing %s\n", o->platform, o->threads, session_path);
  if (watchdog_start(h, deadline_s) != 0) {
    fprintf(stderr, "poolbench: cannot start the watchdog thread\n");
    harness_close(h);
    return NULL;
  }
  return h;
}

static bool known_hazard(const char *name) { return hazard_known(name); }

static int cmd_diagnose(int argc, char **argv) {
  harness_options o = {.platform = host_platform(), .reps = HARNESS_DEFAULT_REPS, .quick = true};
  o.threads = plat_cpu_count() < host_max_threads() ? plat_cpu_count() : host_max_threads();
  const char *out_dir = NULL, *names[16];
  int n = 0;
  double deadline_s = 10;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--hazard") == 0) {
      n = split_list(a, v, names, 16, known_hazard, "hazard");
      i++;
    } else if (strcmp(a, "--threads") == 0) {
      o.threads = (int)parse_int(a, v, 2, host_max_threads());
      i++;
    } else if (strcmp(a, "--deadline") == 0) {
      deadline_s = (double)parse_int(a, v, 0, 86400);
      i++;
    } else if (strcmp(a, "--out") == 0) {
      if (!v || !*v) bad_usage("%s needs a directory", a);
      out_dir = v;
      i++;
    } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      fputs(usage, stdout);
      hazard_list(stdout);
      return 0;
    } else {
      bad_usage("unknown option '%s'", a);
    }
  }
  if (n == 0)
    for (const char *hz; (hz = hazard_at(n)) != NULL;) names[n++] = hz;
  harness *h = open_session(&o, out_dir, "/diagnose", argc, argv, deadline_s);
  if (!h) return 1;
  int errors = 0;
  for (int i = 0; i < n; i++) {
    int rc = hazard_run(h, names[i], o.threads);
    if (rc < 0) errors++;
    if (rc > 0) fprintf(stderr, "poolbench: hazard %s does not exist on %s\n", names[i], o.platform);
  }
  watchdog_stop();
  harness_close(h);
  return errors ? 1 : 0;
}

static int cmd_run(int argc, char **argv) {
  suite_plan plan = {0};
  plan.threads = plat_cpu_count();
  if (plan.threads > host_max_threads()) plan.threads = host_max_threads();
  plan.warm = plan.cold = true;
  harness_options o = {.platform = host_platform(), .reps = HARNESS_DEFAULT_REPS};
  const char *out_dir = NULL;
  double deadline_s = 10;
  const char *scen_names[SUITE_MAX];
  int nscen = 0;

  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--backend") == 0) {
      plan.nbackends = split_list(a, v, plan.backends, SUITE_MAX, known_backend, "backend");
      i++;
    } else if (strcmp(a, "--scenario") == 0) {
      nscen = split_list(a, v, scen_names, SUITE_MAX, known_scenario, "scenario");
      i++;
    } else if (strcmp(a, "--threads") == 0) {
      plan.threads = (int)parse_int(a, v, 1, host_max_threads());
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
    } else if (strcmp(a, "--out") == 0) {
      if (!v || !*v) bad_usage("%s needs a directory", a);
      out_dir = v;
      i++;
    } else if (strcmp(a, "--deadline") == 0) {
      deadline_s = (double)parse_int(a, v, 0, 86400);
      i++;
    } else if (strcmp(a, "--test-fault") == 0) {
      if (!v || !fault_known(v))
        bad_usage("--test-fault takes abort-in-worker or hang-in-worker, got '%s'", v ? v : "");
      plan.fault = v;
      i++;
    } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      fputs(usage, stdout);
      return 0;
    } else {
      bad_usage("unknown option '%s'", a);
    }
  }
  if (plan.nbackends == 0)
    for (int i = 0; i < pool_backend_count() && i < SUITE_MAX; i++)
      plan.backends[plan.nbackends++] = pool_backend_at(i);
  if (nscen == 0)
    for (int i = 0; i < scenario_count(); i++) plan.scenarios[plan.nscenarios++] = scenario_at(i);
  else
    for (int i = 0; i < nscen; i++) plan.scenarios[plan.nscenarios++] = scenario_find(scen_names[i]);
  if (o.quick && o.reps == HARNESS_DEFAULT_REPS) o.reps = 10; /* 9 kept: gate minimum */
  o.threads = plan.threads;

  harness *h = open_session(&o, out_dir, "", argc, argv, deadline_s);
  if (!h) return 1;
  summary_row rows[SUITE_MAX * 2];
  int nrows = 0;
  int failed = suite_run(h, &plan, rows, &nrows, stderr);
  watchdog_stop();
  suite_print_summary(stdout, h, rows, nrows);
  printf("records: %s\n", harness_opts(h)->out_path);
  harness_close(h);
  return failed ? 1 : 0;
}

int main(int argc, char **argv) {
  if (argc < 2) bad_usage("missing command: %s", "run or list");
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
      strcmp(argv[1], "help") == 0) {
    fputs(usage, stdout);
    return 0;
  }
  if (strcmp(argv[1], "list") == 0) return cmd_list();
  if (strcmp(argv[1], "run") == 0) return cmd_run(argc, argv);
  if (strcmp(argv[1], "diagnose") == 0) return cmd_diagnose(argc, argv);
  bad_usage("unknown command '%s'", argv[1]);
}
