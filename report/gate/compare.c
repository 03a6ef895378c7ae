/* Comparing the two sides key by key (platform, scenario, backend, mode,
 * threads, items, work_ns): normalization, pooling of runs, the U test and
 * the verdicts.
 *
 * A key regresses when all hold:
 *   - a two-sided Mann-Whitney U test on the per-repetition samples gives
 *     p < alpha (default 0.01), with >= MIN_SAMPLES samples per side;
 *   - the median, normalized by the same run's physical reference, grew by at
 *     least the threshold (default 15%, per-key overrides in a config file);
 *   - the raw median grew by at least the threshold too (see decide()).
 * Improvements are the mirror image (drops of at least the threshold).
 *
 * Normalization: each run's times are divided by the reference measured in
 * the same run that governs them, so a uniformly slower (or busier) machine
 * does not read as a regression:
 *   cold pools (mode `cold`, except grain at W > 0): the futex ping-pong
 *     round trip (the backend the header's `references.futex` names): each
 *     call wakes sleeping workers through the kernel, so its cost moves with
 *     that wake-up, which need not move with a cache line (a host that
 *     places the vCPUs otherwise can slow one and speed up the other);
 *   any other key (warm and default modes: dispatch, forkjoin, latency,
 *     ..., grain at W = 0): the spin ping-pong round trip
 *     (`references.spin`): a cache-line round trip between two cores, the
 *     physical floor of a warm call, and the steadiest reference;
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
 * Several runs per side: a key found in several files of one side pools
 * them: the samples of all runs, each normalized by its own run's reference,
 * go into the U test, and the medians compared are the medians over the runs
 * of each run's median. Why: on a shared machine most of the variance is
 * between runs, not between the repetitions of one run, so one run per side
 * makes the U test see conditions change as a significant shift; pooling
 * runs puts that variance where the test can see it.
 *
 * Records whose unit is not "ns" (idle_cpu, "cores": CPU share, which the
 * references cannot normalize) are skipped and listed as skipped. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gate.h"
#include "quote.h"
#include "mannwhitney.h"
#include "records_schema.h"

/* ---- normalization -------------------------------------------------- */

static ref_kind ref_kind_of(const measurement *m) {
  if (strcmp(m->scenario, RECORDS_REF_SCENARIO) == 0) return REF_SELF;
  if (strcmp(m->scenario, "grain") == 0) {
    if (strcmp(m->backend, "serial") == 0) return REF_SELF;
    /* W > 0: the work dominates, and the serial loop also absorbs a kernel
     * calibration that is off. W = 0: a dispatch of 8P empty items; the
     * serial loop of empty calls is too short to be a steady reference. */
    if (m->work_ns > 0) return REF_SERIAL;
  }
  return strcmp(m->mode, "cold") == 0 ? REF_FUTEX : REF_SPIN;
}

/* A header that names no references: the schema's names, which runs used
 * before their header carried them. */

const char *gate_ref_name(const record_file *f, ref_kind k) {
  if (k == REF_SPIN) return f->ref_spin ? f->ref_spin : RECORDS_REF_SPIN;
  if (k == REF_FUTEX) return f->ref_futex ? f->ref_futex : RECORDS_REF_FUTEX;
  return k == REF_SERIAL ? "serial" : "self";
}

/* The reference of m in its own file (run), or NULL. */
static const measurement *find_ref(const record_file *f, const measurement *m, ref_kind k) {
  for (size_t i = 0; i < f->n_m; i++) {
    const measurement *r = &f->m[i];
    if (k == REF_SERIAL) {
      if (strcmp(r->scenario, "grain") == 0 && strcmp(r->backend, "serial") == 0 &&
          r->threads == m->threads && r->items == m->items && r->work_ns == m->work_ns)
        return r;
    } else if (strcmp(r->scenario, RECORDS_REF_SCENARIO) == 0 &&
               strcmp(r->backend, gate_ref_name(f, k)) == 0) {
      return r; /* one per run; P does not matter */
    }
  }
  return NULL;
}

/* ---- comparing ------------------------------------------------------ */

const char *const verdict_name[N_VERDICTS] = {"regression",   "improvement", "ok",
                                              "insufficient", "reference",   "ignored"};

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

