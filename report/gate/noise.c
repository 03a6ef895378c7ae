/* Noisy runs: EPCC rejects a run whose references are not steady, and so
 * does the gate. A platform is noisy when
 * - a run of either side got less CPU than the other side's runs did: its
 *   `capacity` (the cores P plain threads got at once) below NOISE_CAPACITY
 *   times the other side's median. Another process held a core: any key may
 *   have moved any amount (a thread that waits a time slice for its core),
 *   so D, what the machine moved, is unbounded;
 * - or its spin round trip (the reference most keys are normalized by) moved
 *   between the sides by more than NOISE_DRIFT either way, or the current
 *   runs' references spread more than the baseline's do (max/min over runs
 *   above NOISE_SPREAD_FLOOR and above NOISE_SPREAD_GROWTH times the
 *   baseline's): D is that factor.
 * Then a change on that platform may come from the machine, not the code,
 * and normalizing by a reference that jumped can hide a real one as well as
 * fake one: every key whose raw median moved by its threshold or more, but by
 * less than the machine itself moved (D times 1 + threshold), becomes
 * "undecided" (exit 2) with the reason, never a regression nor a silent
 * "ok". A change beyond D is the code's whatever the noise, and keeps its
 * verdict; keys that did not move, and the references, are reported as
 * usual. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "gate.h"

#define NOISE_DRIFT 2.0          /* x or 1/x between the sides' medians */
#define NOISE_SPREAD_FLOOR 1.5   /* max/min of one side's runs */
#define NOISE_SPREAD_GROWTH 2.0  /* over the baseline's spread */
/* Quiet runs of one machine agree within ~5% (1.90-1.98 of 2 cores on the
 * 2-vCPU VM); one busy process beside them gives 1.0. */
#define NOISE_CAPACITY 0.85

/* One reference of a platform's runs on one side (the spin round trip, the
 * capacity): median, min, max of the runs' medians; n = 0 when none. */
typedef struct {
  size_t n;
  double min, max, v[64];
} refs;

static void refs_of(const side *s, const char *platform, const char *scenario,
                    const char *backend, refs *out) {
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < s->n_files; i++) {
    const record_file *f = &s->files[i];
    if (strcmp(f->platform, platform) != 0) continue;
    for (size_t j = 0; j < f->n_m; j++) {
      const measurement *m = &f->m[j];
      if (strcmp(m->scenario, scenario) || strcmp(m->backend, backend) ||
          !(m->median > 0) || out->n == sizeof out->v / sizeof *out->v)
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

/* How much the machine moved (D >= 1) when the platform is noisy, with why,
 * or 0 when it is not. */
static double noisy(const gate *g, const char *platform, char *why, size_t len) {
  refs a, b;
  refs_of(&g->base, platform, "capacity", "threads", &a);
  refs_of(&g->cur, platform, "capacity", "threads", &b);
  if (a.n && b.n) {
    double ma = median(&a), mb = median(&b);
    if (b.min < NOISE_CAPACITY * ma || a.min < NOISE_CAPACITY * mb) {
      bool cur = b.min / ma < a.min / mb;
      snprintf(why, len, "noisy: a %s run of the %s got %.2f cores where the %s's got %.2f "
               "(another process held the CPU)", platform, cur ? "current side" : "baseline",
               cur ? b.min : a.min, cur ? "baseline" : "current side", cur ? ma : mb);
      return INFINITY;
    }
  }
  refs_of(&g->base, platform, "pingpong", gate_ref_name(REF_SPIN), &a);
  refs_of(&g->cur, platform, "pingpong", gate_ref_name(REF_SPIN), &b);
  if (!a.n || !b.n) return 0; /* no reference: those keys are insufficient already */
  double ma = median(&a), mb = median(&b), drift = mb / ma;
  if (drift > NOISE_DRIFT || drift < 1 / NOISE_DRIFT) {
    snprintf(why, len, "noisy: %s spin round trip %.0f ns -> %.0f ns (x%.2f between the sides)",
             platform, ma, mb, drift);
    return fmax(drift, 1 / drift);
  }
  double sa = a.max / a.min, sb = b.max / b.min;
  if (sb > NOISE_SPREAD_FLOOR && sb > NOISE_SPREAD_GROWTH * sa) {
    snprintf(why, len, "noisy: %s spin round trips of the current runs spread x%.2f (baseline x%.2f)",
             platform, sb, sa);
    return sb;
  }
  return 0;
}

void gate_mark_noisy(gate *g) {
  for (size_t i = 0; i < g->n_rows; i++) {
    row *r = &g->rows[i];
    if (r->v != V_REGRESSION && r->v != V_IMPROVEMENT && r->v != V_OK) continue;
    if (isnan(r->raw_change) || !(fabs(r->raw_change) >= r->threshold)) continue;
    char why[sizeof r->reason];
    double d = noisy(g, r->old->m->platform, why, sizeof why), ratio = 1 + r->raw_change;
    if (d == 0) continue;
    if (r->v == V_REGRESSION && ratio > d * (1 + r->threshold)) continue;
    if (r->v == V_IMPROVEMENT && ratio < 1 / (d * (1 + r->threshold))) continue;
    g->count[r->v]--;
    r->v = V_INSUFFICIENT;
    g->count[r->v]++;
    snprintf(r->reason, sizeof r->reason, "%s", why);
  }
}
