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

/* The default for a host that cannot look at the run's file itself: in the
 * browser the driver chose the file and the server appends to it, so the
 * driver is where an earlier run's records are caught. A host that can look
 * (Node) defines its own. */
__attribute__((weak)) int host_file_exists(const char *path) {
  (void)path;
  return -1;
}

void host_wasm_probe(json *j) {
  json_int(j, "logical_cores", plat_cpu_count());
  json_str(j, "governor", NULL);
  char v[32];
  snprintf(v, sizeof v, "%d.%d.%d", __EMSCRIPTEN_major__, __EMSCRIPTEN_minor__,
           __EMSCRIPTEN_tiny__);
  json_str(j, "emscripten_version", v);
  json_int(j, "wasm_thread_pool", POOLBENCH_WASM_THREADS);
}

/* Neither the engines nor the browsers count a Worker's preemptions: the
 * harness re-measures its references beside the jobs instead. */
void host_interference_now(host_interference *out) { out->run_delay_ns = out->migrations = -1; }
const char *host_interference_source(void) { return NULL; }
