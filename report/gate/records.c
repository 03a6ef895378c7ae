/* NDJSON record reader on cJSON: one line at a time, enforcing the record
 * contract of records/schema.json exactly as records/reader.py does (the
 * limits and field tables come from records_contract.h, generated from the
 * same schema), then extracting what the gate needs. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* O_CLOEXEC, fdopen: the fuzzer builds it as plain C11 */
#endif
#include "records.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "contract.h"
#include "records_contract.h"

typedef struct {
  const char *name;
  int line;
  char *err;
  int unterminated; /* this line is the last and has no '\n' */
} ctx;

static int fail(const ctx *c, const char *fmt, ...) {
  int k = snprintf(c->err, RECORDS_ERR_LEN, "%s:%d: ", c->name, c->line);
  if (k < 0 || k >= RECORDS_ERR_LEN) return -1;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->err + k, RECORDS_ERR_LEN - (size_t)k, fmt, ap);
  va_end(ap);
  /* The message may quote the input (a record's "type", a platform): keep it
   * on one line whatever control characters the file holds. */
  for (char *p = c->err; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = '?';
  return -1;
}

static const char *type_name(const cJSON *v) {
  if (cJSON_IsNull(v)) return "null";
  if (cJSON_IsBool(v)) return "a boolean";
  if (cJSON_IsNumber(v)) return "a number";
  if (cJSON_IsString(v)) return "a string";
  if (cJSON_IsArray(v)) return "an array";
  if (cJSON_IsObject(v)) return "an object";
  return "invalid";
}

static char *copy_str(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

/* A descriptive string field: copied into *out when present and a string;
 * -1 (with the error) only when out of memory. */
static int optional_string(const ctx *c, const cJSON *o, const char *key, char **out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  if (!v || !cJSON_IsString(v)) return 0;
  return (*out = copy_str(v->valuestring)) ? 0 : fail(c, "out of memory");
}

/* Field getters: 0 and the value, or -1 with the message set. `what` names
 * the record kind in messages. */
static int get_string(const ctx *c, const cJSON *o, const char *what, const char *field,
                      int nullable, char **out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, field);
  if (!v) return fail(c, "%s lacks \"%s\"", what, field);
  if (nullable && cJSON_IsNull(v)) {
    *out = NULL;
    return 0;
  }
  if (!cJSON_IsString(v)) return fail(c, "\"%s\" is %s, expected a string", field, type_name(v));
  if (!(*out = copy_str(v->valuestring))) return fail(c, "out of memory");
  return 0;
}

static int check_number(const ctx *c, const cJSON *v, const char *field, double *out) {
  if (!cJSON_IsNumber(v)) return fail(c, "\"%s\" is %s, expected a number", field, type_name(v));
  /* cJSON turns overflowing literals (1e999) into inf */
  if (!isfinite(v->valuedouble)) return fail(c, "\"%s\" is not a finite number", field);
  *out = v->valuedouble;
  return 0;
}

static int get_number(const ctx *c, const cJSON *o, const char *what, const char *field,
                      double *out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, field);
  if (!v) return fail(c, "%s lacks \"%s\"", what, field);
  return check_number(c, v, field, out);
}

static int get_integer(const ctx *c, const cJSON *o, const char *what, const char *field,
                       long lo, long hi, long *out) {
  double d = 0;
  if (get_number(c, o, what, field, &d)) return -1;
  if (d != floor(d)) return fail(c, "\"%s\" is %g, expected an integer", field, d);
  if (d < (double)lo || d > (double)hi)
    return fail(c, "\"%s\" is %g, outside %ld..%ld", field, d, lo, hi);
  *out = (long)d;
  return 0;
}

