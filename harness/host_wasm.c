/* The parts of host.h that are the same for every Emscripten host. */
#include <emscripten.h>
#include <stdio.h>

#include "host.h"
#include "host_wasm.h"
#include "platform.h"

/* Wasm threads are the pre-created pthread workers: a pool cannot have more. */
int host_max_threads(void) { return POOLBENCH_WASM_THREADS; }

/* Workers the runtime holds right now, free or running (call on the main
 * runtime thread): at start, the pre-created pool. */
EM_JS(int, js_worker_count, (void), {
  return typeof PThread !== 'undefined' ? PThread.unusedWorkers.length + PThread.runningWorkers.length : 0;
});

int host_pre_created_threads(void) { return js_worker_count(); }

void host_wasm_probe(json *j) {
  json_int(j, "logical_cores", plat_cpu_count());
  json_str(j, "governor", NULL);
  char v[32];
  snprintf(v, sizeof v, "%d.%d.%d", __EMSCRIPTEN_major__, __EMSCRIPTEN_minor__,
           __EMSCRIPTEN_tiny__);
  json_str(j, "emscripten_version", v);
  json_int(j, "wasm_thread_pool", POOLBENCH_WASM_THREADS);
}
