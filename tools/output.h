/* Result tables of the CLI, rendered as an aligned table, TSV, CSV or JSON. */
#ifndef NQ_OUTPUT_H
#define NQ_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum out_format { OUT_TABLE, OUT_TSV, OUT_CSV, OUT_JSON } out_format;

/* Parses "table|tsv|csv|json"; returns -1 when unknown. */
int out_parse_format(const char *s, out_format *f);
/* The default: a table on a terminal, JSON otherwise. */
out_format out_default_format(void);

typedef enum cell_kind { CELL_STR, CELL_INT, CELL_NULL, CELL_NUM, CELL_RAW } cell_kind;

typedef struct out_cell {
    cell_kind kind;
    char *text;       /* CELL_STR: the string; CELL_RAW: JSON text; CELL_NUM: formatted */
    int64_t i;
} out_cell;

typedef struct out_table {
    size_t ncols;
    const char **cols;   /* JSON keys and table headers */
    out_cell *cells;     /* rows * ncols */
    size_t rows, cap;
    int omit_null;       /* JSON: leave out null cells instead of writing null */
    unsigned hide_in_table; /* bit c: column c is left out of the aligned table */
} out_table;

void out_init(out_table *t, const char **cols, size_t ncols);
void out_free(out_table *t);
/* Starts a row; then set its cells (unset cells are null). Exits on OOM. */
void out_row(out_table *t);
void out_str(out_table *t, size_t col, const char *s);
void out_int(out_table *t, size_t col, int64_t v);
void out_raw(out_table *t, size_t col, const char *json);

/* Renders; in JSON as an array of objects, or as one object when single. */
void out_print(FILE *f, const out_table *t, out_format fmt, int single);

/* Writes s as a JSON string literal. */
void out_json_string(FILE *f, const char *s, size_t len);

#endif
