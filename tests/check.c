#include "check.h"

#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "pool_watch.h"

static const char *_Atomic phase = "start";
static pool *_Atomic watched;

void test_phase(const char *what, pool *p) {
  atomic_store(&phase, what);
  atomic_store(&watched, p);
}

static void on_alarm(int sig) {
  (void)sig;
  /* Exiting anyway: stdio from the handler is an accepted risk here. */
  fprintf(stderr, "FAIL deadline exceeded during: %s\n", atomic_load(&phase));
  pool *p = atomic_load(&watched);
  if (p) {
    uint32_t gen, done;
    pool_words(p, &gen, &done);
    fprintf(stderr, "  pool %s: generation %u, done %u\n", pool_backend_name(p),
            gen, done);
    pool_worker_info w;
    for (int i = 0; pool_worker(p, i, &w) == POOL_OK; i++)
      fprintf(stderr, "  worker %d: %s, generation %u, items %llu\n", i,
              pool_worker_state_name(w.state), w.generation,
              (unsigned long long)w.items);
  }
  _exit(1);
}

void test_deadline(unsigned seconds) {
  signal(SIGALRM, on_alarm);
  alarm(seconds);
}
