/* The parts of host.h that are the same for every Emscripten host. */
#include <stdio.h>

#include "host.h"
#include "host_wasm.h"
#include "platform.h"

/* Wasm threads are the pre-created pthread workers: a pool cannot have more. */
int host_max_threads(void) { return POOLBENCH_WASM_THREADS; }

void host_wasm_probe(json *j) {
  json_int(j, "logical_cores", plat_cpu_count());
  json_str(j, "governor", NULL);
  char v[32];
  snprintf(v, sizeof v, "%d.%d.%d", __EMSCRIPTEN_major__, __EMSCRIPTEN_minor__,
           __EMSCRIPTEN_tiny__);
  json_str(j, "emscripten_version", v);
  json_int(j, "wasm_thread_pool", POOLBENCH_WASM_THREADS);
}
