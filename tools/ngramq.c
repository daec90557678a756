/* ngramq: the command-line interface, a thin layer over libngramq. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ngramq/ngramq.h"
#include "output.h"

#define MAX_INPUTS 4096

#ifdef NQ_WITH_JEMALLOC
/* jemalloc reads this at start-up. Memory freed by one phase of a build is
 * reused by the next when it asks within a second, and handed back to the
 * kernel after that. Never handing it back (decay -1) saved about 20 %
 * of the page faults but kept every phase's peak resident: 7.9 GB instead
 * of 4.5 GB for a 1 GB corpus, 580 MB instead of 420 MB for OrangeSum, for
 * no build time measurable on this machine (bench/RESULTS.md). */
const char *malloc_conf = "dirty_decay_ms:1000,muzzy_decay_ms:0";
#endif

static const char *usage_main =
    "usage: ngramq COMMAND [ARGS]\n"
    "\n"
    "Commands:\n"
    "  build INPUT... -o INDEX   index a corpus (JSONL, JSONL.zst, text files, directories, -)\n"
    "  info INDEX                corpus figures and index sections\n"
    "  count INDEX EXPR...       occurrences of expressions, by year, month or source\n"
    "  top INDEX -n N            most frequent n-grams\n"
    "  kwic INDEX EXPR           concordance lines from the original text\n"
    "  docs INDEX EXPR           documents that contain an expression\n"
    "  assoc INDEX A B           association of two expressions (counts and measures)\n"
    "  collocates INDEX A        the words that stand next to an expression\n"
    "  rank INDEX --actors F --topics F   actor x topic pairs ranked by a measure\n"
    "  tokenize INPUT...         show the tokens, sentences and paragraphs the index counts\n"
    "\n"
    "Run 'ngramq COMMAND --help' for a command's options. Version: ngramq --version\n";

static const char *usage_build =
    "usage: ngramq build INPUT... -o INDEX [options]\n"
    "\n"
    "INPUT is a .jsonl / .ndjson file (optionally .zst), a plain text file (one\n"
    "document), a directory (walked in byte-wise order of relative paths) or -\n"
    "for JSONL on standard input. JSONL fields: id date source title text.\n"
    "\n"
    "  -o, --output INDEX     index file to write (replaced atomically)\n"
    "  -t, --threads N        worker threads (default: all cores)\n"
    "  --max-n N              longest n-gram counted, 1..8 (default 5)\n"
    "  --min-count N          keep n-grams (n >= 2) seen at least N times (default 2)\n"
    "  --field NAME=KEY       read field NAME (id, date, source, title, text) from KEY\n"
    "  --input-format F       auto (default), jsonl or text\n"
    "  --strict               stop at the first bad record; no index is written\n"
    "  --no-positions         no positional postings (count of stored n-grams only, no kwic)\n"
    "  --no-text              do not store the documents' text (no kwic)\n"
    "  -q, --quiet            no progress line and no summary\n"
    "  --format json          also print the build's figures as JSON on stdout\n";

static const char *usage_info =
    "usage: ngramq info INDEX [--format table|tsv|csv|json]\n"
    "\n"
    "Corpus figures and each section's size and ratio to the text. info checks\n"
    "every section's checksum (queries check a section when they first read it).\n";
#define FILTER_HELP \
    "  --from DATE, --to DATE  only documents dated in [from, to] (YYYY, YYYY-MM or YYYY-MM-DD)\n" \
    "  --source NAME           only documents of this source (repeatable)\n"
#define EXPR_HELP \
    "EXPR is tokenized like the corpus: 'open source', alternatives with |\n" \
    "('IA | intelligence artificielle'), a trailing * for a prefix ('souverain*').\n"

static const char *usage_count =
    "usage: ngramq count INDEX EXPR... [--by year|month|source [--relative]] [filters] [--format F]\n"
    "\n"
    "Exact occurrences (positions where a phrase starts) and documents of each\n"
    "expression. " EXPR_HELP
    "  --by year|month|source  one row per slice, with the slice's tokens and documents\n"
    "  --relative              add occurrences per million tokens of the slice\n" FILTER_HELP;
static const char *usage_assoc =
    "usage: ngramq assoc INDEX A B [--scope S] [--measure NAME|all] [--by year|month|source] [filters] [--format F]\n"
    "\n"
    "How strongly two expressions go together (ASSOCIATION.md): the counts O11,\n"
    "f_a, f_b, N and E11 of the scope, and the measures computed from them.\n" EXPR_HELP
    "  --scope S               sentence (default), paragraph, document or window:K\n"
    "  --measure M             freq pmi npmi mi3 llr simple_ll chi2 tscore zscore dice\n"
    "                          logdice jaccard, or all (default); undefined: null / -\n"
    "  --by year|month|source  one row per slice, each a sub-corpus with its own N\n" FILTER_HELP;
static const char *usage_rank =
    "usage: ngramq rank INDEX --actors FILE --topics FILE [--scope sentence] [--measure llr]\n"
    "                   [--min-count 3] [--all] [--by year|month|source] [--matrix] [filters] [--format F]\n"
    "\n"
    "Every actor x topic pair ranked by the measure, with the counts behind each\n"
    "score; attraction only (O11 > E11) unless --all; ties by actor, then topic.\n"
    "Lexicon files: one entry a line, LABEL<TAB>variant | variant | ... (see\n"
    "data/lexicons/README.md; data/lexicons/actors-fr.tsv and topics-fr.tsv).\n"
    "  --matrix                the actor x topic grid of the measure instead\n" FILTER_HELP;
static const char *usage_collocates =
    "usage: ngramq collocates INDEX A [--scope window:K|sentence|paragraph|document] [--measure logdice]\n"
    "                         [-k 20] [--min-count 3] [--stopwords fr|none|FILE] [--all] [filters] [--format F]\n"
    "\n"
    "The words that stand next to A, ranked by the measure (default logdice) at the\n"
    "scope (default window:5), with the counts behind each score; attraction only\n"
    "(O11 > E11) unless --all; French function words left out unless --stopwords none.\n" FILTER_HELP;
static const char *usage_kwic =
    "usage: ngramq kwic INDEX EXPR [--width 60] [--limit 50] [--sample N --seed S]\n"
    "                   [--sort corpus|left|right|date] [filters] [--format F]\n"
    "\n"
    "Concordance: each match with WIDTH characters of context, from the stored text.\n" EXPR_HELP
    "  --sample N --seed S     N matches drawn at random (reproducible with the seed)\n" FILTER_HELP;
static const char *usage_docs =
    "usage: ngramq docs INDEX EXPR [-k 20] [filters] [--format F]\n"
    "\n"
    "The documents that contain EXPR, most occurrences first.\n" EXPR_HELP FILTER_HELP;
static const char *usage_top =
    "usage: ngramq top INDEX -n N [-k K] [--prefix WORDS] [filters] [--format table|tsv|csv|json]\n"
    "\n"
    "The K (default 20) most frequent n-grams of length N, ties in byte order.\n"
    "--prefix keeps those that begin with WORDS; a last word ending in '*'\n"
    "matches by prefix (--prefix 'souv*'). With a filter the sub-corpus is\n"
    "recounted from the postings (slower; any N up to 8).\n" FILTER_HELP;