static int pool_side(const gate *g, const side *s, const entry *e, size_t runs, ref_kind k,
                     pooled *out, char *why, size_t why_len) {
  size_t total = 0;
  for (size_t i = 0; i < runs; i++) total += e[i].m->n_samples;
  double *buf = malloc((total + 3 * runs + 1) * sizeof *buf);
  if (!buf) gate_unusable(g, "out of memory");
  double *med = buf + total, *nmed = med + runs, *rmed = nmed + runs;
  out->norm = buf;
  out->n = 0;
  for (size_t i = 0; i < runs; i++) {
    const measurement *m = e[i].m, *r = k == REF_SELF ? NULL : find_ref(e[i].f, m, k);
    double div = 1;
    if (k != REF_SELF) {
      if (!r || !(r->median > 0)) {
        char name[80];
        snprintf(why, why_len, "no usable %s reference in %s (%s run)",
                 quote(name, sizeof name, gate_ref_name(e[i].f, k)), e[i].f->path,
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
 * references jump between runs, and such a jump alone must not fail the
 * gate. A uniformly slower machine moves the raw medians
 * but not the normalized ones: no verdict either. */
static verdict decide(double alpha, double p, double norm, double raw, double threshold) {
  if (!(p < alpha)) return V_OK;
  if (norm >= threshold && raw >= threshold) return V_REGRESSION;
  if (norm <= -threshold && raw <= -threshold) return V_IMPROVEMENT;
  return V_OK;
}

static void compare_key(gate *g, row *r) {
  r->ref = ref_kind_of(r->old->m);
  r->old_ref = r->new_ref = r->p = r->change = NAN;
  r->threshold = gate_threshold_for(g, r->old->key, &r->rule_line);
  pooled a, b;
  if (pool_side(g, &g->base, r->old, r->old_runs, r->ref, &a, r->reason, sizeof r->reason)) {
    free(a.norm);
    r->v = V_INSUFFICIENT;
    r->old_med = r->old->m->median;
    r->new_med = r->new->m->median;
    r->raw_change = rel_change(r->old_med, r->new_med);
    return;
  }
  if (pool_side(g, &g->cur, r->new, r->new_runs, r->ref, &b, r->reason, sizeof r->reason)) {
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
    if (mw_test(b.norm, b.n, a.norm, a.n, &t)) gate_unusable(g, "out of memory");
    r->p = t.p;
    r->exact = t.exact;
    if (r->ref == REF_SELF) r->v = V_REFERENCE;
    else if (isnan(r->threshold)) r->v = V_IGNORED;
    else r->v = decide(g->opt.alpha, t.p, r->change, r->raw_change, r->threshold);
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

void gate_compare(gate *g) {
  g->rows = calloc(g->base.n_e, sizeof *g->rows);
  g->only_base = calloc(g->base.n_e, sizeof *g->only_base);
  g->only_cur = calloc(g->cur.n_e, sizeof *g->only_cur);
  g->skipped = calloc(g->base.n_e + g->cur.n_e, sizeof *g->skipped);
  if (!g->rows || !g->only_base || !g->only_cur || !g->skipped) gate_unusable(g, "out of memory");
  size_t both = 0;
  for (size_t i = 0; i < g->base.n_e;) {
    size_t no, nn;
    const entry *o = gate_lookup(&g->base, g->base.e[i].key, &no),
                *n = gate_lookup(&g->cur, g->base.e[i].key, &nn);
    i += no;
    if (!n) {
      if (!is_time(o, no)) g->skipped[g->n_skipped++] = o;
      else g->only_base[g->n_only_base++] = o;
      continue;
    }
    both++;
    /* one unit per key across every run of both sides */
    for (size_t k = 0; k < no + nn; k++) {
      const entry *x = k < no ? &o[k] : &n[k - no];
      if (strcmp(x->m->unit, o->m->unit) != 0)
        gate_unusable(g, "%s:%d: %s has unit \"%s\" but \"%s\" in %s:%d", x->f->path, x->m->line,
                      x->key, x->m->unit, o->m->unit, o->f->path, o->m->line);
    }
    if (!is_time(o, no)) {
      g->skipped[g->n_skipped++] = o;
      continue;
    }
    row *r = &g->rows[g->n_rows++];
    r->old = o;
    r->new = n;
    r->old_runs = no;
    r->new_runs = nn;
    compare_key(g, r);
  }
  for (size_t i = 0; i < g->cur.n_e;) {
    size_t nn, no;
    const entry *n = gate_lookup(&g->cur, g->cur.e[i].key, &nn);
    i += nn;
    if (gate_lookup(&g->base, n->key, &no)) continue;
    if (!is_time(n, nn)) g->skipped[g->n_skipped++] = n;
    else g->only_cur[g->n_only_cur++] = n;
  }
  if (both == 0)
    gate_unusable(g,
                  "no key is in both runs (%zu baseline records in %s, %zu current records in %s)",
                  g->base.n_e, g->base.files[0].path, g->cur.n_e, g->cur.files[0].path);
  /* Report in the order of the baseline files: references first, as run. */
  qsort(g->rows, g->n_rows, sizeof *g->rows, cmp_row_order);
  qsort(g->only_base, g->n_only_base, sizeof *g->only_base, cmp_file_order);
  qsort(g->only_cur, g->n_only_cur, sizeof *g->only_cur, cmp_file_order);
  for (size_t i = 0; i < g->n_rows; i++) g->count[g->rows[i].v]++;
}