static int parse_header(const ctx *c, const cJSON *o, record_file *f) {
  if (get_string(c, o, "header", "platform", 0, &f->platform) ||
      get_integer(c, o, "header", "schema", 0, 1000000, &f->schema))
    return -1;
  /* An older file says what to do about it, as the Python reader does. */
  if (f->schema >= 1 && f->schema < RECORDS_SCHEMA)
    return fail(c, "schema %ld file: written by an older poolbench; re-run it, or read it with the "
                "poolbench that wrote it (this one reads schema %d)", f->schema, RECORDS_SCHEMA);
  if (f->schema != RECORDS_SCHEMA)
    return fail(c, "schema %ld, this gate reads schema %d", f->schema, RECORDS_SCHEMA);
  /* Descriptive fields: read when present and well-typed, for the report. */
  const cJSON *v;
  if (optional_string(c, o, "git_commit", &f->git_commit) ||
      optional_string(c, o, "start_time", &f->start_time) ||
      optional_string(c, o, "cpu_model", &f->cpu_model))
    return -1;
  if ((v = cJSON_GetObjectItemCaseSensitive(o, "logical_cores")) && cJSON_IsNumber(v) &&
      v->valuedouble >= 1 && v->valuedouble < 1e6)
    f->logical_cores = (long)v->valuedouble;
  const cJSON *refs = cJSON_GetObjectItemCaseSensitive(o, "references");
  if (cJSON_IsObject(refs) && (optional_string(c, refs, "spin", &f->ref_spin) ||
                               optional_string(c, refs, "futex", &f->ref_futex)))
    return -1;
  const cJSON *opt = cJSON_GetObjectItemCaseSensitive(o, "options");
  f->quick = f->no_pin = -1;
  if (cJSON_IsObject(opt)) {
    if ((v = cJSON_GetObjectItemCaseSensitive(opt, "threads")) && cJSON_IsNumber(v) &&
        v->valuedouble >= 0 && v->valuedouble < 1e6)
      f->threads = (long)v->valuedouble;
    if ((v = cJSON_GetObjectItemCaseSensitive(opt, "quick")) && cJSON_IsBool(v))
      f->quick = cJSON_IsTrue(v);
    if ((v = cJSON_GetObjectItemCaseSensitive(opt, "no_pin")) && cJSON_IsBool(v))
      f->no_pin = cJSON_IsTrue(v);
  }
  return 0;
}

static void free_measurement(measurement *m) {
  free(m->platform);
  free(m->scenario);
  free(m->backend);
  free(m->mode);
  free(m->unit);
  free(m->samples);
  memset(m, 0, sizeof *m);
}

static int parse_measurement(const ctx *c, const cJSON *o, const record_file *f,
                             measurement *m) {
  const char *w = "measurement";
  m->line = c->line;
  if (get_string(c, o, w, "platform", 0, &m->platform) ||
      get_string(c, o, w, "scenario", 0, &m->scenario) ||
      get_string(c, o, w, "backend", 0, &m->backend) ||
      get_string(c, o, w, "mode", 0, &m->mode) ||
      get_integer(c, o, w, "threads", CONTRACT_MIN_THREADS, CONTRACT_MAX_THREADS, &m->threads) ||
      get_integer(c, o, w, "items", 0, (long)CONTRACT_MAX_ABS_NUMBER, &m->items) ||
      get_number(c, o, w, "work_ns", &m->work_ns) || get_string(c, o, w, "unit", 0, &m->unit) ||
      get_number(c, o, w, "median", &m->median))
    return -1;
  if (strcmp(m->platform, f->platform) != 0)
    return fail(c, "platform \"%s\" differs from the header's \"%s\"", m->platform, f->platform);
  if (m->work_ns < 0) return fail(c, "\"work_ns\" is negative (%g)", m->work_ns);
  if (m->median < 0) return fail(c, "\"median\" is negative (%g)", m->median);
  m->beside = m->wanted = NAN;
  m->judged = cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, "interfered"));

  const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "samples");
  if (!s) return fail(c, "measurement lacks \"samples\"");
  if (!cJSON_IsArray(s)) return fail(c, "\"samples\" is %s, expected an array", type_name(s));
  int n = cJSON_GetArraySize(s);
  if (n > 0 && !(m->samples = malloc((size_t)n * sizeof *m->samples)))
    return fail(c, "out of memory");
  const cJSON *e;
  cJSON_ArrayForEach(e, s) {
    char field[32];
    snprintf(field, sizeof field, "samples[%zu]", m->n_samples);
    double d = 0;
    if (check_number(c, e, field, &d)) return -1;
    if (d < 0) return fail(c, "\"%s\" is negative (%g)", field, d);
    m->samples[m->n_samples++] = d;
  }
  return 0;
}

