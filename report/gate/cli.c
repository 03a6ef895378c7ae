/* The gate's command line: the usage text, the options and the runs of each
 * side. Usage errors are one line on stderr and exit 2. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gate.h"
#include "quote.h"

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
    "reference and raw. References (the header's `references` name them): the\n"
    "futex ping-pong round trip for cold keys, the spin one for the others\n"
    "(dispatch, forkjoin, latency, grain at W = 0, ...); the serial backend's\n"
    "grain record of the same W (grain, W > 0). The references themselves are\n"
    "reported, never failed. Keys with fewer than %d samples on a side are\n"
    "\"insufficient\"; records whose unit is not ns (idle_cpu: cores) are\n"
    "skipped. A platform whose spin or futex round trip moved more than x2\n"
    "between the sides has every key undecided: measure both sides in turns\n"
    "(make gate BASE=<commit>). A key that moved, measured beside more than a\n"
    "quarter core of other processes' work that no counter judged (its job's\n"
    "reference_check says how much), is undecided too.\n"
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

static _Noreturn void bad_usage(const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  fprintf(stderr, GATE_PROG ": %s (try --help)\n", msg);
  exit(2);
}

int gate_parse_fraction(const char *s, double *out) {
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

void gate_parse_options(gate_options *o, int argc, char **argv) {
  *o = (gate_options){.alpha = 0.01, .threshold = 0.15};
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
      o->any_machine = 1;
      continue;
    }
    if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
      o->quiet = 1;
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
    if (!name) bad_usage("unknown option %s", QUOTED(a));
    if (!*val) bad_usage("%s needs a non-empty value", name);
    if (strcmp(name, "--alpha") == 0) {
      char *end;
      errno = 0;
      o->alpha = strtod(val, &end);
      if (end == val || *end || errno || !(o->alpha > 0 && o->alpha < 1))
        bad_usage("--alpha %s: expected a number between 0 and 1 (exclusive)", QUOTED(val));
    } else if (strcmp(name, "--threshold") == 0) {
      if (gate_parse_fraction(val, &o->threshold))
        bad_usage("--threshold %s: expected a fraction (0.15) or a percentage (15%%)", QUOTED(val));
    } else if (strcmp(name, "--config") == 0) {
      o->config = val;
    } else if (strcmp(name, "--markdown") == 0) {
      o->markdown = val;
    } else {
      o->json = val;
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
  o->base = pos;
  o->n_base = split;
  o->cur = pos + split;
  o->n_cur = n_pos - split;
}
