#include "cpu_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The value of the first line whose key (before the colon, trailing blanks
 * dropped) is exactly `key`, copied to out; 0 if found. Exact keys, because
 * x86's "cpu MHz" and "cpu cores" must not pass for POWER's "cpu". */
static int field(const char *text, const char *key, char *out, size_t n) {
  size_t klen = strlen(key);
  for (const char *line = text; line && *line;) {
    const char *end = strchr(line, '\n');
    size_t len = end ? (size_t)(end - line) : strlen(line);
    const char *colon = memchr(line, ':', len);
    if (colon) {
      size_t k = (size_t)(colon - line);
      while (k > 0 && (line[k - 1] == ' ' || line[k - 1] == '\t')) k--;
      if (k == klen && strncmp(line, key, klen) == 0) {
        const char *v = colon + 1;
        while (v < line + len && (*v == ' ' || *v == '\t')) v++;
        size_t vlen = (size_t)(line + len - v);
        while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t' || v[vlen - 1] == '\r')) vlen--;
        if (vlen > 0) {
          snprintf(out, n, "%.*s", (int)vlen, v);
          return 0;
        }
      }
    }
    line = end ? end + 1 : NULL;
  }
  return -1;
}

/* Arm's implementer codes (the Arm ARM's MIDR_EL1 table, the common ones). */
static const char *implementer_name(long code) {
  static const struct { long code; const char *name; } known[] = {
      {0x41, "ARM"},     {0x42, "Broadcom"}, {0x43, "Cavium"}, {0x46, "Fujitsu"},
      {0x48, "HiSilicon"}, {0x4e, "NVIDIA"}, {0x50, "APM"},    {0x51, "Qualcomm"},
      {0x61, "Apple"},   {0x6d, "Microsoft"}, {0xc0, "Ampere"},
  };
  for (size_t i = 0; i < sizeof known / sizeof *known; i++)
    if (known[i].code == code) return known[i].name;
  return NULL;
}

void cpu_model_from(const char *cpuinfo, const char *machine, char *out, size_t n) {
  const char *arch = machine && *machine ? machine : "unknown machine";
  char impl[64], part[64];
  if (!cpuinfo) cpuinfo = "";
  if (field(cpuinfo, "model name", out, n) == 0) return;
  if (field(cpuinfo, "CPU implementer", impl, sizeof impl) == 0 &&
      field(cpuinfo, "CPU part", part, sizeof part) == 0) {
    const char *name = implementer_name(strtol(impl, NULL, 0));
    if (name) snprintf(out, n, "%s part %s (%s)", name, part, arch);
    else snprintf(out, n, "implementer %s part %s (%s)", impl, part, arch);
    return;
  }
  static const char *const others[] = {"cpu model", "uarch", "cpu"};
  for (size_t i = 0; i < sizeof others / sizeof *others; i++)
    if (field(cpuinfo, others[i], out, n) == 0) return;
  snprintf(out, n, "%s, model unknown", arch);
}
