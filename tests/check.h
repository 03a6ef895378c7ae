/* A minimal test kit: CHECK fails loudly, test_deadline turns a hang into a
 * failure that says what the pool's threads were doing. */
#ifndef POOLBENCH_CHECK_H
#define POOLBENCH_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#include "pool.h"

#define CHECK(cond, ...)                                              \
  do {                                                                \
    if (!(cond)) {                                                    \
      fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                   \
      fputc('\n', stderr);                                            \
      exit(1);                                                        \
    }                                                                 \
  } while (0)

/* Arms a deadline for the whole test: on expiry it prints the phase and the
 * watched pool's per-worker state, then exits 1. */
void test_deadline(unsigned seconds);
/* What the test is doing now and which pool to dump if it hangs. */
void test_phase(const char *phase, pool *watched);

#endif
