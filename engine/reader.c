/*
 * Corpus readers: the sequential front of a build. Everything here is on
 * the critical path of a one-pass index build, so input is read with large
 * read() calls into a window buffer, lines are found with memchr, and each
 * line is copied once into the batch (so records stay valid while the
 * window moves on). .zst inputs are streamed through ZSTD_decompressStream
 * into the same window, never held whole.
 *
 * Choices worth knowing:
 *  - Directory walks collect every file of the tree, then sort by relative
 *    path with strcmp: "a.txt" < "a/z.txt" < "b/x.txt" (a per-directory sort
 *    would put "a/z.txt" first). Hidden entries are skipped, symlinks are
 *    followed, a directory already on the current path (a symlink loop) is
 *    not entered again, and entries that are neither files nor directories
 *    (sockets, FIFOs) are ignored. nq_input_format applies to file
 *    arguments only; walked files are always classified by name.
 *  - "-" is always JSONL, whatever the format.
 *  - A UTF-8 byte order mark at the start of a JSONL file is dropped.
 *  - An empty .zst file is an empty input; one that ends inside a frame, or
 *    holds anything but zstd frames, is an error (NQ_ERR_INPUT).
 *  - nq_batch.bytes counts the bytes of lines (terminators included) and of
 *    text files, after decompression.
 */
#include "reader.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "error.h"

/* Reads this large keep syscalls and memchr setup negligible. */
#define WINDOW_START ((size_t)4 << 20)
#define ZIN_SIZE ((size_t)1 << 20)
/* A window grown for a huge line is released when its file ends. */
#define WINDOW_KEEP ((size_t)32 << 20)
/* A zstd frame header is at most 18 bytes. */
#define ZSTD_HEADER_MAX 18

typedef struct input_file {
    char *path;          /* owned; what open() gets */
    const char *name;    /* points into path: the name shown and used as id */
    uint64_t size;       /* for the ETA; 0 when unknown */
    bool jsonl, zst, is_stdin;
} input_file;

typedef struct zstate {
    ZSTD_DCtx *dctx;
    char *in;            /* compressed bytes [pos, len) not yet consumed */
    size_t len, pos;
    uint64_t offset;     /* file offset of in[0], for messages */
    bool eof;            /* the compressed file is exhausted */
    bool in_frame;       /* a frame is started and not finished */
    bool out_full;       /* the last call filled its output: more may be pending */
} zstate;

struct nq_reader {
    input_file *files;
    size_t n_files, cap_files;
    uint64_t total_bytes;

    size_t next_file;    /* next file to open */
    uint32_t cur;        /* file being read, when is_open */
    bool is_open;
    int fd;
    uint64_t line;       /* lines taken from the current file */

    /* decoded bytes of the current JSONL file: [start, end) not yet taken;
     * no '\n' in [start, scan) */
    char *win;
    size_t win_cap, start, end, scan;
    bool src_eof;

    zstate z;
};

/* ------------------------------------------------------------------ */
/* Batches                                                             */
/* ------------------------------------------------------------------ */

void nq_batch_init(nq_batch *b)
{
    memset(b, 0, sizeof *b);
}

void nq_batch_free(nq_batch *b)
{
    free(b->rec);
    free(b->buf);
    nq_batch_init(b);
}

static void batch_clear(nq_batch *b)
{
    b->n = 0;
    b->buf_used = 0;
    b->bytes = 0;
}

/* Room for extra more bytes in b->buf. The buffer is moved by hand (not
 * realloc'd) so the records already in it can be re-pointed. */
static bool batch_reserve(nq_batch *b, size_t extra)
{
    if (b->buf_cap - b->buf_used >= extra)
        return true;
    if (extra > SIZE_MAX / 2 - b->buf_used)
        return false;
    size_t need = b->buf_used + extra;
    size_t cap = b->buf_cap * 2 > need ? b->buf_cap * 2 : need;
    if (cap < ((size_t)1 << 16))
        cap = (size_t)1 << 16;
    char *nb = malloc(cap);
    if (!nb)
        return false;
    if (b->buf_used)
        memcpy(nb, b->buf, b->buf_used);
    for (size_t i = 0; i < b->n; i++)
        b->rec[i].data = nb + (b->rec[i].data - b->buf);
    free(b->buf);
    b->buf = nb;
    b->buf_cap = cap;
    return true;
}

