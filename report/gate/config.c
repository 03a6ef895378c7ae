/* gate.conf: per-key thresholds. One rule a line, "PATTERN THRESHOLD",
 * PATTERN a shell glob on the key, THRESHOLD a fraction, a percentage or
 * "off"; '#' comments, blank lines. The last matching rule wins, so a file
 * reads from the general to the particular (report/gate.conf says why each
 * value). */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* strdup, strtok_r, fnmatch */
#endif
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gate.h"

#define CONFIG_MAX_BYTES (1 << 20)

void gate_read_config(gate *g) {
  const char *path = g->opt.config;
  FILE *fp = fopen(path, "r");
  if (!fp) gate_unusable(g, "%s: cannot open: %s", path, strerror(errno));
  /* A regular file of a config's size: a device (/dev/zero) never ends. */
  struct stat st;
  if (fstat(fileno(fp), &st) || !S_ISREG(st.st_mode) || st.st_size > CONFIG_MAX_BYTES) {
    fclose(fp);
    gate_unusable(g, "%s: not a regular file of at most %d bytes", path, CONFIG_MAX_BYTES);
  }
  char line[1024];
  size_t cap = 0;
  for (int no = 1; fgets(line, sizeof line, fp); no++) {
    size_t l = strlen(line);
    if (l == sizeof line - 1 && line[l - 1] != '\n')
      gate_unusable(g, "%s:%d: line too long", path, no);
    char *hash = strchr(line, '#');
    if (hash) *hash = 0;
    char *save, *pat = strtok_r(line, " \t\r\n", &save);
    if (!pat) continue;
    char *thr = strtok_r(NULL, " \t\r\n", &save), *extra = strtok_r(NULL, " \t\r\n", &save);
    if (!thr)
      gate_unusable(g, "%s:%d: \"%s\" has no threshold (expected PATTERN THRESHOLD)", path, no,
                    pat);
    if (extra) gate_unusable(g, "%s:%d: unexpected \"%s\" after the threshold", path, no, extra);
    double v;
    if (strcmp(thr, "off") == 0) v = NAN;
    else if (gate_parse_fraction(thr, &v))
      gate_unusable(g, "%s:%d: bad threshold \"%s\" (expected 0.25, 25%% or off)", path, no, thr);
    if (g->n_rules == cap) {
      cap = cap ? cap * 2 : 16;
      gate_rule *r = realloc(g->rules, cap * sizeof *r);
      if (!r) gate_unusable(g, "out of memory");
      g->rules = r;
    }
    gate_rule *r = &g->rules[g->n_rules++];
    r->pattern = strdup(pat);
    if (!r->pattern) gate_unusable(g, "out of memory");
    r->threshold = v;
    r->line = no;
    r->used = 0;
  }
  if (ferror(fp)) gate_unusable(g, "%s: read error", path);
  fclose(fp);
}

double gate_threshold_for(gate *g, const char *key, int *rule_line) {
  double t = g->opt.threshold;
  *rule_line = 0;
  for (size_t i = 0; i < g->n_rules; i++) {
    if (fnmatch(g->rules[i].pattern, key, 0) == 0) {
      t = g->rules[i].threshold;
      *rule_line = g->rules[i].line;
      g->rules[i].used = 1;
    }
  }
  return t;
}