static int parse_error(const ctx *c, const cJSON *o, error_record *e) {
  e->line = c->line;
  if (get_string(c, o, "error record", "scenario", 0, &e->scenario) ||
      get_string(c, o, "error record", "message", 0, &e->message))
    return -1;
  const cJSON *b = cJSON_GetObjectItemCaseSensitive(o, "backend");
  if (cJSON_IsString(b) && !(e->backend = copy_str(b->valuestring))) return fail(c, "out of memory");
  return 0;
}

static int grow(void **arr, size_t n, size_t *cap, size_t size) {
  if (n < *cap) return 0;
  size_t nc = *cap ? *cap * 2 : 16;
  void *p = realloc(*arr, nc * size);
  if (!p) return -1;
  *arr = p;
  *cap = nc;
  return 0;
}

/* Whether a line ends inside a string or with brackets still open. */
static int unbalanced(const char *s, size_t len) {
  long depth = 0;
  int in_str = 0;
  for (size_t i = 0; i < len; i++) {
    char ch = s[i];
    if (in_str) {
      if (ch == '\\') i++;
      else if (ch == '"') in_str = 0;
    } else if (ch == '"') {
      in_str = 1;
    } else if (ch == '{' || ch == '[') {
      depth++;
    } else if (ch == '}' || ch == ']') {
      depth--;
    }
  }
  return in_str || depth > 0;
}

/* One line (without its '\n'): header on line 1, then records. */
static int parse_line(const ctx *c, const char *s, size_t len, record_file *f, size_t *cap_m,
                      size_t *cap_e) {
  size_t i = 0;
  while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) i++;
  if (i == len) return fail(c, "empty line (every line must be one JSON object)");
  char why[CONTRACT_WHY_LEN];
  if (contract_scan_line(s, len, why)) return fail(c, "%s", why);
  const char *end = NULL;
  cJSON *o = cJSON_ParseWithLengthOpts(s, len, &end, 0);
  if (!o) {
    /* Open brackets or an open string at the end of the line: a write cut
     * short (a crash mid-line, a partial copy), not a malformed record. */
    if (unbalanced(s, len))
      return fail(c, "truncated line: the JSON object is cut off after %zu bytes%s", len,
                  c->unterminated ? " (no newline at the end of the file)" : "");
    size_t at = end && end >= s && end <= s + len ? (size_t)(end - s) : 0;
    return fail(c, "invalid JSON near column %zu", at + 1);
  }
  int rc = -1;
  size_t at = (size_t)(end - s);
  while (at < len && (s[at] == ' ' || s[at] == '\t' || s[at] == '\r')) at++;
  if (at < len) {
    fail(c, "unexpected text after the JSON object at column %zu", at + 1);
    goto out;
  }
  if (!cJSON_IsObject(o)) {
    fail(c, "%s, expected a JSON object", type_name(o));
    goto out;
  }
  if (contract_check_values(o, why)) {
    fail(c, "%s", why);
    goto out;
  }
  const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "type");
  if (!t) {
    fail(c, "record lacks \"type\"");
    goto out;
  }
  if (!cJSON_IsString(t)) {
    fail(c, "\"type\" is %s, expected a string", type_name(t));
    goto out;
  }
  int is_header = strcmp(t->valuestring, "header") == 0;
  if (c->line == 1 && !is_header) {
    fail(c, "first line is a \"%s\" record, expected the \"header\"", t->valuestring);
    goto out;
  }
  if (c->line > 1 && is_header) {
    fail(c, "a second header (files were concatenated?)");
    goto out;
  }
  if (is_header) {
    if (parse_header(c, o, f)) goto out;
  } else if (cJSON_GetObjectItemCaseSensitive(o, "platform")) {
    const char *plat = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "platform"));
    if (!plat || !f->platform || strcmp(plat, f->platform)) {
      fail(c, "platform '%.40s' differs from the header's '%.40s'", plat ? plat : "?",
           f->platform ? f->platform : "?");
      goto out;
    }
  }
  if (contract_check_record(o, why)) {
    fail(c, "%s", why);
    goto out;
  }
  f->ended = strcmp(t->valuestring, "end") == 0;
  if (is_header) {
    snprintf(f->last_job, sizeof f->last_job, "header");
    rc = 0;
  } else if (strcmp(t->valuestring, "measurement") == 0) {
    if (grow((void **)&f->m, f->n_m, cap_m, sizeof *f->m)) {
      fail(c, "out of memory");
      goto out;
    }
    measurement *m = &f->m[f->n_m];
    memset(m, 0, sizeof *m);
    rc = parse_measurement(c, o, f, m);
    if (rc) {
      free_measurement(m);
    } else {
      f->n_m++;
      snprintf(f->last_job, sizeof f->last_job, "%s %s %s P=%ld", m->scenario, m->backend,
               m->mode, m->threads);
    }
  } else if (strcmp(t->valuestring, "reference_check") == 0) {
    /* It follows a job: what it says of the machine holds for the
     * measurements since the last check. */
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "others_cores");
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(o, "others_demand");
    for (; f->checked < f->n_m; f->checked++) {
      f->m[f->checked].beside = cJSON_IsNumber(v) ? v->valuedouble : NAN;
      f->m[f->checked].wanted = cJSON_IsNumber(w) ? w->valuedouble : NAN;
    }
    rc = 0;
  } else if (strcmp(t->valuestring, "error") == 0) {
    if (grow((void **)&f->errors, f->n_errors, cap_e, sizeof *f->errors)) {
      fail(c, "out of memory");
      goto out;
    }
    error_record *e = &f->errors[f->n_errors];
    memset(e, 0, sizeof *e);
    rc = parse_error(c, o, e);
    if (rc) {
      free(e->scenario);
      free(e->backend);
      free(e->message);
    } else {
      f->n_errors++;
      snprintf(f->last_job, sizeof f->last_job, "%s %s (an error)", e->scenario,
               e->backend ? e->backend : "-");
    }
  } else {
    rc = 0; /* breakeven, timeline, ...: not the gate's business */
  }