static bool batch_add_record(nq_batch *b, nq_record_kind kind, uint32_t file, uint64_t line,
                             size_t off, size_t len)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 1024;
        nq_record *rec = realloc(b->rec, cap * sizeof *rec);
        if (!rec)
            return false;
        b->rec = rec;
        b->cap = cap;
    }
    b->rec[b->n++] = (nq_record){kind, file, line, b->buf + off, len};
    return true;
}

static bool batch_add_copy(nq_batch *b, uint32_t file, uint64_t line, const char *data, size_t len)
{
    if (!batch_reserve(b, len))
        return false;
    size_t off = b->buf_used;
    if (len)
        memcpy(b->buf + off, data, len);
    b->buf_used += len;
    return batch_add_record(b, NQ_REC_JSON, file, line, off, len);
}

/* ------------------------------------------------------------------ */
/* The file list                                                       */
/* ------------------------------------------------------------------ */

static bool has_suffix(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && strncasecmp(s + len - n, suffix, n) == 0;
}

static bool is_zst_name(const char *name)
{
    return has_suffix(name, strlen(name), ".zst");
}

static bool is_jsonl_name(const char *name)
{
    size_t len = strlen(name);
    if (has_suffix(name, len, ".zst"))
        len -= 4;
    return has_suffix(name, len, ".jsonl") || has_suffix(name, len, ".ndjson") ||
           has_suffix(name, len, ".json");
}

/* The decompressed size a .zst file's first frame header declares, or 0. */
static uint64_t zst_declared_size(int fd)
{
    unsigned char hdr[ZSTD_HEADER_MAX];
    ssize_t k = pread(fd, hdr, sizeof hdr, 0);
    if (k <= 0)
        return 0;
    unsigned long long n = ZSTD_getFrameContentSize(hdr, (size_t)k);
    return n == ZSTD_CONTENTSIZE_UNKNOWN || n == ZSTD_CONTENTSIZE_ERROR ? 0 : n;
}

/* Takes ownership of path (freed here on failure). */
static nq_status add_file(nq_reader *r, char *path, size_t name_off, bool jsonl, uint64_t size,
                          nq_error *err)
{
    if (r->n_files >= UINT32_MAX) {
        free(path);
        return nq_fail(err, NQ_ERR_LIMIT, "too many input files (more than %u)", UINT32_MAX);
    }
    if (r->n_files == r->cap_files) {
        size_t cap = r->cap_files ? 2 * r->cap_files : 16;
        input_file *f = realloc(r->files, cap * sizeof *f);
        if (!f) {
            free(path);
            return nq_fail(err, NQ_ERR_NOMEM, "out of memory listing input files");
        }
        r->files = f;
        r->cap_files = cap;
    }
    bool is_stdin = strcmp(path, "-") == 0 && name_off == 0;
    r->files[r->n_files++] = (input_file){path, path + name_off, size, jsonl,
                                          !is_stdin && is_zst_name(path), is_stdin};
    r->total_bytes += size;
    return NQ_OK;
}

static char *dup_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static char *join_path(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    bool slash = a > 0 && dir[a - 1] != '/';
    char *p = malloc(a + slash + b + 1);
    if (!p)
        return NULL;
    memcpy(p, dir, a);
    if (slash)
        p[a] = '/';
    memcpy(p + a + slash, name, b + 1);
    return p;
}

