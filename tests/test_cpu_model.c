/* The header's cpu_model from /proc/cpuinfo texts of several machines: the
 * gate refuses a run whose CPU is unnamed, so every machine must get a name. */
#include <string.h>

#include "check.h"
#include "cpu_model.h"

static void expect(const char *cpuinfo, const char *machine, const char *want) {
  char got[256];
  cpu_model_from(cpuinfo, machine, got, sizeof got);
  CHECK(strcmp(got, want) == 0, "got '%s', want '%s'", got, want);
}

int main(void) {
  test_deadline(10);
  /* x86: "model name"; "cpu MHz"/"cpu cores" are not POWER's "cpu". */
  expect("processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\n"
         "model name\t: AMD EPYC 7B13 \ncpu MHz\t\t: 2450.000\ncpu cores\t: 1\n",
         "x86_64", "AMD EPYC 7B13");
  /* aarch64 (Neoverse N1, Graviton2): no "model name", implementer and part. */
  expect("processor\t: 0\nBogoMIPS\t: 243.75\nFeatures\t: fp asimd evtstrm\n"
         "CPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x3\n"
         "CPU part\t: 0xd0c\nCPU revision\t: 1\n\nprocessor\t: 1\n",
         "aarch64", "ARM part 0xd0c (aarch64)");
  expect("CPU implementer\t: 0x7f\nCPU part\t: 0x001\n", "aarch64",
         "implementer 0x7f part 0x001 (aarch64)");
  /* POWER and RISC-V name the CPU under other keys. */
  expect("processor\t: 0\ncpu\t\t: POWER9, altivec supported\nclock\t\t: 2166MHz\n",
         "ppc64le", "POWER9, altivec supported");
  expect("processor\t: 0\nhart\t\t: 0\nisa\t\t: rv64imafdc\nuarch\t\t: sifive,u74-mc\n",
         "riscv64", "sifive,u74-mc");
  /* Nothing usable, or no /proc at all: the machine, never nothing. */
  expect("processor\t: 0\nmodel name\t:   \n", "aarch64", "aarch64, model unknown");
  expect(NULL, "aarch64", "aarch64, model unknown");
  expect(NULL, NULL, "unknown machine, model unknown");
  printf("ok: cpu_model for x86, Arm, POWER, RISC-V and unknown machines\n");
  return 0;
}
