/* The C side of the Python call scenarios (bench/pycalls.py), built into
 * both the native libpoolbench.so and the Pyodide side module. Only int,
 * pointer and 64-bit integer arguments cross: the side module is built by
 * another Emscripten than Pyodide's, and those are the types both agree on
 * (the ABI probe below checks it before anything runs). */
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* The cheapest C function Python can call: what a ctypes call costs. */
int poolbench_noop(int x) { return x; }

typedef int (*poolbench_callback)(int);

/* n calls of a Python callback from C: what a C->Python call costs. */
int poolbench_call_back(poolbench_callback f, int n) {
  int sum = 0;
  for (int i = 0; i < n; i++) sum += f(i);
  return sum;
}

/* sizeof of the C types, in the order of pycalls.ABI_TYPES, as this library
 * was compiled; -1 past the end. */
int poolbench_abi_size(int which) {
  static const int sizes[] = {sizeof(int), sizeof(long), sizeof(long long), sizeof(void *),
                              sizeof(size_t), sizeof(double), sizeof(time_t)};
  return which >= 0 && which < (int)(sizeof sizes / sizeof *sizes) ? sizes[which] : -1;
}