static const char *usage_tokenize =
    "usage: ngramq tokenize INPUT... [--field NAME=KEY] [--input-format F] [--format json|tsv|csv|table]\n"
    "\n"
    "json (default): one line per document, {\"doc\", \"id\", \"paragraphs\"} where\n"
    "paragraphs is a list of sentences, each a list of tokens (normal forms).\n"
    "tsv, csv, table: one row per token: doc, paragraph, sentence, position,\n"
    "token (normal form), surface (as written).\n";

static int fail(const char *fmt, const char *arg)
{
    fputs("ngramq: ", stderr);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    return 2;
}

static int parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;
    errno = 0;
    if (!s || !*s || *s == '-')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

static int is_help(const char *a)
{
    return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

/* ---- build ---- */

typedef struct build_ui {
    int quiet;
    int progress;             /* stderr is a terminal */
    uint64_t shown[8];        /* diagnostics printed per kind */
    uint64_t hidden;
} build_ui;

static void on_diag(void *user, const nq_diag *d)
{
    build_ui *ui = user;
    unsigned k = (unsigned)d->kind < 8 ? (unsigned)d->kind : 0;
    if (ui->shown[k] >= 20) {
        ui->hidden++;
        return;
    }
    ui->shown[k]++;
    if (ui->progress)
        fputs("\r\033[K", stderr);
    if (d->kind == NQ_DIAG_INVALID_UTF8)
        fprintf(stderr, "ngramq: %s:%llu: %llu invalid UTF-8 sequence(s) replaced by U+FFFD\n", d->file,
                (unsigned long long)d->line, (unsigned long long)d->count);
    else
        fprintf(stderr, "ngramq: %s:%llu: %s%s\n", d->file, (unsigned long long)d->line, d->message,
                d->skipped ? " (skipped)" : "");
}

static void on_progress(void *user, const nq_progress *p)
{
    build_ui *ui = user;
    if (ui->quiet || !ui->progress)
        return;
    double mb = (double)p->bytes_read / 1e6, rate = p->seconds > 0 ? mb / p->seconds : 0;
    fprintf(stderr, "\r\033[K%llu documents, %.1f MB, %.1f MB/s", (unsigned long long)p->documents, mb, rate);
    if (p->bytes_total && rate > 0 && p->bytes_total > p->bytes_read)
        fprintf(stderr, ", ETA %.0f s", ((double)(p->bytes_total - p->bytes_read) / 1e6) / rate);
}

static int set_field(nq_field_names *f, const char *spec)
{
    const char *eq = strchr(spec, '=');
    if (!eq || !eq[1])
        return -1;
    size_t n = (size_t)(eq - spec);
    const char **slot = n == 2 && !strncmp(spec, "id", 2)       ? &f->id
                        : n == 4 && !strncmp(spec, "date", 4)   ? &f->date
                        : n == 6 && !strncmp(spec, "source", 6) ? &f->source
                        : n == 5 && !strncmp(spec, "title", 5)  ? &f->title
                        : n == 4 && !strncmp(spec, "text", 4)   ? &f->text
                                                                : NULL;
    if (!slot)
        return -1;
    *slot = eq + 1;
    return 0;
}

static int parse_input_format(const char *s, nq_input_format *f)
{
    if (!strcmp(s, "auto"))
        *f = NQ_INPUT_AUTO;
    else if (!strcmp(s, "jsonl"))
        *f = NQ_INPUT_JSONL;
    else if (!strcmp(s, "text"))
        *f = NQ_INPUT_TEXT;
    else
        return -1;
    return 0;
}

/* Options shared by build and tokenize; returns 1 if arg was consumed with
 * its value, 0 if not an option of these, -1 on a bad value. */
static int corpus_option(int argc, char **argv, int *i, nq_build_options *opt)
{
    const char *a = argv[*i];
    if (strcmp(a, "--field") && strcmp(a, "--input-format") && strcmp(a, "--strict"))
        return 0;
    if (!strcmp(a, "--strict")) {
        opt->strict = 1;
        return 1;
    }
    if (*i + 1 >= argc)
        return -1;
    const char *v = argv[++*i];
    if (!strcmp(a, "--field"))
        return set_field(&opt->fields, v) ? -1 : 1;
    return parse_input_format(v, &opt->input_format) ? -1 : 1;
}

static void print_summary(const nq_build_stats *s, const char *out, const build_ui *ui)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double mb = (double)s->bytes_read / 1e6;
    fprintf(stderr, "%s%s: %llu documents, %llu sentences, %llu paragraphs, %llu tokens, %llu types\n",
            ui->progress ? "\r\033[K" : "", out, (unsigned long long)s->documents,
            (unsigned long long)s->sentences, (unsigned long long)s->paragraphs,
            (unsigned long long)s->tokens, (unsigned long long)s->types);
    fputs("  n-grams stored:", stderr);
    for (int n = 1; n <= NQ_MAX_ORDER && (n == 1 || s->ngrams[n]); n++)
        fprintf(stderr, " %d:%llu", n, (unsigned long long)s->ngrams[n]);
    fputc('\n', stderr);
    fprintf(stderr, "  skipped records: %llu, bad dates: %llu, invalid UTF-8 replaced: %llu\n",
            (unsigned long long)s->records_skipped, (unsigned long long)s->bad_dates,
            (unsigned long long)s->replaced_sequences);
    if (ui->hidden)
        fprintf(stderr, "  (%llu more diagnostics not shown)\n", (unsigned long long)ui->hidden);
    fprintf(stderr, "  %.2f s (read+tokenize %.2f incl. text %.2f, lexicon %.2f, postings %.2f incl. "
            "co-occurrence %.2f, n-grams %.2f, write %.2f), %.1f MB/s\n",
            s->seconds, s->seconds_read_tokenize, s->seconds_text, s->seconds_lexicon, s->seconds_postings,
            s->seconds_cooc, s->seconds_count, s->seconds_write,
            s->seconds > 0 ? mb / s->seconds : 0.0);
    fprintf(stderr, "  peak memory %.1f MB, index %.3f MB (%.2f x the text)\n", (double)ru.ru_maxrss / 1024.0,
            (double)s->index_bytes / 1e6, s->text_bytes ? (double)s->index_bytes / (double)s->text_bytes : 0.0);
}

static void print_stats_json(const nq_build_stats *s, const char *out)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("{\"index\": ");
    out_json_string(stdout, out, strlen(out));
    printf(", \"documents\": %llu, \"sentences\": %llu, \"paragraphs\": %llu, \"tokens\": %llu, "
           "\"types\": %llu, \"ngrams\": {",
           (unsigned long long)s->documents, (unsigned long long)s->sentences, (unsigned long long)s->paragraphs,
           (unsigned long long)s->tokens, (unsigned long long)s->types);
    for (int n = 1; n <= NQ_MAX_ORDER && (n == 1 || s->ngrams[n]); n++)
        printf("%s\"%d\": %llu", n > 1 ? ", " : "", n, (unsigned long long)s->ngrams[n]);
    printf("}, \"records_skipped\": %llu, \"bad_dates\": %llu, \"replaced_sequences\": %llu, "
           "\"input_bytes\": %llu, \"text_bytes\": %llu, \"index_bytes\": %llu, \"seconds\": %.3f, "
           "\"seconds_read_tokenize\": %.3f, \"seconds_text\": %.3f, \"seconds_lexicon\": %.3f, "
           "\"seconds_postings\": %.3f, \"seconds_cooc\": %.3f, \"seconds_ngrams\": %.3f, "
           "\"seconds_write\": %.3f, \"peak_rss_bytes\": %llu}\n",
           (unsigned long long)s->records_skipped, (unsigned long long)s->bad_dates,
           (unsigned long long)s->replaced_sequences, (unsigned long long)s->bytes_read,
           (unsigned long long)s->text_bytes, (unsigned long long)s->index_bytes, s->seconds,
           s->seconds_read_tokenize, s->seconds_text, s->seconds_lexicon, s->seconds_postings, s->seconds_cooc,
           s->seconds_count, s->seconds_write, (unsigned long long)ru.ru_maxrss * 1024ull);
}

