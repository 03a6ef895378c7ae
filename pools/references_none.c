/* Builds without reference runtimes (Emscripten): no extra backends. */
#include "backends.h"

const pool_backend *const pool_reference_backends[] = {NULL};
