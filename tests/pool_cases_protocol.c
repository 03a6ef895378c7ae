/* The registry's rules, for every backend: backend.h's pairing rules are
 * enforced at registration. A white-box test of pools/backends.c: the one
 * file outside pools/ that includes a private pools header, by its path. */
#include <string.h>

#include "../pools/backends.h"
#include "check.h"
#include "pool.h"
#include "pool_cases.h"

/* backend.h's pairing rules hold at registration: a backend with only one
 * of wait and wake, or run beside them, is refused with a code of its own,
 * never called. */
static void wait_stub(void *s, pool_channel ch, pool_word *w, uint32_t x, uint64_t t) {
  (void)s, (void)ch, (void)w, (void)x, (void)t;
}
static void wake_stub(void *s, pool_channel ch, pool_word *w, int n) { (void)s, (void)ch, (void)w, (void)n; }
static int run_stub(void *s, int t, size_t b, size_t e, size_t g, pool_body body, void *ctx,
                    uint64_t *mine) {
  (void)s, (void)t, (void)b, (void)e, (void)g, (void)body, (void)ctx, (void)mine;
  return POOL_OK;
}

void case_protocol(void) {
  test_phase("protocol", NULL);
  const pool_backend *b = pool_backend_find(backend);
  CHECK(b && pool_backend_check(b) == POOL_OK, "%s: breaks backend.h: %s", backend,
        pool_strerror(pool_backend_check(b)));
  static const pool_backend no_wake = {.name = "x", .description = "x", .wait = wait_stub};
  static const pool_backend no_wait = {.name = "x", .description = "x", .wake = wake_stub};
  static const pool_backend both = {.name = "x", .description = "x", .wait = wait_stub,
                                    .wake = wake_stub, .run = run_stub};
  static const pool_backend nameless = {.wait = wait_stub, .wake = wake_stub};
  CHECK(pool_backend_check(&no_wake) == POOL_EPROTOCOL, "wait without wake accepted");
  CHECK(pool_backend_check(&no_wait) == POOL_EPROTOCOL, "wake without wait accepted");
  CHECK(pool_backend_check(&both) == POOL_EPROTOCOL, "run beside wait and wake accepted");
  CHECK(pool_backend_check(&nameless) == POOL_EPROTOCOL, "a backend without a name accepted");
  const char *msg = pool_strerror(POOL_EPROTOCOL);
  CHECK(strcmp(msg, pool_strerror(-1000)) != 0 && !strchr(msg, '\n'), "POOL_EPROTOCOL: no message of its own");
}
