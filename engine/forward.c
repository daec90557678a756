#include "forward.h"

#include <stdlib.h>

#include "error.h"
#include "vec.h"

nq_status nq_forward_build(const nq_index *ix, uint32_t **out, nq_error *err)
{
    nq_status st = nq_index_need(ix, NQ_PART_POSITIONS, err);
    if (st)
        return st;
    uint64_t N = ix->strc.tokens;
    uint32_t *stream = malloc((N ? N : 1) * sizeof *stream), *buf = NULL;
    size_t cap = 0;
    if (!stream)
        return nq_fail(err, NQ_ERR_NOMEM, "out of memory rebuilding %llu tokens", (unsigned long long)N);
    for (uint32_t t = 0; t < ix->lex.n_terms; t++) {
        uint64_t cf = nq_packed_get(&ix->lex.cf, t);
        nq_posting_list pl;
        if (NQ_RESERVE(buf, cap, cf)) {
            st = nq_fail(err, NQ_ERR_NOMEM, "out of memory");
            break;
        }
        if (nq_postings_list(&ix->post, t, cf, &pl) || nq_posting_list_decode(&pl, buf, ix->simd)) {
            st = nq_fail(err, NQ_ERR_CORRUPT, "%s: postings of term %u do not decode", ix->path, t);
            break;
        }
        for (uint64_t i = 0; i < cf; i++)
            if (buf[i] < N)
                stream[buf[i]] = t;
    }
    free(buf);
    if (st) {
        free(stream);
        return st;
    }
    *out = stream;
    return NQ_OK;
}