static int cmd_build(int argc, char **argv)
{
    nq_build_options opt;
    nq_build_options_init(&opt);
    build_ui ui = {0};
    out_format fmt = OUT_TABLE;
    const char *inputs[MAX_INPUTS], *out = NULL;
    size_t n_inputs = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        unsigned long long v;
        int r;
        if (is_help(a)) {
            fputs(usage_build, stdout);
            return 0;
        } else if ((r = corpus_option(argc, argv, &i, &opt)) != 0) {
            if (r < 0)
                return fail("bad value for %s (see ngramq build --help)", a);
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (++i >= argc)
                return fail("%s needs a path", a);
            out = argv[i];
        } else if (!strcmp(a, "-t") || !strcmp(a, "--threads")) {
            if (parse_uint(i + 1 < argc ? argv[++i] : NULL, 1024, &v) || v == 0)
                return fail("%s takes a number from 1 to 1024", a);
            opt.threads = (int)v;
        } else if (!strcmp(a, "--max-n")) {
            if (parse_uint(i + 1 < argc ? argv[++i] : NULL, NQ_MAX_ORDER, &v) || v == 0)
                return fail("%s takes a number from 1 to 8", a);
            opt.max_n = (int)v;
        } else if (!strcmp(a, "--min-count")) {
            if (parse_uint(i + 1 < argc ? argv[++i] : NULL, UINT32_MAX, &v) || v == 0)
                return fail("%s takes a number of at least 1", a);
            opt.min_count = (uint32_t)v;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            ui.quiet = 1;
        } else if (!strcmp(a, "--no-positions")) {
            opt.positions = 0;
        } else if (!strcmp(a, "--no-text")) {
            opt.store_text = 0;
        } else if (!strcmp(a, "--window")) {
            if (parse_uint(i + 1 < argc ? argv[++i] : NULL, 16, &v))
                return fail("%s takes a number from 0 to 16", a);
            opt.cooc_window = (uint32_t)v;
        } else if (!strcmp(a, "--cooc-min-count")) {
            if (parse_uint(i + 1 < argc ? argv[++i] : NULL, UINT32_MAX, &v) || v == 0)
                return fail("%s takes a number of at least 1", a);
            opt.cooc_min_count = (uint32_t)v;
        } else if (!strcmp(a, "--postings")) {
            const char *codec = ++i < argc ? argv[i] : "";
            if (strcmp(codec, "compact") && strcmp(codec, "fast"))
                return fail("%s", "--postings takes compact or fast");
            opt.postings_codec = strcmp(codec, "fast") ? NQ_POSTINGS_COMPACT : NQ_POSTINGS_FAST;
        } else if (!strcmp(a, "--format")) {
            if (++i >= argc || out_parse_format(argv[i], &fmt))
                return fail("%s", "--format takes table, tsv, csv or json");
        } else if (a[0] == '-' && a[1]) {
            return fail("unknown option %s (see ngramq build --help)", a);
        } else if (n_inputs < MAX_INPUTS) {
            inputs[n_inputs++] = a;
        } else {
            return fail("too many inputs (at most 4096; give a directory instead)%s", "");
        }
    }
    if (!n_inputs || !out)
        return fail("%s", n_inputs ? "no output: use -o INDEX" : "no input (see ngramq build --help)");
    ui.progress = !ui.quiet && isatty(STDERR_FILENO);
    opt.on_diag = on_diag;
    opt.on_progress = on_progress;
    opt.user = &ui;
    nq_build_stats stats;
    nq_error err = {0};
    if (nq_build(inputs, n_inputs, out, &opt, &stats, &err) != NQ_OK) {
        if (ui.progress)
            fputs("\r\033[K", stderr);
        return fail("%s", err.message);
    }
    if (!ui.quiet)
        print_summary(&stats, out, &ui);
    if (fmt == OUT_JSON)
        print_stats_json(&stats, out);
    return 0;
}

/* ---- queries ---- */

typedef struct query_args {
    const char *index;
    out_format fmt;
    const char *rest[MAX_INPUTS]; /* positional arguments after INDEX */
    size_t n_rest;
    unsigned long long n, k;
    const char *prefix;
    nq_filter filter;
    const char *sources[64];
    const char *by;
    int relative;
    nq_kwic_options kwic;
    int limit_given;
    nq_scope scope;
    const char *measure;       /* a name, or "all" */
    unsigned long long min_count;
    int min_count_given, all, matrix;
    const char *actors, *topics, *stopwords;
} query_args;

static int parse_sort(const char *s, nq_kwic_sort *out)
{
    static const char *names[] = {"corpus", "left", "right", "date"};
    for (int i = 0; i < 4; i++)
        if (!strcmp(s, names[i])) {
            *out = (nq_kwic_sort)i;
            return 0;
        }
    return -1;
}

/* Options with a value that filter or shape a query; 1 consumed, 0 not
 * one of these, -1 bad value (message printed). */
static int query_option(const char *a, const char *v, query_args *q)
{
    unsigned long long x;
    nq_error err = {0};
    if (!strcmp(a, "--from") || !strcmp(a, "--to")) {
        if (nq_parse_date_bound(v, a[2] == 't', a[2] == 't' ? &q->filter.date_to : &q->filter.date_from, &err))
            return fail("%s", err.message), -1;
    } else if (!strcmp(a, "--source")) {
        if (q->filter.n_sources >= 64)
            return fail("%s", "at most 64 --source options"), -1;
        q->sources[q->filter.n_sources++] = v;
        q->filter.sources = q->sources;
    } else if (!strcmp(a, "--by")) {
        if (strcmp(v, "year") && strcmp(v, "month") && strcmp(v, "source"))
            return fail("--by takes year, month or source, not %s", v), -1;
        q->by = v;
    } else if (!strcmp(a, "--width") || !strcmp(a, "--limit") || !strcmp(a, "--sample") || !strcmp(a, "--seed")) {
        if (parse_uint(v, a[3] == 'e' ? UINT64_MAX : 100000000ull, &x))
            return fail("%s takes a non-negative number", a), -1;
        if (a[2] == 'w')
            q->kwic.width = (size_t)x;
        else if (a[2] == 'l')
            q->kwic.limit = (size_t)x, q->limit_given = 1;
        else if (a[3] == 'a')
            q->kwic.sample = (size_t)x;
        else
            q->kwic.seed = x;
    } else if (!strcmp(a, "--sort")) {
        if (parse_sort(v, &q->kwic.sort))
            return fail("--sort takes corpus, left, right or date, not %s", v), -1;
    } else if (!strcmp(a, "--scope")) {
        if (nq_parse_scope(v, &q->scope, &err))
            return fail("%s", err.message), -1;
    } else if (!strcmp(a, "--measure")) {
        nq_measure m;
        if (strcmp(v, "all") && nq_measure_parse(v, &m))
            return fail("unknown measure %s: freq pmi npmi mi3 llr simple_ll chi2 tscore zscore dice logdice "
                        "jaccard, or all", v), -1;
        q->measure = v;
    } else if (!strcmp(a, "--min-count")) {
        if (parse_uint(v, UINT32_MAX, &x))
            return fail("%s takes a number", a), -1;
        q->min_count = x;
        q->min_count_given = 1;
    } else if (!strcmp(a, "--actors") || !strcmp(a, "--topics") || !strcmp(a, "--stopwords")) {
        *(a[2] == 'a' ? &q->actors : a[2] == 't' ? &q->topics : &q->stopwords) = v;
    } else {
        return 0;
    }
    return 1;
}

