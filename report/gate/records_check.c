/* records_check FILE...: each file's verdict under the record contract as
 * the gate reads it, one line per file ("ok FILE" or the one-line error);
 * exit 0 when all keep it, 2 otherwise. tests/test_contract.py compares
 * these verdicts with records/reader.py's. */
#include <stdio.h>

#include "records.h"

int main(int argc, char **argv) {
  if (argc < 2 || argv[1][0] == '-') {
    fprintf(stderr, "usage: records_check FILE...  (one verdict line per file)\n");
    return 2;
  }
  int bad = 0;
  for (int i = 1; i < argc; i++) {
    record_file f;
    char err[RECORDS_ERR_LEN];
    if (records_read(argv[i], &f, err)) {
      printf("%s\n", err);
      bad = 1;
    } else {
      printf("ok %s\n", argv[i]);
    }
    records_free(&f);
  }
  return bad ? 2 : 0;
}
