/* Loading the two sides: record files and run directories (every *.ndjson
 * in them, in name order), each measurement indexed by its key, and the
 * check that both sides were measured on one machine.
 *
 * A side may hold several runs of the same platform (e.g. native-1.ndjson
 * .. native-5.ndjson): a key found in several files is several runs, pooled
 * by compare.c. The same key twice in one file is an error. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* dirent */
#endif
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gate.h"
#include "quote.h"

static void add_file(const gate *g, side *s, const char *path) {
  if (s->n_files == s->cap_files) {
    s->cap_files = s->cap_files ? s->cap_files * 2 : 8;
    record_file *f = realloc(s->files, s->cap_files * sizeof *f);
    if (!f) gate_unusable(g, "out of memory");
    s->files = f;
  }
  char err[RECORDS_ERR_LEN];
  if (records_read(path, &s->files[s->n_files], err)) gate_unusable(g, "%s", err);
  s->n_files++;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_path(const gate *g, side *s, const char *path) {
  struct stat st;
  if (stat(path, &st)) gate_unusable(g, "%s: cannot open: %s", path, strerror(errno));
  if (!S_ISDIR(st.st_mode)) {
    add_file(g, s, path);
    return;
  }
  DIR *d = opendir(path);
  if (!d) gate_unusable(g, "%s: cannot open: %s", path, strerror(errno));
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    size_t l = strlen(de->d_name);
    if (l <= 7 || strcmp(de->d_name + l - 7, ".ndjson") != 0) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 8;
      char **p = realloc(names, cap * sizeof *p);
      if (!p) gate_unusable(g, "out of memory");
      names = p;
    }
    size_t pl = strlen(path) + l + 2;
    if (!(names[n] = malloc(pl))) gate_unusable(g, "out of memory");
    snprintf(names[n++], pl, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/",
             de->d_name);
  }
  closedir(d);
  if (n == 0) gate_unusable(g, "%s: no *.ndjson record files in this directory", path);
  qsort(names, n, sizeof *names, cmp_str);
  for (size_t i = 0; i < n; i++) {
    add_file(g, s, names[i]);
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
static void index_side(const gate *g, side *s) {
  size_t n = 0;
  for (size_t i = 0; i < s->n_files; i++) n += s->files[i].n_m;
  if (n == 0)
    gate_unusable(g, "%s: no measurement records in the %s run", s->files[0].path, s->label);
  if (!(s->e = calloc(n, sizeof *s->e))) gate_unusable(g, "out of memory");
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
      gate_unusable(g, "%s:%d: duplicate key %s (first at line %d)", b->f->path, b->m->line, b->key,
                    a->m->line);
  }
}

const entry *gate_lookup(const side *s, const char *key, size_t *n) {
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

void gate_load(gate *g) {
  for (size_t i = 0; i < g->opt.n_base; i++) add_path(g, &g->base, g->opt.base[i]);
  for (size_t i = 0; i < g->opt.n_cur; i++) add_path(g, &g->cur, g->opt.cur[i]);
  index_side(g, &g->base);
  index_side(g, &g->cur);
}

/* "AMD EPYC, 2 logical cores", or NULL when the header does not say (no
 * cpu_model or no logical_cores). Workers left unpinned (--no-pin) run as on
 * another machine: the kernel's placement changes bursts from parallel to
 * serial speed on the 2-vCPU VMs. */
static const char *machine_of(const record_file *f, char *buf, size_t len) {
  if (!f->cpu_model || !*f->cpu_model || f->logical_cores <= 0) return NULL;
  snprintf(buf, len, "%s, %ld logical cores%s", QUOTED(f->cpu_model), f->logical_cores,
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

/* Figures from two machines differ by more than any threshold, with no code
 * change. So a gate across machines is refused unless asked for; the Wasm
 * platforms' headers name no CPU and are judged by the files of the same side
 * that do. A side none of whose files names its machine could be any machine:
 * refused alike. */
void gate_check_same_machine(const gate *g) {
  const side *sides[2] = {&g->base, &g->cur};
  for (int k = 0; k < 2; k++) {
    if (known_machine(sides[k])) continue;
    const char *path = sides[k]->n_files ? sides[k]->files[0].path : "?";
    if (!g->opt.any_machine)
      gate_unusable(g,
                    "%s does not say which machine it was measured on (no cpu_model or "
                    "logical_cores in its header): figures from different machines do not "
                    "compare; measure both sides on one machine (make gate BASE=<commit>, or make "
                    "baseline on this machine) or pass --any-machine",
                    path);
    fprintf(stderr, GATE_PROG ": warning: %s does not say which machine it was measured on "
                    "(--any-machine)\n", path);
    return;
  }
  char a[300], b[300];
  for (size_t i = 0; i < g->base.n_files; i++) {
    const char *ma = machine_of(&g->base.files[i], a, sizeof a);
    if (!ma) continue;
    for (size_t j = 0; j < g->cur.n_files; j++) {
      const char *mb = machine_of(&g->cur.files[j], b, sizeof b);
      if (!mb || strcmp(ma, mb) == 0) continue;
      if (!g->opt.any_machine)
        gate_unusable(g,
                      "%s was measured on %s, %s on %s: figures from different machines do not "
                      "compare; measure both sides on one machine (make gate BASE=<commit>, "
                      "or make baseline on this machine) or pass --any-machine",
                      g->base.files[i].path, ma, g->cur.files[j].path, mb);
      fprintf(stderr, GATE_PROG ": warning: %s was measured on %s, %s on %s (--any-machine)\n",
              g->base.files[i].path, ma, g->cur.files[j].path, mb);
      return;
    }
  }
}

const record_file *gate_cut_short(const gate *g, const char **label) {
  const side *sides[] = {&g->base, &g->cur};
  for (int s = 0; s < 2; s++)
    for (size_t i = 0; i < sides[s]->n_files; i++)
      if (!sides[s]->files[i].ended) {
        if (label) *label = sides[s]->label;
        return &sides[s]->files[i];
      }
  return NULL;
}
