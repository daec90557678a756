#include "intern.h"

#include <string.h>
#include <xxhash.h>

#include "vec.h"

uint64_t nq_hash_bytes(const void *s, size_t len)
{
    return XXH3_64bits(s, len);
}

int nq_intern_init(nq_intern *t, size_t expected)
{
    memset(t, 0, sizeof *t);
    size_t slots = 1024;
    while (slots < expected * 2)
        slots *= 2;
    t->slots = calloc(slots, sizeof *t->slots);
    if (!t->slots)
        return -1;
    t->mask = slots - 1;
    return 0;
}

void nq_intern_free(nq_intern *t)
{
    free(t->slots);
    free(t->strs);
    free(t->arena);
    memset(t, 0, sizeof *t);
}

/* The slot keeps 32 bits of the hash so that most mismatches are rejected
 * without touching the arena; the probe start uses the low bits. */
static inline uint64_t slot_tag(uint64_t hash)
{
    return hash >> 32;
}

static int grow_slots(nq_intern *t)
{
    size_t nslots = (t->mask + 1) * 2;
    uint64_t *s = calloc(nslots, sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i <= t->mask; i++) {
        uint64_t v = t->slots[i];
        if (!v)
            continue;
        uint32_t id = (uint32_t)v - 1;
        uint64_t h = nq_hash_bytes(t->arena + t->strs[id].off, t->strs[id].len);
        size_t j = h & (nslots - 1);
        while (s[j])
            j = (j + 1) & (nslots - 1);
        s[j] = v;
    }
    free(t->slots);
    t->slots = s;
    t->mask = nslots - 1;
    return 0;
}

uint32_t nq_intern_get(const nq_intern *t, const char *s, size_t len, uint64_t hash)
{
    uint64_t tag = slot_tag(hash);
    for (size_t i = hash & t->mask;; i = (i + 1) & t->mask) {
        uint64_t v = t->slots[i];
        if (!v)
            return UINT32_MAX;
        if ((v >> 32) != tag)
            continue;
        uint32_t id = (uint32_t)v - 1;
        if (t->strs[id].len == len && memcmp(t->arena + t->strs[id].off, s, len) == 0)
            return id;
    }
}

static uint32_t insert_new(nq_intern *t, size_t slot, const char *s, size_t len, uint64_t hash)
{
    if (t->n >= UINT32_MAX - 2 || len > UINT32_MAX)
        return UINT32_MAX;
    if (NQ_RESERVE(t->strs, t->cap, t->n + 1))
        return UINT32_MAX;
    if (NQ_RESERVE(t->arena, t->arena_cap, t->arena_used + len + 1))
        return UINT32_MAX;
    uint32_t id = (uint32_t)t->n++;
    memcpy(t->arena + t->arena_used, s, len);
    t->strs[id].off = t->arena_used;
    t->strs[id].len = (uint32_t)len;
    t->arena_used += len;
    t->slots[slot] = slot_tag(hash) << 32 | (uint64_t)(id + 1);
    return id;
}

uint32_t nq_intern_put(nq_intern *t, const char *s, size_t len, uint64_t hash)
{
    uint64_t tag = slot_tag(hash);
    size_t i = hash & t->mask;
    for (;; i = (i + 1) & t->mask) {
        uint64_t v = t->slots[i];
        if (!v)
            break;
        if ((v >> 32) != tag)
            continue;
        uint32_t id = (uint32_t)v - 1;
        if (t->strs[id].len == len && memcmp(t->arena + t->strs[id].off, s, len) == 0)
            return id;
    }
    if ((t->n + 1) * 2 > t->mask + 1) {
        if (grow_slots(t))
            return UINT32_MAX;
        i = hash & t->mask;
        while (t->slots[i])
            i = (i + 1) & t->mask;
    }
    return insert_new(t, i, s, len, hash);
}
