/* The gate's output: the table on stdout, and on request the same
 * comparison as Markdown (a CI comment: the notable keys first, every key
 * folded below) and the verdicts as JSON (its fields in results/README.md).
 * Unusable input leaves its one line in both files too. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gate.h"
#include "quote.h"
#include "records_schema.h"

void gate_fmt_time(double ns, char *buf, size_t len) {
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

static int shown(const gate *g, const row *r) {
  return !g->opt.quiet || (r->v != V_OK && r->v != V_REFERENCE);
}

/* The cells of a row, shared by the text and the Markdown table. Change is
 * normalized (raw for the references, which have nothing to divide by). */
typedef struct {
  char old[32], new[32], change[32], raw[32], p[32];
} cells;

static void row_cells(const row *r, cells *c) {
  gate_fmt_time(r->old_med, c->old, sizeof c->old);
  gate_fmt_time(r->new_med, c->new, sizeof c->new);
  fmt_change(r->ref == REF_SELF ? r->raw_change : r->change, c->change, sizeof c->change);
  fmt_change(r->raw_change, c->raw, sizeof c->raw);
  fmt_p(r->p, c->p, sizeof c->p);
}

/* One line per platform and round trip: the reference medians, so a reader
 * sees how much normalization took out. */
static void describe_refs(const gate *g, FILE *to, const char *prefix) {
  for (size_t i = 0; i < g->n_rows; i++) {
    const row *r = &g->rows[i];
    const measurement *m = r->old->m;
    if (strcmp(m->scenario, RECORDS_REF_SCENARIO) != 0) continue;
    const char *what = strcmp(m->backend, gate_ref_name(r->old->f, REF_SPIN)) == 0 ? "spin"
                       : strcmp(m->backend, gate_ref_name(r->old->f, REF_FUTEX)) == 0 ? "futex"
                                                                                     : NULL;
    if (!what) continue;
    cells c;
    row_cells(r, &c);
    fprintf(to, "%s%s %s round trip %s -> %s (%s)\n", prefix, m->platform, what, c.old, c.new,
            c.raw);
  }
}

/* The first run's commit, as the terminal and gate.md show it: a commit is
 * a short word; any other text (a hostile header) is not shown. */
static const char *commit_of(const side *s) {
  const char *c = s->files[0].git_commit;
  if (!c || !*c || strlen(c) > 64) return "?";
  for (const char *p = c; *p; p++)
    if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-", *p)) return "?";
  return c;
}

static size_t runs_of(const side *s) {
  size_t most = 0; /* runs per platform: the largest count of one key */
  for (size_t i = 0; i < s->n_e;) {
    size_t n;
    gate_lookup(s, s->e[i].key, &n);
    if (n > most) most = n;
    i += n;
  }
  return most;
}

