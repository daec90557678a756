/* The token sequence rebuilt from the positional postings: the term at
 * every position (the index stores no forward copy of the corpus; queries
 * that need the words around many positions rebuild it, one pass over all
 * lists, ~0.1 s and 4 bytes a token). */
#ifndef NQ_FORWARD_H
#define NQ_FORWARD_H

#include <stdint.h>

#include "index.h"

/* *out (malloc'd) holds the term id of each of the corpus's tokens. */
nq_status nq_forward_build(const nq_index *ix, uint32_t **out, nq_error *err);

#endif