/* Size for the ETA: the file's own size, or what its zstd header declares. */
static nq_status size_for_eta(const char *path, const struct stat *st, bool zst, uint64_t *size,
                              nq_error *err)
{
    *size = 0;
    if (!S_ISREG(st->st_mode))
        return NQ_OK;
    if (!zst) {
        *size = (uint64_t)st->st_size;
        return NQ_OK;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return nq_fail(err, NQ_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    *size = zst_declared_size(fd);
    close(fd);
    return NQ_OK;
}

/* A file named on the command line: its format may be forced. */
static nq_status add_file_argument(nq_reader *r, const char *path, const struct stat *st,
                                   nq_input_format format, nq_error *err)
{
    if (S_ISREG(st->st_mode)) {   /* opening a FIFO here would block */
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return nq_fail(err, NQ_ERR_IO, "cannot open %s: %s", path, strerror(errno));
        close(fd);
    }
    bool jsonl = format == NQ_INPUT_JSONL || (format == NQ_INPUT_AUTO && is_jsonl_name(path));
    uint64_t size;
    nq_status s = size_for_eta(path, st, is_zst_name(path), &size, err);
    if (s != NQ_OK)
        return s;
    char *copy = dup_string(path);
    if (!copy)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory listing input files");
    return add_file(r, copy, 0, jsonl, size, err);
}

/* The directories from the walked root down to the one being read. */
typedef struct dir_chain {
    dev_t dev;
    ino_t ino;
    const struct dir_chain *up;
} dir_chain;

static bool on_chain(const dir_chain *c, const struct stat *st)
{
    for (; c; c = c->up)
        if (c->dev == st->st_dev && c->ino == st->st_ino)
            return true;
    return false;
}

static nq_status walk_dir(nq_reader *r, const char *dir, size_t name_off, const dir_chain *chain,
                          nq_error *err);

/* One directory entry; takes ownership of path. */
static nq_status walk_entry(nq_reader *r, char *path, size_t name_off, const dir_chain *chain,
                            nq_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        nq_status s = nq_fail(err, NQ_ERR_IO, "cannot open %s: %s", path, strerror(errno));
        free(path);
        return s;
    }
    nq_status s = NQ_OK;
    if (S_ISDIR(st.st_mode)) {
        dir_chain here = {st.st_dev, st.st_ino, chain};
        if (!on_chain(chain, &st))
            s = walk_dir(r, path, name_off, &here, err);
        free(path);
        return s;
    }
    if (!S_ISREG(st.st_mode)) {
        free(path);
        return NQ_OK;
    }
    uint64_t size;
    s = size_for_eta(path, &st, is_zst_name(path), &size, err);
    if (s != NQ_OK) {
        free(path);
        return s;
    }
    return add_file(r, path, name_off, is_jsonl_name(path + name_off), size, err);
}

static nq_status walk_dir(nq_reader *r, const char *dir, size_t name_off, const dir_chain *chain,
                          nq_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return nq_fail(err, NQ_ERR_IO, "cannot open directory %s: %s", dir, strerror(errno));
    nq_status s = NQ_OK;
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (!de) {
            if (errno)
                s = nq_fail(err, NQ_ERR_IO, "cannot read directory %s: %s", dir, strerror(errno));
            break;
        }
        if (de->d_name[0] == '.')
            continue;
        char *path = join_path(dir, de->d_name);
        if (!path) {
            s = nq_fail(err, NQ_ERR_NOMEM, "out of memory listing %s", dir);
            break;
        }
        if ((s = walk_entry(r, path, name_off, chain, err)) != NQ_OK)
            break;
    }
    closedir(d);
    return s;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(((const input_file *)a)->name, ((const input_file *)b)->name);
}

static nq_status add_directory(nq_reader *r, const char *dir, const struct stat *st, nq_error *err)
{
    size_t first = r->n_files, len = strlen(dir);
    size_t name_off = len + (len > 0 && dir[len - 1] != '/');
    dir_chain root = {st->st_dev, st->st_ino, NULL};
    nq_status s = walk_dir(r, dir, name_off, &root, err);
    if (s == NQ_OK)
        qsort(r->files + first, r->n_files - first, sizeof *r->files, compare_names);
    return s;
}