void gate_print_table(const gate *g) {
  size_t w = strlen("Benchmark");
  for (size_t i = 0; i < g->n_rows; i++)
    if (shown(g, &g->rows[i]) && strlen(g->rows[i].old->key) > w) w = strlen(g->rows[i].old->key);
  printf("Comparing %s%s (%s, %zu run%s) to %s%s (%s, %zu run%s)\n", g->opt.base[0],
         g->opt.n_base > 1 ? " ..." : "", commit_of(&g->base), runs_of(&g->base),
         runs_of(&g->base) == 1 ? "" : "s", g->opt.cur[0], g->opt.n_cur > 1 ? " ..." : "",
         commit_of(&g->cur), runs_of(&g->cur), runs_of(&g->cur) == 1 ? "" : "s");
  printf("Change: of the median normalized by the same run's reference (grain W > 0: serial of "
         "the same W; other cold keys: futex round trip; others: spin round trip); Raw: "
         "unnormalized.\n"
         "U test two-sided on the normalized samples, alpha %g, >= %d samples per side; a "
         "regression needs p < alpha and both changes >= the threshold (%g unless configured).\n",
         g->opt.alpha, MIN_SAMPLES, g->opt.threshold);
  printf("%-*s %11s %11s %9s %9s %8s  %s\n", (int)w, "Benchmark", "Old", "New", "Change", "Raw",
         "p", "Verdict");
  for (size_t i = 0; i < w + 64; i++) putchar('-');
  putchar('\n');
  for (size_t i = 0; i < g->n_rows; i++) {
    const row *r = &g->rows[i];
    if (!shown(g, r)) continue;
    cells c;
    row_cells(r, &c);
    printf("%-*s %11s %11s %9s %9s %8s  %s", (int)w, r->old->key, c.old, c.new, c.change, c.raw,
           c.p, verdict_shown(r->v));
    if (r->v == V_INSUFFICIENT) printf(" (%s)", r->reason);
    putchar('\n');
  }
  printf("\n");
  describe_refs(g, stdout, "reference: ");
  for (size_t i = 0; i < g->n_only_base; i++)
    printf("only in baseline: %s (%s:%d)\n", g->only_base[i]->key, g->only_base[i]->f->path,
           g->only_base[i]->m->line);
  for (size_t i = 0; i < g->n_only_cur; i++)
    printf("only in current: %s (%s:%d)\n", g->only_cur[i]->key, g->only_cur[i]->f->path,
           g->only_cur[i]->m->line);
  for (size_t i = 0; i < g->n_skipped; i++)
    printf("skipped (unit \"%s\", not a time): %s\n", g->skipped[i]->m->unit, g->skipped[i]->key);
  const side *sides[] = {&g->base, &g->cur};
  for (int s = 0; s < 2; s++)
    for (size_t i = 0; i < sides[s]->n_files; i++) {
      const record_file *f = &sides[s]->files[i];
      char msg[512];
      for (size_t j = 0; j < f->n_errors; j++)
        printf("error record in the %s run: %s:%d: %s %s: %s\n", sides[s]->label, f->path,
               f->errors[j].line, f->errors[j].scenario,
               f->errors[j].backend ? f->errors[j].backend : "",
               quote(msg, sizeof msg, f->errors[j].message));
      if (!f->ended)
        printf("cut short: the %s run %s ends after %s (no end record: it was killed or crashed; "
               "what it holds is judged, the verdict is at most undecided)\n",
               sides[s]->label, f->path, f->last_job);
    }
  /* Unused rules: a typo, or a platform or scenario not in these runs. */
  size_t unused = 0;
  for (size_t i = 0; i < g->n_rules; i++)
    if (!g->rules[i].used)
      printf("%s%d (%s)", unused++ ? ", " : "note: config rules matching no compared key: line ",
             g->rules[i].line, g->rules[i].pattern);
  if (unused) printf(" of %s\n", g->opt.config);
  for (size_t i = 0; i < g->n_rows; i++)
    if (g->rows[i].v == V_REGRESSION || g->rows[i].v == V_IMPROVEMENT) {
      const row *r = &g->rows[i];
      printf("%s: %s %+.1f%% (normalized; raw %+.1f%%), p = %.2g, threshold %.0f%%",
             verdict_shown(r->v), r->old->key, r->change * 100, r->raw_change * 100, r->p,
             r->threshold * 100);
      if (r->rule_line) printf(" (%s:%d)", g->opt.config, r->rule_line);
      putchar('\n');
    }
  printf(
      "gate: %zu regression%s, %zu improvement%s, %zu ok, %zu insufficient, %zu ignored, "
      "%zu reference%s; %zu only in baseline, %zu only in current, %zu skipped\n",
      g->count[V_REGRESSION], g->count[V_REGRESSION] == 1 ? "" : "s", g->count[V_IMPROVEMENT],
      g->count[V_IMPROVEMENT] == 1 ? "" : "s", g->count[V_OK], g->count[V_INSUFFICIENT],
      g->count[V_IGNORED], g->count[V_REFERENCE], g->count[V_REFERENCE] == 1 ? "" : "s",
      g->n_only_base, g->n_only_cur, g->n_skipped);
}