out:
  cJSON_Delete(o);
  return rc;
}

/* The state across one file's lines, fed in order by records_parse (a
 * buffer) and records_read (a file, a line at a time). */
typedef struct {
  ctx c;
  record_file *out;
  size_t cap_m, cap_e;
  int blank; /* leading blank lines: an empty line, or an empty file at the end */
  int seen;  /* a non-blank line came */
} feeder;

static void feed_start(feeder *fd, const char *name, record_file *out, char *err) {
  memset(fd, 0, sizeof *fd);
  memset(out, 0, sizeof *out);
  err[0] = 0;
  fd->c = (ctx){name, 1, err, 0};
  fd->out = out;
}

static int is_blank(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') return 0;
  return 1;
}

/* One line (without its '\n'); `terminated`: it had one. */
static int feed_line(feeder *fd, const char *s, size_t n, int terminated) {
  fd->c.unterminated = !terminated;
  if (!fd->seen && is_blank(s, n)) {
    fd->blank++;
    fd->c.line++;
    return 0;
  }
  if (!fd->seen && fd->blank) {
    fd->c.line = 1;
    return fail(&fd->c, "empty line (every line must be one JSON object)");
  }
  fd->seen = 1;
  if (parse_line(&fd->c, s, n, fd->out, &fd->cap_m, &fd->cap_e)) return -1;
  fd->c.line++;
  return 0;
}

static int feed_end(feeder *fd, int terminated) {
  if (!fd->seen) {
    fd->c.line = 1;
    return fail(&fd->c, "empty file: no header line");
  }
  if (!terminated) { /* the contract: every line ends with a newline */
    fd->c.line--;
    return fail(&fd->c, "last line is not terminated by a newline (truncated?)");
  }
  return 0;
}

int records_parse(const char *name, const char *data, size_t len, record_file *out,
                  char err[RECORDS_ERR_LEN]) {
  feeder fd;
  feed_start(&fd, name, out, err);
  if (!(out->path = copy_str(name))) return fail(&fd.c, "out of memory");
  size_t pos = 0;
  int rc = 0;
  while (rc == 0 && pos < len) {
    const char *nl = memchr(data + pos, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - (data + pos)) : len - pos;
    rc = feed_line(&fd, data + pos, n, nl != NULL);
    pos += n + 1;
  }
  if (rc == 0) rc = feed_end(&fd, !len || data[len - 1] == '\n');
  if (rc) records_free(out); /* the message is already in err */
  return rc;
}