static nq_status add_input(nq_reader *r, const char *in, nq_input_format format, nq_error *err)
{
    if (strcmp(in, "-") == 0) {
        char *dash = dup_string("-");
        if (!dash)
            return nq_fail(err, NQ_ERR_NOMEM, "out of memory listing input files");
        return add_file(r, dash, 0, true, 0, err);
    }
    struct stat st;
    if (stat(in, &st) != 0)
        return nq_fail(err, NQ_ERR_IO, "cannot open %s: %s", in, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return add_directory(r, in, &st, err);
    return add_file_argument(r, in, &st, format, err);
}

nq_status nq_reader_open(const char *const *inputs, size_t n_inputs, nq_input_format format,
                         nq_reader **out, nq_error *err)
{
    *out = NULL;
    nq_reader *r = calloc(1, sizeof *r);
    if (!r)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory opening the inputs");
    r->fd = -1;
    for (size_t i = 0; i < n_inputs; i++) {
        nq_status s = add_input(r, inputs[i], format, err);
        if (s != NQ_OK) {
            nq_reader_close(r);
            return s;
        }
    }
    *out = r;
    return NQ_OK;
}

static void close_current(nq_reader *r)
{
    if (r->is_open && r->fd >= 0 && !r->files[r->cur].is_stdin)
        close(r->fd);
    r->fd = -1;
    r->is_open = false;
    if (r->win_cap > WINDOW_KEEP) {
        free(r->win);
        r->win = NULL;
        r->win_cap = 0;
    }
}

void nq_reader_close(nq_reader *r)
{
    if (!r)
        return;
    close_current(r);
    for (size_t i = 0; i < r->n_files; i++)
        free(r->files[i].path);
    free(r->files);
    free(r->win);
    free(r->z.in);
    ZSTD_freeDCtx(r->z.dctx);
    free(r);
}

const char *nq_reader_file_name(const nq_reader *r, uint32_t i)
{
    return i < r->n_files ? r->files[i].name : NULL;
}

const char *nq_reader_file_path(const nq_reader *r, uint32_t i)
{
    return i < r->n_files ? r->files[i].path : NULL;
}

uint64_t nq_reader_total_bytes(const nq_reader *r)
{
    return r->total_bytes;
}

/* ------------------------------------------------------------------ */
/* Byte sources: plain read() or zstd streaming                        */
/* ------------------------------------------------------------------ */

static nq_status open_next_file(nq_reader *r, nq_error *err)
{
    input_file *f = &r->files[r->next_file];
    int fd = f->is_stdin ? STDIN_FILENO : open(f->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return nq_fail(err, NQ_ERR_IO, "cannot open %s: %s", f->path, strerror(errno));
    if (!f->is_stdin)
        (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);   /* a hint: failure is harmless */
    if (f->zst) {
        if (!r->z.dctx && !(r->z.dctx = ZSTD_createDCtx()))
            goto nomem;
        if (!r->z.in && !(r->z.in = malloc(ZIN_SIZE)))
            goto nomem;
        if (ZSTD_isError(ZSTD_DCtx_reset(r->z.dctx, ZSTD_reset_session_only)))
            goto nomem;   /* cannot happen between frames; treated as a failed allocation */
        r->z.len = r->z.pos = 0;
        r->z.offset = 0;
        r->z.eof = r->z.in_frame = r->z.out_full = false;
    }
    r->cur = (uint32_t)r->next_file++;
    r->fd = fd;
    r->is_open = true;
    r->line = 0;
    r->start = r->end = r->scan = 0;
    r->src_eof = false;
    return NQ_OK;
nomem:
    if (!f->is_stdin)
        close(fd);
    return nq_fail(err, NQ_ERR_NOMEM, "out of memory opening %s", f->path);
}

static nq_status read_fd(nq_reader *r, char *dst, size_t cap, size_t *got, nq_error *err)
{
    for (;;) {
        ssize_t k = read(r->fd, dst, cap);
        if (k >= 0) {
            *got = (size_t)k;
            return NQ_OK;
        }
        if (errno != EINTR)
            return nq_fail(err, NQ_ERR_IO, "cannot read %s: %s", r->files[r->cur].path,
                           strerror(errno));
    }
}

/* More compressed input; sets z->eof at the end of the file. */
static nq_status refill_compressed(nq_reader *r, nq_error *err)
{
    zstate *z = &r->z;
    size_t got = 0;
    nq_status s = read_fd(r, z->in, ZIN_SIZE, &got, err);
    if (s != NQ_OK)
        return s;
    z->offset += z->len;
    z->len = got;
    z->pos = 0;
    z->eof = got == 0;
    return NQ_OK;
}

/* Decompresses into dst until it is full or the file ends. A file that
 * ends inside a frame is an error once everything before it is delivered. */
static nq_status read_zst(nq_reader *r, char *dst, size_t cap, size_t *got, nq_error *err)
{
    zstate *z = &r->z;
    ZSTD_outBuffer out = {dst, cap, 0};
    while (out.pos < out.size) {
        if (z->pos == z->len && !z->out_full) {
            if (!z->eof) {
                nq_status s = refill_compressed(r, err);
                if (s != NQ_OK)
                    return s;
            }
            if (z->eof)
                break;
        }
        ZSTD_inBuffer in = {z->in, z->len, z->pos};
        size_t ret = ZSTD_decompressStream(z->dctx, &out, &in);
        z->pos = in.pos;
        if (ZSTD_isError(ret))
            return nq_fail(err, NQ_ERR_INPUT, "%s: corrupt zstd data near byte %llu: %s",
                           r->files[r->cur].path, (unsigned long long)(z->offset + z->pos),
                           ZSTD_getErrorName(ret));
        z->in_frame = ret != 0;
        z->out_full = out.pos == out.size;
    }
    *got = out.pos;
    if (out.pos == 0 && z->in_frame)
        return nq_fail(err, NQ_ERR_INPUT,
                       "%s: truncated zstd data: the file ends inside a frame, at byte %llu",
                       r->files[r->cur].path, (unsigned long long)(z->offset + z->len));
    return NQ_OK;
}

/* Some bytes of the current file into dst; *got == 0 at its end. */
static nq_status read_source(nq_reader *r, char *dst, size_t cap, size_t *got, nq_error *err)
{
    return r->files[r->cur].zst ? read_zst(r, dst, cap, got, err) : read_fd(r, dst, cap, got, err);
}

/* ------------------------------------------------------------------ */
/* Lines                                                               */
/* ------------------------------------------------------------------ */

/* Makes room in the window for a large read: slides the partial line to
 * the front, and doubles the window when the line fills most of it. */
static nq_status make_room(nq_reader *r, nq_error *err)
{
    if (r->win_cap - r->end >= r->win_cap / 4 && r->win)
        return NQ_OK;
    if (r->start > 0) {
        memmove(r->win, r->win + r->start, r->end - r->start);
        r->end -= r->start;
        r->scan -= r->start;
        r->start = 0;
    }
    if (r->win && r->win_cap - r->end >= r->win_cap / 4)
        return NQ_OK;
    size_t cap = r->win_cap ? 2 * r->win_cap : WINDOW_START;
    char *w = cap > r->win_cap ? realloc(r->win, cap) : NULL;
    if (!w)
        return nq_fail(err, NQ_ERR_NOMEM, "%s: out of memory for line %llu (over %zu bytes)",
                       r->files[r->cur].path, (unsigned long long)(r->line + 1), r->end);
    r->win = w;
    r->win_cap = cap;
    return NQ_OK;
}

/* The next line of the current file, without its '\n', left in the window
 * until take_line(). *found is false at the end of the file. */
static nq_status peek_line(nq_reader *r, const char **line, size_t *len, size_t *consumed,
                           bool *found, nq_error *err)
{
    for (;;) {
        const char *nl = r->end > r->scan ? memchr(r->win + r->scan, '\n', r->end - r->scan) : NULL;
        if (nl) {
            *line = r->win + r->start;
            *len = (size_t)(nl - *line);
            *consumed = *len + 1;
            *found = true;
            return NQ_OK;
        }
        r->scan = r->end;
        if (r->src_eof) {
            *line = r->win + r->start;
            *len = *consumed = r->end - r->start;
            *found = *len > 0;
            return NQ_OK;
        }
        nq_status s = make_room(r, err);
        size_t got = 0;
        if (s == NQ_OK)
            s = read_source(r, r->win + r->end, r->win_cap - r->end, &got, err);
        if (s != NQ_OK)
            return s;
        r->end += got;
        r->src_eof = got == 0;
    }
}

static void take_line(nq_reader *r, size_t consumed)
{
    r->start += consumed;
    r->scan = r->start;
    r->line++;
}

static bool is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return false;
    return true;
}

/* Lines of the current file into b until it holds target bytes (full) or
 * the file ends (then closed). */
static nq_status take_lines(nq_reader *r, nq_batch *b, size_t target, bool *full, nq_error *err)
{
    for (;;) {
        const char *s;
        size_t len, consumed;
        bool found;
        nq_status st = peek_line(r, &s, &len, &consumed, &found, err);
        if (st != NQ_OK)
            return st;
        if (!found) {
            close_current(r);
            return NQ_OK;
        }
        if (b->n > 0 && b->bytes + consumed > target) {
            *full = true;   /* the line starts the next batch */
            return NQ_OK;
        }
        take_line(r, consumed);
        b->bytes += consumed;
        if (len > 0 && s[len - 1] == '\r')
            len--;
        if (r->line == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
            s += 3;
            len -= 3;
        }
        if (!is_blank(s, len) && !batch_add_copy(b, r->cur, r->line, s, len))
            return nq_fail(err, NQ_ERR_NOMEM, "%s: out of memory for line %llu (%zu bytes)",
                           r->files[r->cur].path, (unsigned long long)r->line, len);
        if (b->n > 0 && b->bytes >= target) {
            *full = true;
            return NQ_OK;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Whole plain-text files                                              */
/* ------------------------------------------------------------------ */

static nq_status take_text(nq_reader *r, nq_batch *b, size_t target, bool *full, nq_error *err)
{
    const input_file *f = &r->files[r->cur];
    if (b->n > 0 && f->size > 0 && b->bytes + f->size > target) {
        *full = true;   /* the file (left open, nothing read) starts the next batch */
        return NQ_OK;
    }
    size_t off = b->buf_used;
    /* One byte over the known size lets the read that sees the end find room. */
    size_t want = f->size > 0 && f->size < SIZE_MAX / 4 ? (size_t)f->size + 1 : (size_t)1 << 16;
    for (;;) {
        if (b->buf_cap - b->buf_used < want && !batch_reserve(b, want))
            return nq_fail(err, NQ_ERR_NOMEM, "%s: out of memory (%zu bytes read)", f->path,
                           b->buf_used - off);
        size_t got = 0;
        nq_status s = read_source(r, b->buf + b->buf_used, b->buf_cap - b->buf_used, &got, err);
        if (s != NQ_OK)
            return s;
        if (got == 0)
            break;
        b->buf_used += got;
        /* Past the announced size (or with none), grow geometrically. */
        want = b->buf_cap > b->buf_used ? 1 : b->buf_used - off;
    }
    size_t len = b->buf_used - off;
    if (!batch_add_record(b, NQ_REC_TEXT, r->cur, 0, off, len))
        return nq_fail(err, NQ_ERR_NOMEM, "%s: out of memory", f->path);
    b->bytes += len;
    close_current(r);
    *full = b->bytes >= target;   /* b->n > 0 here */
    return NQ_OK;
}

nq_status nq_reader_next(nq_reader *r, nq_batch *b, size_t target_bytes, nq_error *err)
{
    batch_clear(b);
    /* Sized once for the whole batch, so growing does not copy it over and
     * over; pages that are not used are never touched. */
    if (target_bytes <= ((size_t)1 << 30) && !batch_reserve(b, target_bytes + ((size_t)1 << 16)))
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory for a %zu-byte batch", target_bytes);
    for (;;) {
        if (!r->is_open) {
            if (r->next_file == r->n_files)
                return NQ_OK;
            nq_status s = open_next_file(r, err);
            if (s != NQ_OK)
                return s;
        }
        bool full = false;
        nq_status s = r->files[r->cur].jsonl ? take_lines(r, b, target_bytes, &full, err)
                                             : take_text(r, b, target_bytes, &full, err);
        if (s != NQ_OK || full)
            return s;
    }
}