static int takes_value(const char *a)
{
    static const char *opts[] = {"--format", "-n",      "-k",      "--prefix", "--from",   "--to",
                                 "--source", "--by",    "--width", "--limit",  "--sample", "--seed",
                                 "--sort",   "--scope", "--measure", "--min-count", "--actors", "--topics",
                                 "--stopwords"};
    for (size_t i = 0; i < sizeof opts / sizeof *opts; i++)
        if (!strcmp(a, opts[i]))
            return 1;
    return 0;
}

/* Parses INDEX, positionals and the query options; returns -1 after
 * printing the usage (help, exit 0) or an error (exit 2) in *code. */
static int parse_query(int argc, char **argv, const char *usage, query_args *q, int *code)
{
    q->fmt = out_default_format();
    q->k = 20;
    nq_kwic_options_init(&q->kwic);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (is_help(a)) {
            fputs(usage, stdout);
            *code = 0;
            return -1;
        }
        int has_value = takes_value(a), r;
        if (has_value && i + 1 >= argc) {
            *code = fail("%s needs a value", a);
            return -1;
        }
        if (!strcmp(a, "--format")) {
            if (out_parse_format(argv[++i], &q->fmt)) {
                *code = fail("unknown format %s: use table, tsv, csv or json", argv[i]);
                return -1;
            }
        } else if (!strcmp(a, "-n") || !strcmp(a, "-k")) {
            if (parse_uint(argv[++i], 1000000000ull, a[1] == 'n' ? &q->n : &q->k)) {
                *code = fail("%s takes a positive number", a);
                return -1;
            }
        } else if (!strcmp(a, "--prefix")) {
            q->prefix = argv[++i];
        } else if (has_value && (r = query_option(a, argv[i + 1], q)) != 0) {
            i++;
            if (r < 0) {
                *code = 2;
                return -1;
            }
        } else if (!strcmp(a, "--relative")) {
            q->relative = 1;
        } else if (!strcmp(a, "--all")) {
            q->all = 1;
        } else if (!strcmp(a, "--matrix")) {
            q->matrix = 1;
        } else if (a[0] == '-' && a[1] && a[1] != ' ' && strcmp(a, "--") != 0 && !q->index) {
            *code = fail("unknown option %s", a);
            return -1;
        } else if (!q->index) {
            q->index = a;
        } else if (q->n_rest < MAX_INPUTS) {
            q->rest[q->n_rest++] = a;
        }
    }
    if (!q->index) {
        fputs(usage, stderr);
        *code = 2;
        return -1;
    }
    return 0;
}

static nq_index *open_index(const char *path)
{
    nq_index *ix;
    nq_error err = {0};
    if (nq_index_open(path, &ix, &err) != NQ_OK) {
        fail("%s", err.message);
        return NULL;
    }
    return ix;
}

static void format_date(uint32_t d, char *buf, size_t cap)
{
    if (!d)
        snprintf(buf, cap, "null");
    else if (d % 10000 == 0)
        snprintf(buf, cap, "\"%04u\"", d / 10000);
    else if (d % 100 == 0)
        snprintf(buf, cap, "\"%04u-%02u\"", d / 10000, d / 100 % 100);
    else
        snprintf(buf, cap, "\"%04u-%02u-%02u\"", d / 10000, d / 100 % 100, d % 100);
}

static char *strip_quotes(char *s)
{
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '"') {
        memmove(s, s + 1, n - 2);
        s[n - 2] = 0;
    }
    return s;
}

static void info_json(const nq_index_info *in)
{
    char dmin[16], dmax[16];
    format_date(in->date_min, dmin, sizeof dmin);
    format_date(in->date_max, dmax, sizeof dmax);
    printf("{\"documents\": %llu, \"sentences\": %llu, \"paragraphs\": %llu, \"tokens\": %llu, "
           "\"types\": %llu, \"tokenizer\": \"%s\", \"ngrams\": {",
           (unsigned long long)in->documents, (unsigned long long)in->sentences,
           (unsigned long long)in->paragraphs, (unsigned long long)in->tokens,
           (unsigned long long)in->types, in->tokenizer);
    for (int n = 1; n <= in->max_n; n++)
        printf("%s\"%d\": %llu", n > 1 ? ", " : "", n, (unsigned long long)in->ngrams[n]);
    printf("}, \"max_n\": %d, \"min_count\": %u, \"sources\": %llu, \"dated_documents\": %llu, "
           "\"date_min\": %s, \"date_max\": %s, \"text_bytes\": %llu, \"index_bytes\": %llu, "
           "\"format_version\": %u, \"postings\": \"%s\", \"sections\": [",
           in->max_n, in->min_count, (unsigned long long)in->sources, (unsigned long long)in->dated_documents,
           dmin, dmax, (unsigned long long)in->text_bytes, (unsigned long long)in->file_bytes,
           in->format_version, in->postings_codec);
    for (size_t i = 0; i < in->n_sections; i++)
        printf("%s{\"name\": \"%s\", \"bytes\": %llu, \"raw_bytes\": %llu, \"ratio_to_text\": %.4f}",
               i ? ", " : "", in->sections[i].name, (unsigned long long)in->sections[i].bytes,
               (unsigned long long)in->sections[i].raw_bytes,
               in->text_bytes ? (double)in->sections[i].bytes / (double)in->text_bytes : 0.0);
    printf("]}\n");
}

