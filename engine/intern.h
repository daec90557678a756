/*
 * String interning: maps byte strings to dense ids 0, 1, 2... in order of
 * first insertion. Used per thread during tokenization (no locking per
 * token) and once globally when the per-thread tables are merged.
 */
#ifndef NQ_INTERN_H
#define NQ_INTERN_H

#include <stddef.h>
#include <stdint.h>

typedef struct nq_intern_slot {
    uint32_t tag;        /* high bits of the hash */
    uint32_t len;
    uint64_t at;         /* arena offset of the entry + 1; 0 = empty */
} nq_intern_slot;

/* A direct-mapped cache of recent short strings in front of the table:
 * frequent tokens (Zipf) hit it in L1/L2 with no access to the slots or
 * the arena, which for a large vocabulary are cache misses. */
#define NQ_HOT_BITS 12
#define NQ_HOT_BYTES 20
typedef struct nq_intern_hot {
    uint64_t hash;
    uint32_t id;
    uint8_t len;             /* 0: empty (the empty string is never cached) */
    char bytes[NQ_HOT_BYTES - 1];
} nq_intern_hot;

typedef struct nq_intern {
    nq_intern_hot *hot;      /* 2^NQ_HOT_BITS entries */
    nq_intern_slot *slots;   /* arena entries are [u32 id][bytes] */
    size_t mask;         /* slot count - 1 */
    struct nq_istr { uint64_t off; uint32_t len; } *strs;   /* id -> bytes in arena */
    size_t n, cap;       /* ids used, capacity of strs */
    char *arena;
    size_t arena_used, arena_cap;
} nq_intern;

int nq_intern_init(nq_intern *t, size_t expected);
void nq_intern_free(nq_intern *t);
/* Makes room for n strings in all without growing again. 0, or -1 (no memory). */
int nq_intern_reserve(nq_intern *t, size_t n);

/* Returns the id of s, inserting it when new; UINT32_MAX on allocation failure. */
uint32_t nq_intern_put(nq_intern *t, const char *s, size_t len, uint64_t hash);
/* Returns the id of s, or UINT32_MAX when absent. */
uint32_t nq_intern_get(const nq_intern *t, const char *s, size_t len, uint64_t hash);

static inline const char *nq_intern_str(const nq_intern *t, uint32_t id, size_t *len)
{
    *len = t->strs[id].len;
    return t->arena + t->strs[id].off;
}

/* Inlined XXH3: the call costs as much as hashing a short token. */
#define XXH_INLINE_ALL
#include <xxhash.h>

static inline uint64_t nq_hash_bytes(const void *s, size_t len)
{
    return XXH3_64bits(s, len);
}

#endif
