#include "testutil.h"

#include <stdarg.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

const char *tu_corpus_dir(void)
{
    return getenv("NQ_SHARED_CORPUS");
}

uint64_t tu_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void tu_tmp_path(char *buf, size_t cap, const char *name)
{
    /* the pid goes before the extension: readers choose the format by it */
    const char *dir = getenv("NQ_TMPDIR"), *dot = strrchr(name, '.');
    int base = dot ? (int)(dot - name) : (int)strlen(name);
    snprintf(buf, cap, "%s/%.*s-%ld%s", dir ? dir : "/tmp", base, name, (long)getpid(), dot ? dot : "");
}

void tu_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

char *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    assert_true(size >= 0);
    rewind(f);
    char *buf = malloc((size_t)size + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    buf[size] = 0;
    if (len)
        *len = (size_t)size;
    return buf;
}

void tu_source_path(char *out, size_t cap, const char *rel)
{
    const char *d = getenv("NQ_SOURCE_DIR");
    if (snprintf(out, cap, "%s/%s", d && *d ? d : "..", rel) >= (int)cap)
        fail_msg("path of %s too long", rel);
}