static void md_row(FILE *md, const row *r) {
  cells c;
  row_cells(r, &c);
  fprintf(md, "| `%s` | %s | %s | %s | %s | %s | %s%s%s%s |\n", r->old->key, c.old, c.new,
          c.change, c.raw, c.p, r->v == V_REGRESSION ? "**REGRESSION**" : verdict_name[r->v],
          r->v == V_INSUFFICIENT ? " (" : "", r->v == V_INSUFFICIENT ? r->reason : "",
          r->v == V_INSUFFICIENT ? ")" : "");
}

static const char md_head[] = "| Benchmark | Old | New | Change | Raw | p | Verdict |\n"
                              "|---|---:|---:|---:|---:|---:|---|\n";

void gate_write_markdown(const gate *g, const char *title) {
  FILE *md = fopen(g->opt.markdown, "w");
  if (!md) gate_unusable(g, "%s: cannot write: %s", g->opt.markdown, strerror(errno));
  fprintf(md, "### poolbench gate: %s\n\n", title);
  fprintf(md,
          "%zu regressions, %zu improvements, %zu ok, %zu insufficient, %zu ignored; "
          "%zu only in baseline, %zu only in current, %zu skipped. Baseline `%s`, current `%s`. "
          "A regression needs U-test p < %g and a change of the median, normalized by the same "
          "run's reference and raw, of at least the threshold (%.0f%% unless configured).\n\n",
          g->count[V_REGRESSION], g->count[V_IMPROVEMENT], g->count[V_OK], g->count[V_INSUFFICIENT],
          g->count[V_IGNORED], g->n_only_base, g->n_only_cur, g->n_skipped, commit_of(&g->base),
          commit_of(&g->cur), g->opt.alpha, g->opt.threshold * 100);
  size_t notable = g->count[V_REGRESSION] + g->count[V_IMPROVEMENT] + g->count[V_INSUFFICIENT];
  if (notable) {
    fputs(md_head, md);
    for (size_t i = 0; i < g->n_rows; i++)
      if (g->rows[i].v == V_REGRESSION || g->rows[i].v == V_IMPROVEMENT ||
          g->rows[i].v == V_INSUFFICIENT)
        md_row(md, &g->rows[i]);
    fputc('\n', md);
  }
  describe_refs(g, md, "- reference: ");
  const side *sides[] = {&g->base, &g->cur};
  for (int s = 0; s < 2; s++)
    for (size_t i = 0; i < sides[s]->n_files; i++)
      if (!sides[s]->files[i].ended)
        fprintf(md, "- **cut short**: a %s run ends after `%s` (no end record: killed or crashed)\n",
                sides[s]->label, sides[s]->files[i].last_job);
  for (size_t i = 0; i < g->n_only_base; i++)
    fprintf(md, "- only in baseline: `%s`\n", g->only_base[i]->key);
  for (size_t i = 0; i < g->n_only_cur; i++)
    fprintf(md, "- only in current: `%s`\n", g->only_cur[i]->key);
  fprintf(md, "\n<details><summary>all %zu compared keys</summary>\n\n%s", g->n_rows, md_head);
  for (size_t i = 0; i < g->n_rows; i++) md_row(md, &g->rows[i]);
  fprintf(md, "\n</details>\n");
  if (fclose(md)) gate_unusable(g, "%s: cannot write: %s", g->opt.markdown, strerror(errno));
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
    cJSON_AddBoolToObject(o, "complete", f->ended);
    cJSON_AddStringToObject(o, "last_job", f->last_job);
    cJSON_AddItemToArray(a, o);
  }
  return a;
}

static cJSON *json_keys(const entry *const *e, size_t n) {
  cJSON *a = cJSON_CreateArray();
  for (size_t i = 0; i < n; i++) cJSON_AddItemToArray(a, cJSON_CreateString(e[i]->key));
  return a;
}

