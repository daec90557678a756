/* An open index segment: the mapped file and its decoded views. */
#ifndef NQ_INDEX_H
#define NQ_INDEX_H

#include <stdint.h>

#include "format.h"
#include "lexicon.h"
#include "ngram_table.h"
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
};

/* Bytes of a raw section by id, or NULL when absent. */
const uint8_t *nq_index_section(const nq_index *ix, uint32_t id, size_t *len);

#endif
