/* Time Hyperscan (Debian's libhyperscan) over the texts that `classify_stages --dump DIR`
 * wrote, with its phrases: one block-mode scan a text, ASCII case-insensitive, matches
 * counted. Built and run by scripts/compare-hyperscan.sh. */
#include <hs/hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int count(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                 void *hits) {
  (void)id, (void)from, (void)to, (void)flags;
  ++*(long *)hits;
  return 0;
}

static char *slurp(const char *dir, const char *name, long *size) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  if (!f || fseek(f, 0, SEEK_END) || (*size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(2);
  }
  char *buf = malloc(*size + 1);
  if (!buf || fread(buf, 1, *size, f) != (size_t)*size) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(2);
  }
  buf[*size] = 0;
  fclose(f);
  return buf;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s DIR ROUNDS\n", argv[0]);
    return 2;
  }
  long size;
  char *list = slurp(argv[1], "phrases.txt", &size);
  const char *patterns[4096];
  unsigned flags[4096], ids[4096];
  unsigned n = 0;
  for (char *line = strtok(list, "\n"); line; line = strtok(NULL, "\n")) {
    if (n == 4096) {
      fprintf(stderr, "more than 4096 phrases\n");
      return 2;
    }
    patterns[n] = line;
    flags[n] = HS_FLAG_CASELESS;
    ids[n] = n;
    n++;
  }
  hs_database_t *db;
  hs_compile_error_t *err;
  if (hs_compile_multi(patterns, flags, ids, n, HS_MODE_BLOCK, NULL, &db, &err) != HS_SUCCESS) {
    fprintf(stderr, "hyperscan: %s\n", err->message);
    return 1;
  }
  hs_scratch_t *scratch = NULL;
  if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS) {
    fprintf(stderr, "hyperscan: cannot allocate scratch space\n");
    return 1;
  }
  /* Each text in a buffer of its own, as the automaton's are. */
  char *bin = slurp(argv[1], "texts.bin", &size);
  long texts = 0;
  for (long at = 0; at + 4 <= size; texts++) {
    unsigned len;
    memcpy(&len, bin + at, 4);
    at += 4 + (long)len;
  }
  char **text = malloc(texts * sizeof *text);
  unsigned *len = malloc(texts * sizeof *len);
  for (long i = 0, at = 0; i < texts; i++) {
    memcpy(&len[i], bin + at, 4);
    text[i] = malloc(len[i] + 1);
    memcpy(text[i], bin + at + 4, len[i]);
    at += 4 + (long)len[i];
  }
  int rounds = atoi(argv[2]);
  for (int r = 0; r < 3; r++) {
    long hits = 0;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int k = 0; k < rounds; k++)
      for (long i = 0; i < texts; i++) hs_scan(db, text[i], len[i], 0, scratch, count, &hits);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double calls = (double)rounds * texts;
    printf("hyperscan %s: %.0f ns a text, %.1f hits a text\n", hs_version(),
           ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / calls, hits / calls);
  }
  return 0;
}