static void write_json_doc(const gate *g, cJSON *doc) {
  char *text = cJSON_Print(doc);
  FILE *fp = text ? fopen(g->opt.json, "w") : NULL;
  int ok = fp && fputs(text, fp) >= 0 && fputc('\n', fp) != EOF;
  if (fp && fclose(fp)) ok = 0;
  free(text);
  cJSON_Delete(doc);
  if (!ok) {
    fprintf(stderr, GATE_PROG ": %s: cannot write: %s\n", g->opt.json, strerror(errno));
    exit(2);
  }
}

static cJSON *json_head(const gate *g, const char *verdict, int exit_code) {
  cJSON *doc = cJSON_CreateObject();
  cJSON_AddStringToObject(doc, "type", "gate");
  cJSON_AddNumberToObject(doc, "schema", 1);
  cJSON_AddStringToObject(doc, "verdict", verdict);
  cJSON_AddNumberToObject(doc, "exit_code", exit_code);
  cJSON_AddNumberToObject(doc, "alpha", g->opt.alpha);
  cJSON_AddNumberToObject(doc, "threshold", g->opt.threshold);
  cJSON_AddNumberToObject(doc, "min_samples", MIN_SAMPLES);
  if (g->opt.config) cJSON_AddStringToObject(doc, "config", g->opt.config);
  else cJSON_AddNullToObject(doc, "config");
  return doc;
}

void gate_write_json(const gate *g, const char *verdict, int exit_code) {
  cJSON *doc = json_head(g, verdict, exit_code);
  cJSON_AddNullToObject(doc, "error");
  cJSON_AddItemToObject(doc, "baseline", json_files(&g->base));
  cJSON_AddItemToObject(doc, "current", json_files(&g->cur));
  cJSON *counts = cJSON_AddObjectToObject(doc, "counts");
  for (int v = 0; v < N_VERDICTS; v++)
    cJSON_AddNumberToObject(counts, verdict_name[v], (double)g->count[v]);
  cJSON_AddNumberToObject(counts, "only_baseline", (double)g->n_only_base);
  cJSON_AddNumberToObject(counts, "only_current", (double)g->n_only_cur);
  cJSON_AddNumberToObject(counts, "skipped", (double)g->n_skipped);
  cJSON *keys = cJSON_AddArrayToObject(doc, "keys");
  for (size_t i = 0; i < g->n_rows; i++) {
    const row *r = &g->rows[i];
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
    cJSON_AddStringToObject(o, "normalized_by", gate_ref_name(r->old->f, r->ref));
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
      snprintf(where, sizeof where, "%s:%d", g->opt.config, r->rule_line);
      cJSON_AddStringToObject(o, "threshold_from", where);
    } else {
      cJSON_AddNullToObject(o, "threshold_from");
    }
    if (r->reason[0]) cJSON_AddStringToObject(o, "reason", r->reason);
    else cJSON_AddNullToObject(o, "reason");
    cJSON_AddItemToArray(keys, o);
  }
  cJSON_AddItemToObject(doc, "only_baseline", json_keys(g->only_base, g->n_only_base));
  cJSON_AddItemToObject(doc, "only_current", json_keys(g->only_cur, g->n_only_cur));
  cJSON_AddItemToObject(doc, "skipped", json_keys(g->skipped, g->n_skipped));
  write_json_doc(g, doc);
}

/* They never call gate_unusable (a JSON file that cannot be written ends the
 * gate with its own line), so an error while writing them cannot recurse. */
void gate_write_unusable(const gate *g, const char *msg) {
  if (g->opt.json) {
    cJSON *doc = json_head(g, "unusable", 2);
    cJSON_AddStringToObject(doc, "error", msg);
    write_json_doc(g, doc);
  }
  if (g->opt.markdown) {
    FILE *md = fopen(g->opt.markdown, "w");
    if (md) {
      fprintf(md, "### poolbench gate: unusable input\n\n`%s`\n", msg);
      fclose(md);
    }
  }
}