static void info_rows(const nq_index_info *in, out_format fmt)
{
    static const char *cols[] = {"key", "value"};
    out_table t;
    out_init(&t, cols, 2);
    char key[64], val[64];
#define ROW(k, v) (snprintf(val, sizeof val, "%llu", (unsigned long long)(v)), out_row(&t), out_str(&t, 0, k), \
                   out_str(&t, 1, val))
    ROW("documents", in->documents);
    ROW("sentences", in->sentences);
    ROW("paragraphs", in->paragraphs);
    ROW("tokens", in->tokens);
    ROW("types", in->types);
    out_row(&t), out_str(&t, 0, "tokenizer"), out_str(&t, 1, in->tokenizer);
    for (int n = 1; n <= in->max_n; n++) {
        snprintf(key, sizeof key, "ngrams.%d", n);
        ROW(key, in->ngrams[n]);
    }
    ROW("max_n", in->max_n);
    ROW("min_count", in->min_count);
    ROW("sources", in->sources);
    ROW("dated_documents", in->dated_documents);
    format_date(in->date_min, val, sizeof val);
    out_row(&t), out_str(&t, 0, "date_min"), out_str(&t, 1, strip_quotes(val));
    format_date(in->date_max, val, sizeof val);
    out_row(&t), out_str(&t, 0, "date_max"), out_str(&t, 1, strip_quotes(val));
    out_row(&t), out_str(&t, 0, "postings"), out_str(&t, 1, in->postings_codec);
    ROW("text_bytes", in->text_bytes);
    ROW("index_bytes", in->file_bytes);
    for (size_t i = 0; i < in->n_sections; i++) {
        snprintf(key, sizeof key, "section.%s", in->sections[i].name);
        snprintf(val, sizeof val, "%llu bytes (%.3f of the text)", (unsigned long long)in->sections[i].bytes,
                 in->text_bytes ? (double)in->sections[i].bytes / (double)in->text_bytes : 0.0);
        out_row(&t), out_str(&t, 0, key), out_str(&t, 1, val);
    }
#undef ROW
    out_print(stdout, &t, fmt, 0);
    out_free(&t);
}

static int cmd_info(int argc, char **argv)
{
    query_args q = {0};
    int code;
    if (parse_query(argc, argv, usage_info, &q, &code))
        return code;
    nq_index *ix = open_index(q.index);
    if (!ix)
        return 1;
    nq_error err = {0};
    if (nq_index_verify(ix, &err) != NQ_OK) { /* info vouches for every byte */
        nq_index_close(ix);
        fail("%s", err.message);
        return 1;
    }
    nq_index_info in;
    nq_index_get_info(ix, &in);
    if (q.fmt == OUT_JSON)
        info_json(&in);
    else
        info_rows(&in, q.fmt);
    nq_index_close(ix);
    return 0;
}

static void count_row(out_table *t, const char *expr, const nq_count_result *r, uint32_t min_count,
                      out_format fmt)
{
    char note[160];
    out_row(t);
    out_str(t, 0, expr);
    if (!r->exact && fmt == OUT_JSON)
        out_raw(t, 1, "null"); /* an explicit null: the count is unknown, not absent */
    if (r->exact) {
        out_int(t, 1, (int64_t)r->count);
        if (r->documents >= 0)
            out_int(t, 2, r->documents);
        return;
    }
    if (r->below) {
        out_int(t, 3, (int64_t)r->below);
        snprintf(note, sizeof note, "not stored: seen fewer than %llu times (n-grams below --min-count %u are not kept)",
                 (unsigned long long)r->below, min_count);
    } else {
        out_int(t, 4, (int64_t)r->upper_bound);
        snprintf(note, sizeof note, "longer than the stored n-grams: at most %llu (exact counts come with the positional index)",
                 (unsigned long long)r->upper_bound);
    }
    out_str(t, 5, note);
}

static nq_slice_by slice_kind(const char *by)
{
    return !strcmp(by, "year") ? NQ_BY_YEAR : !strcmp(by, "month") ? NQ_BY_MONTH : NQ_BY_SOURCE;
}

static void per_million(out_table *t, size_t col, uint64_t count, uint64_t tokens)
{
    char buf[64];
    if (!tokens)
        return; /* null: no tokens, no rate */
    snprintf(buf, sizeof buf, "%.4f", (double)count * 1e6 / (double)tokens);
    out_raw(t, col, buf);
}

/* count --by: one row per slice. */
static int count_slices(nq_index *ix, const query_args *q)
{
    static const char *cols[] = {"expr", "slice", "count", "documents", "slice_tokens", "slice_documents",
                                 "per_million"};
    out_table t;
    out_init(&t, cols, q->relative ? 7 : 6);
    int status = 0;
    for (size_t i = 0; i < q->n_rest; i++) {
        nq_slices sl;
        nq_error err = {0};
        if (nq_count_by(ix, q->rest[i], strlen(q->rest[i]), &q->filter, slice_kind(q->by), &sl, &err) != NQ_OK) {
            fail("%s", err.message);
            status = 1;
            continue;
        }
        for (size_t k = 0; k < sl.n_rows; k++) {
            const nq_slice_row *r = &sl.rows[k];
            out_row(&t);
            out_str(&t, 0, q->rest[i]);
            if (r->label)
                out_str(&t, 1, r->label);
            out_int(&t, 2, (int64_t)r->count);
            out_int(&t, 3, (int64_t)r->documents);
            out_int(&t, 4, (int64_t)r->slice_tokens);
            out_int(&t, 5, (int64_t)r->slice_documents);
            if (q->relative)
                per_million(&t, 6, r->count, r->slice_tokens);
        }
        nq_slices_free(&sl);
    }
    out_print(stdout, &t, q->fmt, 0);
    out_free(&t);
    return status;
}

static int cmd_count(int argc, char **argv)
{
    query_args q = {0};
    int code;
    if (parse_query(argc, argv, usage_count, &q, &code))
        return code;
    if (!q.n_rest)
        return fail("%s", "no expression to count (see ngramq count --help)");
    nq_index *ix = open_index(q.index);
    if (!ix)
        return 1;
    if (q.by) {
        int st = count_slices(ix, &q);
        nq_index_close(ix);
        return st;
    }
    nq_index_info in;
    nq_index_get_info(ix, &in);
    static const char *cols[] = {"expr", "count", "documents", "below", "upper_bound", "note", "per_million"};
    out_table t;
    out_init(&t, cols, q.relative ? 7 : 6);
    t.hide_in_table = (1u << 3) | (1u << 4); /* the note says it in words */
    if (q.fmt == OUT_JSON)
        t.omit_null = 1;
    int status = 0;
    uint64_t sub_tokens = 0, sub_docs = 0;
    nq_error ferr = {0};
    if (q.relative && nq_filter_size(ix, &q.filter, &sub_tokens, &sub_docs, &ferr) != NQ_OK) {
        nq_index_close(ix);
        out_free(&t);
        return fail("%s", ferr.message);
    }
    for (size_t i = 0; i < q.n_rest; i++) {
        nq_count_result r;
        nq_error err = {0};
        if (nq_count(ix, q.rest[i], strlen(q.rest[i]), &q.filter, &r, &err) != NQ_OK) {
            fail("%s", err.message);
            status = 1;
            continue;
        }
        count_row(&t, q.rest[i], &r, in.min_count, q.fmt);
        if (q.relative && r.exact)
            per_million(&t, 6, r.count, sub_tokens);
    }
    out_print(stdout, &t, q.fmt, 0);
    out_free(&t);
    nq_index_close(ix);
    return status;
}

static void scope_text(const nq_scope *sc, char *buf, size_t cap)
{
    static const char *names[] = {"?", "sentence", "paragraph", "document"};
    if (sc->kind == NQ_SCOPE_WINDOW)
        snprintf(buf, cap, "window:%u", sc->window);
    else
        snprintf(buf, cap, "%s", names[sc->kind <= NQ_SCOPE_DOCUMENT ? sc->kind : 0]);
}

static void number_cell(out_table *t, size_t col, double v)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.10g", v);
    out_raw(t, col, buf);
}

/* The columns of an association: counts, E11, then the measures asked for
 * (one, or all), from column `at`. Undefined values stay null. */
