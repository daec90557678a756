#include "intern.h"

#include <string.h>

#include "vec.h"

int nq_intern_init(nq_intern *t, size_t expected)
{
    memset(t, 0, sizeof *t);
    size_t slots = 1024;
    while (slots < expected * 2)
        slots *= 2;
    t->slots = calloc(slots, sizeof *t->slots);
    t->hot = calloc((size_t)1 << NQ_HOT_BITS, sizeof *t->hot);
    if (!t->slots || !t->hot) {
        free(t->slots);
        free(t->hot);
        t->slots = NULL;
        t->hot = NULL;
        return -1;
    }
    t->mask = slots - 1;
    return 0;
}

void nq_intern_free(nq_intern *t)
{
    free(t->slots);
    free(t->hot);
    free(t->strs);
    free(t->arena);
    memset(t, 0, sizeof *t);
}

/* A lookup touches the slot and the arena entry, which holds the id right
 * before the bytes: two cache lines at most, none for a tag mismatch. The
 * slot index comes from the tag too, so growing the table needs no hashing. */
static inline uint32_t slot_tag(uint64_t hash)
{
    return (uint32_t)(hash >> 32);
}

static inline int bytes_equal(const char *a, const char *b, size_t n)
{
    while (n >= 8) {
        uint64_t x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x != y)
            return 0;
        a += 8;
        b += 8;
        n -= 8;
    }
    while (n--)
        if (*a++ != *b++)
            return 0;
    return 1;
}

static inline uint32_t entry_id(const nq_intern *t, const nq_intern_slot *s)
{
    uint32_t id;
    memcpy(&id, t->arena + s->at - 1, 4);
    return id;
}

static inline int slot_matches(const nq_intern *t, const nq_intern_slot *s, uint32_t tag, const char *str,
                               size_t len)
{
    return s->tag == tag && s->len == len && bytes_equal(t->arena + s->at - 1 + 4, str, len);
}

static int resize_slots(nq_intern *t, size_t nslots)
{
    nq_intern_slot *s = calloc(nslots, sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i <= t->mask; i++) {
        nq_intern_slot v = t->slots[i];
        if (!v.at)
            continue;
        size_t j = v.tag & (nslots - 1);
        while (s[j].at)
            j = (j + 1) & (nslots - 1);
        s[j] = v;
    }
    free(t->slots);
    t->slots = s;
    t->mask = nslots - 1;
    return 0;
}

static int grow_slots(nq_intern *t)
{
    return resize_slots(t, (t->mask + 1) * 2);
}

int nq_intern_reserve(nq_intern *t, size_t n)
{
    size_t nslots = t->mask + 1;
    while (nslots < n * 2)
        nslots *= 2;
    if (nslots >= (size_t)1 << 32)
        return -1;
    return nslots == t->mask + 1 ? 0 : resize_slots(t, nslots);
}

uint32_t nq_intern_get(const nq_intern *t, const char *s, size_t len, uint64_t hash)
{
    uint32_t tag = slot_tag(hash);
    for (size_t i = tag & t->mask;; i = (i + 1) & t->mask) {
        const nq_intern_slot *e = &t->slots[i];
        if (!e->at)
            return UINT32_MAX;
        if (slot_matches(t, e, tag, s, len))
            return entry_id(t, e);
    }
}

static uint32_t insert_new(nq_intern *t, size_t slot, const char *s, size_t len, uint64_t hash)
{
    if (t->n >= UINT32_MAX - 2 || len > UINT32_MAX - 8)
        return UINT32_MAX;
    if (NQ_RESERVE(t->strs, t->cap, t->n + 1))
        return UINT32_MAX;
    if (NQ_RESERVE(t->arena, t->arena_cap, t->arena_used + len + 4))
        return UINT32_MAX;
    uint32_t id = (uint32_t)t->n++;
    char *e = t->arena + t->arena_used;
    memcpy(e, &id, 4);
    memcpy(e + 4, s, len);
    t->strs[id].off = t->arena_used + 4;
    t->strs[id].len = (uint32_t)len;
    t->slots[slot] = (nq_intern_slot){slot_tag(hash), (uint32_t)len, t->arena_used + 1};
    t->arena_used += len + 4;
    return id;
}

static uint32_t put_slow(nq_intern *t, const char *s, size_t len, uint64_t hash)
{
    uint32_t tag = slot_tag(hash);
    size_t i = tag & t->mask;
    for (;; i = (i + 1) & t->mask) {
        const nq_intern_slot *e = &t->slots[i];
        if (!e->at)
            break;
        if (slot_matches(t, e, tag, s, len))
            return entry_id(t, e);
    }
    if ((t->n + 1) * 2 > t->mask + 1) {
        if (grow_slots(t))
            return UINT32_MAX;
        i = tag & t->mask;
        while (t->slots[i].at)
            i = (i + 1) & t->mask;
    }
    return insert_new(t, i, s, len, hash);
}

uint32_t nq_intern_put(nq_intern *t, const char *s, size_t len, uint64_t hash)
{
    if (len == 0 || len >= NQ_HOT_BYTES)
        return put_slow(t, s, len, hash);
    nq_intern_hot *h = &t->hot[(hash >> 20) & (((size_t)1 << NQ_HOT_BITS) - 1)];
    if (h->hash == hash && h->len == len && memcmp(h->bytes, s, len) == 0)
        return h->id;
    uint32_t id = put_slow(t, s, len, hash);
    if (id != UINT32_MAX) {
        h->hash = hash;
        h->id = id;
        h->len = (uint8_t)len;
        memcpy(h->bytes, s, len);
    }
    return id;
}
