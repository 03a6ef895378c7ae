/* The records' vocabulary (vocabulary.h): one definition, in the header of
 * every run. */
#include "vocabulary.h"

const double vocab_grain_work_ns[VOCAB_GRAIN_WORKS] = {0, 100, 300, 1000, 3000, 10000, 30000, 100000};

void vocab_header(json *j) {
  json_arr_begin(j, "grain_work_ns");
  for (size_t i = 0; i < VOCAB_GRAIN_WORKS; i++) json_num(j, NULL, vocab_grain_work_ns[i]);
  json_arr_end(j);
  /* Keyed by the unit: spin_rt_units and futex_rt_units are in these. */
  json_key_obj_begin(j, "references");
  json_str(j, "spin", VOCAB_SPIN_REFERENCE);
  json_str(j, "futex", VOCAB_FUTEX_REFERENCE);
  json_obj_end(j);
}