static void assoc_cells(out_table *t, size_t at, const nq_assoc_counts *c, const char *measure)
{
    out_int(t, at, (int64_t)c->o11);
    out_int(t, at + 1, (int64_t)c->f_a);
    out_int(t, at + 2, (int64_t)c->f_b);
    out_int(t, at + 3, (int64_t)c->n);
    int defined;
    double e11 = nq_assoc_expected(c, &defined);
    if (defined)
        number_cell(t, at + 4, e11);
    size_t col = at + 5;
    for (int m = 0; m < NQ_M_COUNT; m++) {
        if (strcmp(measure, "all") && strcmp(measure, nq_measure_name((nq_measure)m)))
            continue;
        double v;
        if (nq_measure_value(c, (nq_measure)m, &v))
            number_cell(t, col, v);
        col++;
    }
}

/* Column names: fixed ones, then the counts and the measures. */
static size_t assoc_columns(const char **cols, size_t n_fixed, const char *measure)
{
    static const char *counts[] = {"O11", "f_a", "f_b", "N", "E11"};
    size_t n = n_fixed;
    for (size_t i = 0; i < 5; i++)
        cols[n++] = counts[i];
    for (int m = 0; m < NQ_M_COUNT; m++)
        if (!strcmp(measure, "all") || !strcmp(measure, nq_measure_name((nq_measure)m)))
            cols[n++] = nq_measure_name((nq_measure)m);
    return n;
}

static int cmd_assoc(int argc, char **argv)
{
    query_args q = {0};
    int code;
    if (parse_query(argc, argv, usage_assoc, &q, &code))
        return code;
    if (q.n_rest != 2)
        return fail("%s", "assoc takes two expressions, A and B (see ngramq assoc --help)");
    if (!q.scope.kind)
        q.scope.kind = NQ_SCOPE_SENTENCE;
    const char *measure = q.measure ? q.measure : "all";
    nq_index *ix = open_index(q.index);
    if (!ix)
        return 1;
    const char *cols[32] = {"a", "b", "scope", "slice"};
    size_t fixed = q.by ? 4 : 3, ncols = assoc_columns(cols, fixed, measure);
    out_table t;
    out_init(&t, cols, ncols);
    char scope[32];
    scope_text(&q.scope, scope, sizeof scope);
    nq_error err = {0};
    int status = 0;
    const char *a = q.rest[0], *b = q.rest[1];
    if (q.by) {
        nq_assoc_slices sl;
        if (nq_assoc_by(ix, a, strlen(a), b, strlen(b), &q.scope, &q.filter, slice_kind(q.by), &sl, &err)) {
            status = fail("%s", err.message);
        } else {
            for (size_t k = 0; k < sl.slices.n_rows; k++) {
                out_row(&t);
                out_str(&t, 0, a), out_str(&t, 1, b), out_str(&t, 2, scope);
                if (sl.slices.rows[k].label)
                    out_str(&t, 3, sl.slices.rows[k].label);
                assoc_cells(&t, fixed, &sl.counts[k], measure);
            }
            nq_assoc_slices_free(&sl);
        }
    } else {
        nq_assoc_counts c;
        if (nq_assoc(ix, a, strlen(a), b, strlen(b), &q.scope, &q.filter, &c, &err)) {
            status = fail("%s", err.message);
        } else {
            out_row(&t);
            out_str(&t, 0, a), out_str(&t, 1, b), out_str(&t, 2, scope);
            assoc_cells(&t, fixed, &c, measure);
        }
    }
    if (!status)
        out_print(stdout, &t, q.fmt, !q.by);
    out_free(&t);
    nq_index_close(ix);
    return status;
}

static int load_lexicon(const char *path, const char *what, nq_lexfile *l, const char ***labels, const char ***exprs)
{
    nq_error err = {0};
    if (!path)
        return fail("rank needs %s FILE (see ngramq rank --help)", what);
    if (nq_lexfile_load(path, l, &err))
        return fail("%s", err.message);
    *labels = calloc(l->n ? l->n : 1, sizeof **labels);
    *exprs = calloc(l->n ? l->n : 1, sizeof **exprs);
    if (!*labels || !*exprs)
        return fail("%s", "out of memory");
    for (size_t i = 0; i < l->n; i++) {
        (*labels)[i] = l->entries[i].label;
        (*exprs)[i] = l->entries[i].expr;
    }
    return 0;
}

static void rank_rows(const nq_rank_result *r, const char **al, const char **tl, const nq_rank_options *o,
                      const char *scope, out_format fmt)
{
    const char *cols[32] = {"actor", "topic", "scope", "slice"};
    size_t fixed = o->by ? 4 : 3;
    const char *measure = nq_measure_name(o->measure);
    size_t ncols = assoc_columns(cols, fixed, measure);
    out_table t;
    out_init(&t, cols, ncols);
    for (size_t i = 0; i < r->n_rows; i++) {
        const nq_rank_row *row = &r->rows[i];
        out_row(&t);
        out_str(&t, 0, al[row->actor]), out_str(&t, 1, tl[row->topic]), out_str(&t, 2, scope);
        if (o->by && r->slices.rows[row->slice].label)
            out_str(&t, 3, r->slices.rows[row->slice].label);
        assoc_cells(&t, fixed, &row->counts, measure);
    }
    out_print(stdout, &t, fmt, 0);
    out_free(&t);
}

/* The grid: one row per actor, one column per topic, the measure in cells. */
static void rank_matrix(const nq_rank_result *r, const char **al, size_t na, const char **tl, size_t nt,
                        const nq_rank_options *o, out_format fmt)
{
    const char **cols = calloc(nt + 1, sizeof *cols);
    if (!cols)
        return;
    cols[0] = "actor";
    for (size_t j = 0; j < nt; j++)
        cols[j + 1] = tl[j];
    out_table t;
    out_init(&t, cols, nt + 1);
    for (size_t i = 0; i < na; i++) {
        out_row(&t);
        out_str(&t, 0, al[i]);
        for (size_t j = 0; j < nt; j++) {
            double v;
            if (nq_measure_value(&r->cells[i * nt + j], o->measure, &v))
                number_cell(&t, j + 1, v);
        }
    }
    out_print(stdout, &t, fmt, 0);
    out_free(&t);
    free(cols);
}

static int cmd_rank(int argc, char **argv)
{
    query_args q = {0};
    int code;
    if (parse_query(argc, argv, usage_rank, &q, &code))
        return code;
    nq_rank_options o;
    nq_rank_options_init(&o);
    if (q.scope.kind)
        o.scope = q.scope;
    if (q.measure && (!strcmp(q.measure, "all") || nq_measure_parse(q.measure, &o.measure)))
        return fail("%s", "rank takes one --measure (default llr)");
    if (q.min_count_given)
        o.min_count = q.min_count;
    o.all = q.all;
    if (q.by)
        o.by = slice_kind(q.by);
    if (q.matrix && q.by)
        return fail("%s", "--matrix shows the whole (filtered) corpus: use it without --by");
    nq_lexfile actors = {0}, topics = {0};
    const char **al = NULL, **ae = NULL, **tl = NULL, **te = NULL;
    int status = load_lexicon(q.actors, "--actors", &actors, &al, &ae);
    if (!status)
        status = load_lexicon(q.topics, "--topics", &topics, &tl, &te);
    nq_index *ix = status ? NULL : open_index(q.index);
    if (!status && !ix)
        status = 1;
    nq_rank_result r;
    nq_error err = {0};
    if (!status && nq_rank(ix, al, ae, actors.n, tl, te, topics.n, &q.filter, &o, &r, &err) != NQ_OK)
        status = fail("%s", err.message);
    else if (!status) {
        char scope[32];
        scope_text(&o.scope, scope, sizeof scope);
        if (q.matrix)
            rank_matrix(&r, al, actors.n, tl, topics.n, &o, q.fmt);
        else
            rank_rows(&r, al, tl, &o, scope, q.fmt);
        nq_rank_result_free(&r);
    }
    if (ix)
        nq_index_close(ix);
    free(al), free(ae), free(tl), free(te);
    nq_lexfile_free(&actors);
    nq_lexfile_free(&topics);
    return status;
}

