/* Noisy runs: EPCC rejects a run whose references are not steady, and so
 * does the gate. Normalizing by the same run's reference (compare.c) takes
 * out a machine that moved as a whole, not one that moved unevenly; then a
 * change may be the machine's, not the code's. A platform is noisy when
 * - a run of either side got less CPU than the other side's runs did: its
 *   `capacity` (the cores P plain threads got at once) below the schema's
 *   capacity_min (the report's bound too) times the other side's median. Another process held a core: any key may
 *   have moved any amount (a thread that waits a time slice for its core),
 *   so every key whose raw median moved by its threshold is undecided;
 * - or its spin or its futex round trip moved between the sides by more
 *   than NOISE_DRIFT either way. The machine is no longer the one the
 *   baseline saw (the host placed the vCPUs otherwise, or other tenants
 *   came): the two round trips need not move together, and a key mixes
 *   cache-line hand-offs and kernel wake-ups in its own proportions, so it
 *   need not move with either. No reference and no margin then tells the
 *   code's share of a change from the machine's, however large the change:
 *   every key of the platform is undecided, moved or not (a key that did not
 *   move may be a slowdown the machine made up for), with the reference that
 *   moved and the way out: `make gate BASE=<commit>` measures both sides in
 *   turns on the machine as it is now;
 * - or the current runs' spin round trips spread more than the baseline's
 *   do (max/min over runs above NOISE_SPREAD_FLOOR and above
 *   NOISE_SPREAD_GROWTH times the baseline's): the machine moved by D, that
 *   spread, during the current side. A key whose raw median moved by its
 *   threshold, but by less than D times 1 + threshold, is undecided; a
 *   change beyond D is the code's whatever the noise and keeps its verdict.
 *   The futex round trip is left out of this rule: it spreads as much
 *   between quiet runs of one machine.
 * One key is noisy, too, when a run of either side measured it beside more
 * than the schema's beside_max cores of other processes' work, done or
 * wanted (its job's check says), and no counter judged its repetitions: a
 * cold pool's threads sleep, and wake onto CPUs another process holds, at
 * another cost than onto idle ones. If its raw median moved by its
 * threshold, it is undecided: the other work may have moved it any amount.
 * The report (report/noisy.py) flags the same jobs.
 * An undecided key is "insufficient" with the reason (exit 2), never a
 * regression nor a silent "ok"; the references and ignored keys are
 * reported as usual. */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "gate.h"
#include "records_schema.h"

#define NOISE_DRIFT 2.0          /* x or 1/x between the sides' medians */
#define NOISE_SPREAD_FLOOR 1.5   /* max/min of one side's runs */
#define NOISE_SPREAD_GROWTH 2.0  /* over the baseline's spread */

/* One reference of a platform's runs on one side (a round trip, the
 * capacity): median, min, max of the runs' medians; n = 0 when none. */
typedef struct {
  size_t n;
  double min, max, v[64];
} refs;

/* The records of `scenario` whose backend is `backend`, or, when it is
 * NULL, the run's round trip of kind k as its header names it. */
static void refs_of(const side *s, const char *platform, const char *scenario,
                    const char *backend, ref_kind k, refs *out) {
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < s->n_files; i++) {
    const record_file *f = &s->files[i];
    if (strcmp(f->platform, platform) != 0) continue;
    const char *want = backend ? backend : gate_ref_name(f, k);
    for (size_t j = 0; j < f->n_m; j++) {
      const measurement *m = &f->m[j];
      if (strcmp(m->scenario, scenario) || strcmp(m->backend, want) || !(m->median > 0) ||
          out->n == sizeof out->v / sizeof *out->v)
        continue;
      out->min = out->n ? fmin(out->min, m->median) : m->median;
      out->max = out->n ? fmax(out->max, m->median) : m->median;
      out->v[out->n++] = m->median;
    }
  }
}

static double median(const refs *r) {
  double v[64];
  memcpy(v, r->v, r->n * sizeof *v);
  for (size_t i = 1; i < r->n; i++) /* a handful of runs: insertion sort */
    for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
      double t = v[j];
      v[j] = v[j - 1];
      v[j - 1] = t;
    }
  return r->n % 2 ? v[r->n / 2] : (v[r->n / 2 - 1] + v[r->n / 2]) / 2;
}

/* snprintf at the end of what buf holds; a full buf stays as it is. */
static void append(char *buf, size_t len, const char *fmt, ...) {
  size_t n = strlen(buf);
  if (n + 1 >= len) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf + n, len - n, fmt, ap);
  va_end(ap);
}

/* Whether a run of either side got fewer cores than the other side's, and why. */
static bool short_of_cores(const gate *g, const char *platform, char *why, size_t len) {
  refs a, b;
  refs_of(&g->base, platform, RECORDS_CAPACITY_SCENARIO, RECORDS_CAPACITY_BACKEND, REF_SELF, &a);
  refs_of(&g->cur, platform, RECORDS_CAPACITY_SCENARIO, RECORDS_CAPACITY_BACKEND, REF_SELF, &b);
  if (!a.n || !b.n) return false;
  double ma = median(&a), mb = median(&b);
  if (!(b.min < RECORDS_CAPACITY_MIN * ma || a.min < RECORDS_CAPACITY_MIN * mb)) return false;
  bool cur = b.min / ma < a.min / mb;
  snprintf(why, len, "noisy: a %s run of the %s got %.2f cores where the %s's got %.2f "
           "(another process held the CPU)", platform, cur ? "current side" : "baseline",
           cur ? b.min : a.min, cur ? "baseline" : "current side", cur ? ma : mb);
  return true;
}

