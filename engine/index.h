/* An open index segment: the mapped file and its decoded views. */
#ifndef NQ_INDEX_H
#define NQ_INDEX_H

#include <pthread.h>
#include <stdint.h>

#include "format.h"
#include "cooc_matrix.h"
#include "lexicon.h"
#include "ngram_table.h"
#include "postings.h"
#include "structure.h"
#include "text_store.h"
#include "ngramq/ngramq.h"

struct nq_index {
    char *path;
    const uint8_t *map;
    size_t map_len;
    const nq_file_header *header;
    const nq_section_entry *sections;
    uint64_t meta[NQ_META_COUNT];
    nq_lexicon lex;
    nq_ngram_view ngram[NQ_MAX_ORDER + 1];   /* [2..max_n] */
    int max_n;
    const uint8_t *srcs;                     /* SRCS section, checked at open */
    uint64_t n_sources;
    pthread_mutex_t docs_lock;               /* guards the lazy decoding of DOCS */
    uint8_t *docs;                           /* decoded DOCS, NULL until first use */
    size_t docs_len;
    pthread_mutex_t parts_lock;              /* guards loaded */
    unsigned loaded;                         /* NQ_PART_* checked and opened */
    int has_positions;                       /* STRC, POST and PDIR present */
    nq_structure strc;
    nq_postings post;
    nq_simd simd;                            /* decoding path (NQ_SIMD overrides) */
    int has_text;                            /* TEXT, TOFF and TDIR present */
    nq_text_store text;
    int has_cooc;                            /* COOC present */
    nq_cooc_view cooc;
};

/* Bytes of a raw section by id, or NULL when absent. */
const uint8_t *nq_index_section(const nq_index *ix, uint32_t id, size_t *len);
/* The table entry of a section by id, or NULL when absent. */
const nq_section_entry *nq_index_section_entry(const nq_index *ix, uint32_t id);

/* Parts of an index checked (checksums, structure) and opened on first use. */
enum { NQ_PART_COOC = 1u, NQ_PART_POSITIONS = 2u, NQ_PART_TEXT = 4u, NQ_PART_DOCS = 8u };
/* n-gram level n (2..8) alone, and levels 2..n (a level's view needs the
 * size of the one before): a bigram query checks NG2 only. */
#define NQ_PART_NG(n) (1u << (8 + (n)))
#define NQ_PART_NG_UPTO(n) (((1u << (9 + (n))) - 1) & ~((1u << 10) - 1))

/* Makes the parts ready (thread-safe; once each). NQ_ERR_CORRUPT when a
 * section fails its checksum or structure checks, NQ_ERR_ARG when the index
 * was built without it. */
nq_status nq_index_need(const nq_index *ix, unsigned parts, nq_error *err);

/* Decodes the documents table if no call has yet (thread-safe). */
nq_status nq_index_load_docs(nq_index *ix, nq_error *err);

#endif
