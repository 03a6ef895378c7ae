/* What the two WebAssembly hosts (Node.js, browser) share. */
#ifndef POOLBENCH_HOST_WASM_H
#define POOLBENCH_HOST_WASM_H

#include "json.h"

/* The probe fields every Wasm host records: cores, emscripten version, the
 * pre-created pthread pool. */
void host_wasm_probe(json *j);

#endif
