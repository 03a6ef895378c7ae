/* The records' vocabulary (vocabulary.h): one definition, written into the
 * header of every run by harness.c and read from here by the Python
 * scenarios (bench/pycalls.py), natively and in Pyodide's side module. */
#include "vocabulary.h"

const double vocab_grain_work_ns[VOCAB_GRAIN_WORKS] = {0, 10, 30, 100, 300, 1000, 3000, 10000, 30000, 100000};

size_t vocab_grain_work_count(void) { return VOCAB_GRAIN_WORKS; }

double vocab_grain_work_at(size_t i) { return i < VOCAB_GRAIN_WORKS ? vocab_grain_work_ns[i] : -1; }
