/* poolbench_gate: the statistical performance-regression gate. Compares the
 * measurement records of a current run with a baseline run, key by key
 * (compare.c says how a key is judged), and says so on stdout and, on
 * request, as Markdown and JSON.
 *
 * Exit: 0 clean; 1 at least one regression; 2 unusable input (missing,
 * malformed or incompatible files, no key in both runs, a bad option or
 * config line) or, without a regression, keys that could not be decided
 * (too few samples, a missing reference) or a run cut short (its file
 * lacks the `end` record): never a silent pass. */
#include <stdio.h>

#include "gate.h"
#include "quote.h"

int main(int argc, char **argv) {
  gate g = {.base = {.label = "baseline"}, .cur = {.label = "current"},
            .report_unusable = gate_write_unusable};
  gate_parse_options(&g.opt, argc, argv);
  if (g.opt.config) gate_read_config(&g);
  gate_load(&g);
  gate_check_same_machine(&g);
  gate_compare(&g);
  gate_mark_noisy(&g);

  int code = 0;
  const char *verdict = "clean", *title = "clean";
  if (g.count[V_REGRESSION]) {
    code = 1;
    verdict = "regression";
    title = "REGRESSION";
  } else if (g.count[V_INSUFFICIENT] || gate_cut_short(&g, NULL)) {
    code = 2;
    verdict = "undecided";
    title = "undecided (too few samples, a missing reference, a noisy run or a run cut short)";
  }
  gate_print_table(&g);
  if (g.opt.markdown) gate_write_markdown(&g, title);
  if (g.opt.json) gate_write_json(&g, verdict, code);
  const char *cut_side;
  const record_file *cut = gate_cut_short(&g, &cut_side);
  if (code == 2 && cut) {
    char path[256];
    fprintf(stderr, GATE_PROG ": the %s side is incomplete: %s ends after %s (no end record: "
            "the run was killed or crashed); measure it again\n", cut_side,
            quote(path, sizeof path, cut->path), cut->last_job);
  } else if (code == 2) {
    const row *first = NULL;
    for (size_t i = 0; i < g.n_rows && !first; i++)
      if (g.rows[i].v == V_INSUFFICIENT) first = &g.rows[i];
    fprintf(stderr, GATE_PROG ": %zu key%s undecided, e.g. %s: %s\n", g.count[V_INSUFFICIENT],
            g.count[V_INSUFFICIENT] == 1 ? "" : "s", first->old->key, first->reason);
  }
  return code;
}
