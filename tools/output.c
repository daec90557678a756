#include "output.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fputs("ngramq: out of memory\n", stderr);
        exit(2);
    }
    return q;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xrealloc(NULL, n), s, n);
}

int out_parse_format(const char *s, out_format *f)
{
    static const char *names[] = {"table", "tsv", "csv", "json"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *f = (out_format)i;
            return 0;
        }
    return -1;
}

out_format out_default_format(void)
{
    return isatty(STDOUT_FILENO) ? OUT_TABLE : OUT_JSON;
}

void out_init(out_table *t, const char **cols, size_t ncols)
{
    memset(t, 0, sizeof *t);
    t->cols = cols;
    t->ncols = ncols;
}

void out_free(out_table *t)
{
    for (size_t i = 0; i < t->rows * t->ncols; i++)
        free(t->cells[i].text);
    free(t->cells);
}

void out_row(out_table *t)
{
    if (t->rows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->cells = xrealloc(t->cells, t->cap * t->ncols * sizeof *t->cells);
    }
    memset(t->cells + t->rows * t->ncols, 0, t->ncols * sizeof *t->cells);
    for (size_t c = 0; c < t->ncols; c++)
        t->cells[t->rows * t->ncols + c].kind = CELL_NULL;
    t->rows++;
}

static out_cell *cell(out_table *t, size_t col)
{
    out_cell *c = &t->cells[(t->rows - 1) * t->ncols + col];
    free(c->text);
    c->text = NULL;
    return c;
}

void out_str(out_table *t, size_t col, const char *s)
{
    out_cell *c = cell(t, col);
    c->kind = CELL_STR;
    c->text = xstrdup(s);
}

void out_int(out_table *t, size_t col, int64_t v)
{
    out_cell *c = cell(t, col);
    c->kind = CELL_INT;
    c->i = v;
}

void out_raw(out_table *t, size_t col, const char *json)
{
    out_cell *c = cell(t, col);
    c->kind = CELL_RAW;
    c->text = xstrdup(json);
}

void out_json_string(FILE *f, const char *s, size_t len)
{
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch == '\n')
            fputs("\\n", f);
        else if (ch == '\t')
            fputs("\\t", f);
        else if (ch == '\r')
            fputs("\\r", f);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

/* Plain text of a cell for table, TSV and CSV. */
static const char *cell_text(const out_cell *c, char *buf, size_t cap)
{
    switch (c->kind) {
    case CELL_INT:
        snprintf(buf, cap, "%lld", (long long)c->i);
        return buf;
    case CELL_NULL:
        return "-";
    default:
        return c->text;
    }
}

static size_t display_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80; /* count code points */
    return w;
}

static void print_json(FILE *f, const out_table *t, int single)
{
    if (!single)
        fputs("[", f);
    for (size_t r = 0; r < t->rows; r++) {
        fputs(r ? ",\n {" : (single ? "{" : "{"), f);
        int first = 1;
        for (size_t c = 0; c < t->ncols; c++) {
            const out_cell *x = &t->cells[r * t->ncols + c];
            if (x->kind == CELL_NULL && t->omit_null)
                continue;
            if (!first)
                fputs(", ", f);
            first = 0;
            out_json_string(f, t->cols[c], strlen(t->cols[c]));
            fputs(": ", f);
            if (x->kind == CELL_STR)
                out_json_string(f, x->text, strlen(x->text));
            else if (x->kind == CELL_INT)
                fprintf(f, "%lld", (long long)x->i);
            else if (x->kind == CELL_NULL)
                fputs("null", f);
            else
                fputs(x->text, f);
        }
        fputs("}", f);
    }
    fputs(single ? "\n" : "]\n", f);
}

static void print_separated(FILE *f, const out_table *t, char sep)
{
    char buf[32];
    for (size_t r = 0; r <= t->rows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            const char *s = r == 0 ? t->cols[c] : cell_text(&t->cells[(r - 1) * t->ncols + c], buf, sizeof buf);
            if (c)
                fputc(sep, f);
            if (sep == ',' && strpbrk(s, ",\"\n\r")) {
                fputc('"', f);
                for (; *s; s++) {
                    if (*s == '"')
                        fputc('"', f);
                    fputc(*s, f);
                }
                fputc('"', f);
            } else {
                for (; *s; s++)
                    fputc(sep == '\t' && (*s == '\t' || *s == '\n') ? ' ' : *s, f);
            }
        }
        fputc('\n', f);
    }
}

static void print_aligned(FILE *f, const out_table *t)
{
    size_t *w = calloc(t->ncols, sizeof *w);
    char buf[32];
    if (!w)
        exit(2);
    for (size_t c = 0; c < t->ncols; c++)
        w[c] = display_width(t->cols[c]);
    for (size_t r = 0; r < t->rows; r++)
        for (size_t c = 0; c < t->ncols; c++) {
            size_t x = display_width(cell_text(&t->cells[r * t->ncols + c], buf, sizeof buf));
            if (x > w[c])
                w[c] = x;
        }
    size_t last = t->ncols;
    while (last > 0 && (t->hide_in_table >> (last - 1) & 1))
        last--;
    for (size_t r = 0; r <= t->rows; r++) {
        int first = 1;
        for (size_t c = 0; c < t->ncols; c++) {
            if (t->hide_in_table >> c & 1)
                continue;
            const out_cell *x = r ? &t->cells[(r - 1) * t->ncols + c] : NULL;
            const char *s = r ? cell_text(x, buf, sizeof buf) : t->cols[c];
            size_t pad = w[c] - display_width(s);
            int right = x && (x->kind == CELL_INT || x->kind == CELL_NUM);
            if (!first)
                fputs("  ", f);
            first = 0;
            if (right)
                fprintf(f, "%*s", (int)pad, "");
            fputs(s, f);
            if (!right && c + 1 < last)
                fprintf(f, "%*s", (int)pad, "");
        }
        fputc('\n', f);
    }
    free(w);
}

void out_print(FILE *f, const out_table *t, out_format fmt, int single)
{
    switch (fmt) {
    case OUT_JSON:
        print_json(f, t, single);
        break;
    case OUT_TSV:
        print_separated(f, t, '\t');
        break;
    case OUT_CSV:
        print_separated(f, t, ',');
        break;
    case OUT_TABLE:
        print_aligned(f, t);
        break;
    }
}