static int cmd_collocates(int argc, char **argv)
{
    query_args q = {0};
    int code;
    if (parse_query(argc, argv, usage_collocates, &q, &code))
        return code;
    if (q.n_rest != 1)
        return fail("%s", "collocates takes one expression (see ngramq collocates --help)");
    nq_colloc_options o;
    nq_colloc_options_init(&o);
    if (q.scope.kind)
        o.scope = q.scope;
    if (q.measure && (!strcmp(q.measure, "all") || nq_measure_parse(q.measure, &o.measure)))
        return fail("%s", "collocates takes one --measure (default logdice)");
    if (q.min_count_given)
        o.min_count = q.min_count;
    o.all = q.all;
    o.k = (size_t)q.k;
    if (q.stopwords)
        o.stopwords = q.stopwords;
    nq_index *ix = open_index(q.index);
    if (!ix)
        return 1;
    nq_colloc_result r;
    nq_error err = {0};
    if (nq_collocates(ix, q.rest[0], strlen(q.rest[0]), &q.filter, &o, &r, &err) != NQ_OK) {
        nq_index_close(ix);
        return fail("%s", err.message);
    }
    const char *cols[32] = {"term", "scope"};
    const char *measure = nq_measure_name(o.measure);
    size_t ncols = assoc_columns(cols, 2, measure);
    char scope[32];
    scope_text(&o.scope, scope, sizeof scope);
    out_table t;
    out_init(&t, cols, ncols);
    for (size_t i = 0; i < r.n_rows; i++) {
        out_row(&t);
        out_str(&t, 0, r.rows[i].term);
        out_str(&t, 1, scope);
        assoc_cells(&t, 2, &r.rows[i].counts, measure);
    }
    out_print(stdout, &t, q.fmt, 0);
    out_free(&t);
    nq_colloc_result_free(&r);
    nq_index_close(ix);
    return 0;
}

/* Date as shown in rows: YYYY-MM-DD, or shorter when partly unknown. */
static void date_cell(out_table *t, size_t col, uint32_t date)
{
    char buf[16];
    format_date(date, buf, sizeof buf);
    if (date)
        out_str(t, col, strip_quotes(buf));
}

static void doc_cells(out_table *t, const nq_doc_info *d, size_t id_col, size_t date_col, size_t src_col)
{
    char *id = strndup(d->id, d->id_len);
    out_str(t, id_col, id ? id : "");
    free(id);
    date_cell(t, date_col, d->date);
    if (d->source) {
        char *src = strndup(d->source, d->source_len);
        out_str(t, src_col, src ? src : "");
        free(src);
    }
}

static int cmd_docs(int argc, char **argv)
{
    query_args q = {0};
    int code;
    if (parse_query(argc, argv, usage_docs, &q, &code))
        return code;
    if (q.n_rest != 1)
        return fail("%s", "docs takes one expression (see ngramq docs --help)");
    nq_index *ix = open_index(q.index);
    if (!ix)
        return 1;
    nq_doc_hit *hits;
    size_t n;
    uint64_t total;
    nq_error err = {0};
    if (nq_docs(ix, q.rest[0], strlen(q.rest[0]), &q.filter, (size_t)q.k, &hits, &n, &total, &err) != NQ_OK) {
        nq_index_close(ix);
        return fail("%s", err.message);
    }
    static const char *cols[] = {"id", "date", "source", "title", "count"};
    out_table t;
    out_init(&t, cols, 5);
    int status = 0;
    for (size_t i = 0; i < n && !status; i++) {
        nq_doc_info d;
        if (nq_index_doc(ix, hits[i].doc, &d, &err) != NQ_OK) {
            status = fail("%s", err.message);
            break;
        }
        out_row(&t);
        doc_cells(&t, &d, 0, 1, 2);
        if (d.title) {
            char *title = strndup(d.title, d.title_len);
            out_str(&t, 3, title ? title : "");
            free(title);
        }
        out_int(&t, 4, (int64_t)hits[i].count);
    }
    if (!status)
        out_print(stdout, &t, q.fmt, 0);
    if (!status && q.fmt == OUT_TABLE && isatty(STDERR_FILENO))
        fprintf(stderr, "%zu of %llu documents\n", n, (unsigned long long)total);
    out_free(&t);
    free(hits);
    nq_index_close(ix);
    return status;
}

/* Display width in characters of a UTF-8 string (code points). */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* The concordance as a terminal shows it: left context right-aligned, the
 * match highlighted, right context. */
static void kwic_table(nq_index *ix, const nq_kwic_result *r, size_t width)
{
    int color = isatty(STDOUT_FILENO);
    for (size_t i = 0; i < r->n_lines; i++) {
        const nq_kwic_line *l = &r->lines[i];
        nq_doc_info d;
        nq_error err = {0};
        if (nq_index_doc(ix, l->doc, &d, &err) != NQ_OK)
            continue;
        char date[16];
        format_date(d.date, date, sizeof date);
        printf("%-10.10s %-12.*s ", d.date ? strip_quotes(date) : "-", (int)(d.id_len > 12 ? 12 : d.id_len), d.id);
        for (size_t pad = utf8_chars(l->left); pad < width; pad++)
            putchar(' ');
        printf("%s%s%s%s%s\n", l->left, color ? "\033[1;31m" : "[", l->match, color ? "\033[0m" : "]", l->right);
    }
}

static int cmd_kwic(int argc, char **argv)
{
    query_args q = {0};
    int code;
    if (parse_query(argc, argv, usage_kwic, &q, &code))
        return code;
    if (q.n_rest != 1)
        return fail("%s", "kwic takes one expression (see ngramq kwic --help)");
    if (q.kwic.sample && !q.limit_given)
        q.kwic.limit = q.kwic.sample;
    nq_index *ix = open_index(q.index);
    if (!ix)
        return 1;
    nq_kwic_result res;
    nq_error err = {0};
    if (nq_kwic(ix, q.rest[0], strlen(q.rest[0]), &q.filter, &q.kwic, &res, &err) != NQ_OK) {
        nq_index_close(ix);
        return fail("%s", err.message);
    }
    int status = 0;
    if (q.fmt == OUT_TABLE) {
        kwic_table(ix, &res, q.kwic.width);
    } else {
        static const char *cols[] = {"doc", "date", "source", "left", "match", "right", "position"};
        out_table t;
        out_init(&t, cols, 7);
        for (size_t i = 0; i < res.n_lines && !status; i++) {
            const nq_kwic_line *l = &res.lines[i];
            nq_doc_info d;
            if (nq_index_doc(ix, l->doc, &d, &err) != NQ_OK) {
                status = fail("%s", err.message);
                break;
            }
            out_row(&t);
            doc_cells(&t, &d, 0, 1, 2);
            out_str(&t, 3, l->left);
            out_str(&t, 4, l->match);
            out_str(&t, 5, l->right);
            out_int(&t, 6, l->position);
        }
        if (!status)
            out_print(stdout, &t, q.fmt, 0);
        out_free(&t);
    }
    nq_kwic_result_free(&res);
    nq_index_close(ix);
    return status;
}