/* Whether the spin or the futex round trip moved between the sides by more
 * than NOISE_DRIFT, and which, how much and what to do. */
static bool refs_moved(const gate *g, const char *platform, char *why, size_t len) {
  static const ref_kind kinds[] = {REF_SPIN, REF_FUTEX};
  bool moved = false;
  snprintf(why, len, "noisy: %s", platform);
  for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
    refs a, b;
    refs_of(&g->base, platform, RECORDS_REF_SCENARIO, NULL, kinds[i], &a);
    refs_of(&g->cur, platform, RECORDS_REF_SCENARIO, NULL, kinds[i], &b);
    if (!a.n || !b.n) continue; /* no reference: its keys are insufficient already */
    double ma = median(&a), mb = median(&b), x = mb / ma;
    if (x <= NOISE_DRIFT && x >= 1 / NOISE_DRIFT) continue;
    char ta[32], tb[32];
    gate_fmt_time(ma, ta, sizeof ta);
    gate_fmt_time(mb, tb, sizeof tb);
    append(why, len, "%s %s round trip %s -> %s (x%.2f)", moved ? " and" : "",
           kinds[i] == REF_SPIN ? "spin" : "futex", ta, tb, x);
    moved = true;
  }
  append(why, len, " between the sides: the machine moved; measure both sides in turns on it "
         "as it is now (make gate BASE=<commit>)");
  return moved;
}

/* The spread of the current runs' spin round trips (D) when it is noisy,
 * and why; 0 when it is not. */
static double refs_spread(const gate *g, const char *platform, char *why, size_t len) {
  refs a, b;
  refs_of(&g->base, platform, RECORDS_REF_SCENARIO, NULL, REF_SPIN, &a);
  refs_of(&g->cur, platform, RECORDS_REF_SCENARIO, NULL, REF_SPIN, &b);
  if (!a.n || !b.n) return 0;
  double sa = a.max / a.min, sb = b.max / b.min;
  if (!(sb > NOISE_SPREAD_FLOOR && sb > NOISE_SPREAD_GROWTH * sa)) return 0;
  snprintf(why, len, "noisy: %s spin round trips of the current runs spread x%.2f (baseline x%.2f)",
           platform, sb, sa);
  return sb;
}

/* What the machine did to one platform: every gated key is undecided
 * (all), or those that moved by their threshold but by less than d times
 * 1 + threshold (d > 0), or none (d = 0). */
typedef struct {
  bool all;
  double d;
  char why[sizeof ((const row *)0)->reason];
} noise;

/* A busy run's reason comes first, moved references or not: measuring in
 * turns does not help while another process holds a core. */
static void noise_of(const gate *g, const char *platform, noise *n) {
  char moved[sizeof n->why];
  n->all = refs_moved(g, platform, moved, sizeof moved);
  n->d = 0;
  if (short_of_cores(g, platform, n->why, sizeof n->why)) n->d = INFINITY;
  else if (n->all) memcpy(n->why, moved, sizeof moved);
  else n->d = refs_spread(g, platform, n->why, sizeof n->why);
}

static bool undecided(const row *r, const noise *n) {
  if (n->all) return true;
  if (n->d == 0 || isnan(r->raw_change) || !(fabs(r->raw_change) >= r->threshold)) return false;
  double ratio = 1 + r->raw_change, beyond = n->d * (1 + r->threshold);
  if (r->v == V_REGRESSION && ratio > beyond) return false;
  if (r->v == V_IMPROVEMENT && ratio < 1 / beyond) return false;
  return true;
}

/* Whether a counter judged m's repetitions one by one and its threads held
 * their CPUs throughout (a warm pool, the serial baseline): then another
 * process that took one was seen and the repetition re-run. */
static bool judged(const measurement *m) {
  return m->judged && (strcmp(m->mode, "warm") == 0 || strcmp(m->backend, "serial") == 0);
}

/* Whether a run of r's key on either side ran beside other processes' work
 * no counter judged, and why. */
static bool beside_others(const row *r, char *why, size_t len) {
  const struct {
    const entry *e;
    size_t n;
    const char *label;
  } sides[] = {{r->old, r->old_runs, "baseline"}, {r->new, r->new_runs, "current side"}};
  for (size_t s = 0; s < 2; s++)
    for (size_t i = 0; i < sides[s].n; i++) {
      const measurement *m = sides[s].e[i].m;
      double most = fmax(m->beside, m->wanted); /* NAN where a check did not say */
      if (!(most > RECORDS_BESIDE_MAX) || judged(m)) continue;
      snprintf(why, len, "noisy: a %s run measured it beside %.2f cores of other processes' work, "
               "done or wanted, which no counter judged (its threads slept, or its repetitions "
               "were not checked)", sides[s].label, most);
      return true;
    }
  return false;
}

void gate_mark_noisy(gate *g) {
  noise n;
  const char *platform = NULL; /* whose noise n holds: rows come grouped by file */
  for (size_t i = 0; i < g->n_rows; i++) {
    row *r = &g->rows[i];
    if (r->v != V_REGRESSION && r->v != V_IMPROVEMENT && r->v != V_OK) continue;
    if (!platform || strcmp(platform, r->old->m->platform) != 0)
      noise_of(g, platform = r->old->m->platform, &n);
    char why[sizeof r->reason];
    bool moved = !isnan(r->raw_change) && fabs(r->raw_change) >= r->threshold;
    if (undecided(r, &n)) snprintf(why, sizeof why, "%s", n.why);
    else if (!(moved && beside_others(r, why, sizeof why))) continue;
    g->count[r->v]--;
    r->v = V_INSUFFICIENT;
    g->count[r->v]++;
    snprintf(r->reason, sizeof r->reason, "%s", why);
  }
}