/* The file opened for reading only if it is a regular file (checked on the
 * descriptor, opened without waiting: a FIFO would block, a device never
 * end) of at most the contract's max_file_bytes; NULL with the message. */
static FILE *open_records(const char *path, char err[RECORDS_ERR_LEN]) {
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    snprintf(err, RECORDS_ERR_LEN, "%s: cannot open: %s", path, strerror(errno));
    return NULL;
  }
  struct stat st;
  FILE *fp = NULL;
  if (fstat(fd, &st) != 0)
    snprintf(err, RECORDS_ERR_LEN, "%s: cannot open: %s", path, strerror(errno));
  else if (!S_ISREG(st.st_mode))
    snprintf(err, RECORDS_ERR_LEN, "%s: not a regular file", path);
  else if (st.st_size > (off_t)CONTRACT_MAX_FILE_BYTES)
    snprintf(err, RECORDS_ERR_LEN, "%s: %lld bytes, over the contract's %lld", path,
             (long long)st.st_size, (long long)CONTRACT_MAX_FILE_BYTES);
  else if (fcntl(fd, F_SETFL, 0) != 0 || !(fp = fdopen(fd, "rb")))
    snprintf(err, RECORDS_ERR_LEN, "%s: cannot open: %s", path, strerror(errno));
  if (!fp) close(fd);
  return fp;
}

int records_read(const char *path, record_file *out, char err[RECORDS_ERR_LEN]) {
  feeder fd;
  feed_start(&fd, path, out, err);
  FILE *fp = open_records(path, err);
  if (!fp) return -1;
  if (!(out->path = copy_str(path))) {
    fclose(fp);
    return fail(&fd.c, "out of memory");
  }
  /* A line at a time, never more than the contract's longest line held. */
  char *line = malloc(CONTRACT_MAX_LINE_BYTES + 1);
  int rc = line ? 0 : fail(&fd.c, "out of memory"), terminated = 1, ch = 0;
  long long total = 0;
  while (rc == 0 && ch != EOF) {
    size_t n = 0;
    while ((ch = getc(fp)) != EOF && ch != '\n') {
      if (n == CONTRACT_MAX_LINE_BYTES) {
        rc = fail(&fd.c, "line of more than %d bytes, over the contract's %d",
                  CONTRACT_MAX_LINE_BYTES, CONTRACT_MAX_LINE_BYTES);
        break;
      }
      line[n++] = (char)ch;
    }
    if (rc) break;
    if (ch == EOF && n == 0) break;
    total += (long long)n + (ch == '\n');
    if (total > (long long)CONTRACT_MAX_FILE_BYTES) {
      rc = fail(&fd.c, "the file passed the contract's %lld bytes",
                (long long)CONTRACT_MAX_FILE_BYTES);
      break;
    }
    terminated = ch == '\n';
    rc = feed_line(&fd, line, n, terminated);
  }
  if (rc == 0 && ferror(fp)) rc = fail(&fd.c, "read error");
  if (rc == 0) rc = feed_end(&fd, terminated);
  free(line);
  fclose(fp);
  if (rc) records_free(out);
  return rc;
}

void records_free(record_file *f) {
  for (size_t i = 0; i < f->n_m; i++) free_measurement(&f->m[i]);
  for (size_t i = 0; i < f->n_errors; i++) {
    free(f->errors[i].scenario);
    free(f->errors[i].backend);
    free(f->errors[i].message);
  }
  free(f->m);
  free(f->errors);
  free(f->path);
  free(f->platform);
  free(f->git_commit);
  free(f->start_time);
  free(f->cpu_model);
  free(f->ref_spin);
  free(f->ref_futex);
  memset(f, 0, sizeof *f);
}

void records_key(const measurement *m, char *buf, size_t len) {
  snprintf(buf, len, "%s/%s/%s/%s/%ld/%ld/%.15g", m->platform, m->scenario, m->backend, m->mode,
           m->threads, m->items, m->work_ns);
}