static int cmd_top(int argc, char **argv)
{
    query_args q = {0};
    int code;
    if (parse_query(argc, argv, usage_top, &q, &code))
        return code;
    if (!q.n)
        return fail("%s", "top needs -n N (see ngramq top --help)");
    nq_index *ix = open_index(q.index);
    if (!ix)
        return 1;
    nq_top_result res;
    nq_error err = {0};
    if (nq_top(ix, (int)(q.n > INT_MAX ? INT_MAX : q.n), (size_t)q.k, q.prefix, &q.filter, &res, &err) != NQ_OK) {
        nq_index_close(ix);
        return fail("%s", err.message);
    }
    static const char *cols[] = {"ngram", "count", "documents"};
    out_table t;
    out_init(&t, cols, 3);
    for (size_t i = 0; i < res.n_rows; i++) {
        out_row(&t);
        out_str(&t, 0, res.rows[i].ngram);
        out_int(&t, 1, (int64_t)res.rows[i].count);
        out_int(&t, 2, (int64_t)res.rows[i].documents);
    }
    out_print(stdout, &t, q.fmt, 0);
    out_free(&t);
    nq_top_result_free(&res);
    nq_index_close(ix);
    return 0;
}

/* ---- tokenize ---- */

static int print_tokenized(void *user, const nq_tokenized_doc *d)
{
    (void)user;
    printf("{\"doc\": %llu, \"id\": ", (unsigned long long)d->index);
    out_json_string(stdout, d->id, d->id_len);
    fputs(", \"paragraphs\": [", stdout);
    for (size_t i = 0; i < d->n_tokens; i++) {
        const nq_token_view *t = &d->tokens[i];
        int new_para = i == 0 || t->paragraph != d->tokens[i - 1].paragraph;
        int new_sent = i == 0 || t->sentence != d->tokens[i - 1].sentence;
        if (i && new_para)
            fputs("]], ", stdout);
        else if (i && new_sent)
            fputs("], ", stdout);
        else if (i)
            fputs(", ", stdout);
        if (new_para)
            fputs("[[", stdout);
        else if (new_sent)
            fputs("[", stdout);
        out_json_string(stdout, t->norm, t->norm_len);
    }
    fputs(d->n_tokens ? "]]]}\n" : "]}\n", stdout);
    return 0;
}

/* One token a row, streamed (a corpus can be large). */
static void put_field(const char *s, size_t n, out_format fmt)
{
    int quote = fmt == OUT_CSV && memchr(s, '"', n) != NULL;
    quote |= fmt == OUT_CSV && (memchr(s, ',', n) != NULL || memchr(s, '\n', n) != NULL);
    if (quote)
        fputc('"', stdout);
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (quote && ch == '"')
            fputc('"', stdout);
        fputc(fmt != OUT_CSV && (ch == '\t' || ch == '\n' || ch == '\r') ? ' ' : ch, stdout);
    }
    if (quote)
        fputc('"', stdout);
}

static int print_token_rows(void *user, const nq_tokenized_doc *d)
{
    out_format fmt = *(const out_format *)user;
    char sep = fmt == OUT_CSV ? ',' : '\t';
    for (size_t i = 0; i < d->n_tokens; i++) {
        const nq_token_view *t = &d->tokens[i];
        printf("%llu%c%u%c%u%c%zu%c", (unsigned long long)d->index, sep, t->paragraph, sep, t->sentence, sep, i, sep);
        put_field(t->norm, t->norm_len, fmt);
        fputc(sep, stdout);
        put_field(t->surface, t->surface_len, fmt);
        fputc('\n', stdout);
    }
    return 0;
}

static int cmd_tokenize(int argc, char **argv)
{
    out_format fmt = OUT_JSON;
    nq_build_options opt;
    nq_build_options_init(&opt);
    build_ui ui = {0};
    const char *inputs[MAX_INPUTS];
    size_t n_inputs = 0;
    for (int i = 0; i < argc; i++) {
        int r;
        if (is_help(argv[i])) {
            fputs(usage_tokenize, stdout);
            return 0;
        } else if ((r = corpus_option(argc, argv, &i, &opt)) != 0) {
            if (r < 0)
                return fail("bad value for %s", argv[i]);
        } else if (!strcmp(argv[i], "--format")) {
            if (++i >= argc || out_parse_format(argv[i], &fmt))
                return fail("%s", "--format takes json, tsv, csv or table");
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return fail("unknown option %s", argv[i]);
        } else if (n_inputs < MAX_INPUTS) {
            inputs[n_inputs++] = argv[i];
        }
    }
    if (!n_inputs)
        return fail("%s", "no input (see ngramq tokenize --help)");
    opt.on_diag = on_diag;
    opt.user = &ui;
    nq_error err = {0};
    if (fmt != OUT_JSON)
        printf(fmt == OUT_CSV ? "doc,paragraph,sentence,position,token,surface\n"
                              : "doc\tparagraph\tsentence\tposition\ttoken\tsurface\n");
    if (nq_tokenize_corpus(inputs, n_inputs, &opt, fmt == OUT_JSON ? print_tokenized : print_token_rows, &fmt,
                           &err) != NQ_OK)
        return fail("%s", err.message);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || is_help(argv[1])) {
        fputs(usage_main, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("ngramq %s (tokenizer %s%s)\n", nq_version(), NQ_TOKENIZER_NAME,
#ifdef NQ_WITH_JEMALLOC
               ", jemalloc"
#else
               ""
#endif
        );
        return 0;
    }
    int sub_argc = argc - 2;
    char **sub_argv = argv + 2;
    if (!strcmp(cmd, "build"))
        return cmd_build(sub_argc, sub_argv);
    if (!strcmp(cmd, "info"))
        return cmd_info(sub_argc, sub_argv);
    if (!strcmp(cmd, "count"))
        return cmd_count(sub_argc, sub_argv);
    if (!strcmp(cmd, "top"))
        return cmd_top(sub_argc, sub_argv);
    if (!strcmp(cmd, "kwic"))
        return cmd_kwic(sub_argc, sub_argv);
    if (!strcmp(cmd, "docs"))
        return cmd_docs(sub_argc, sub_argv);
    if (!strcmp(cmd, "assoc"))
        return cmd_assoc(sub_argc, sub_argv);
    if (!strcmp(cmd, "rank"))
        return cmd_rank(sub_argc, sub_argv);
    if (!strcmp(cmd, "collocates"))
        return cmd_collocates(sub_argc, sub_argv);
    if (!strcmp(cmd, "tokenize"))
        return cmd_tokenize(sub_argc, sub_argv);
    fprintf(stderr, "ngramq: unknown command '%s'\n\n%s", cmd, usage_main);
    return 2;
}
