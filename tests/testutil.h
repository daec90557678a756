/* Helpers shared by the cmocka test programs. */
#ifndef NQ_TESTUTIL_H
#define NQ_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Directory of the shared corpora (env NQ_SHARED_CORPUS), or NULL. */
const char *tu_corpus_dir(void);
/* SplitMix64: the tests' reproducible pseudo-random numbers. */
uint64_t tu_splitmix64(uint64_t *state);
/* A fresh scratch path under NQ_TMPDIR (or /tmp) for this process: "<dir>/<name>-<pid>". */
void tu_tmp_path(char *buf, size_t cap, const char *name);
/* Writes len bytes to path; fails the test on error. */
void tu_write_file(const char *path, const void *data, size_t len);
/* Reads a whole file into a malloc'd, NUL-terminated buffer; fails the test on error. */
char *tu_read_file(const char *path, size_t *len);

/* out = the repository root, then "/" rel: NQ_SOURCE_DIR (ctest sets it),
 * else ".." (tests run from the build tree). Fails the test when it does
 * not fit. */
void tu_source_path(char *out, size_t cap, const char *rel);

#endif
