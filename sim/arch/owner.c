/* owner.c: per-op traffic rows (see owner.h). */
#include "owner.h"

#include <stdlib.h>
#include <string.h>

int owner_init(owner_book *b)
{
    memset(b, 0, sizeof *b);
    return 0;
}

int owner_resize(owner_book *b, size_t nops)
{
    owner_fini(b);
    b->nops = nops;
    return 0;
}

void owner_fini(owner_book *b)
{
    free(b->row);
    memset(b, 0, sizeof *b);
}

static void add(owner_traffic *to, const owner_traffic *r)
{
    to->dram_read_bytes += r->dram_read_bytes;
    to->dram_write_bytes += r->dram_write_bytes;
    to->l2_accesses += r->l2_accesses;
    to->l2_hits += r->l2_hits;
    to->pcie_bytes += r->pcie_bytes;
}

int owner_open(owner_book *b, int op)
{
    if (op < 0 || (size_t)op >= b->nops || (size_t)op < b->lo || (size_t)op - b->lo < b->cap) return 0;
    size_t cap = b->cap ? b->cap : 16;
    while ((size_t)op - b->lo >= cap) cap *= 2;
    owner_traffic *row = calloc(cap, sizeof *row);
    if (!row) return -1;
    for (size_t i = b->lo; i < b->lo + b->cap; i++) row[i & (cap - 1)] = b->row[i & (b->cap - 1)];
    free(b->row);
    b->row = row;
    b->cap = cap;
    return 0;
}

owner_traffic *owner_row_open(owner_book *b, int op)
{
    if (owner_open(b, op)) return &b->unowned;
    return owner_row(b, op);
}

void owner_retire(owner_book *b, size_t end)
{
    if (end > b->nops) end = b->nops;
    for (; b->lo < end; b->lo++) {
        if (b->cap) {
            owner_traffic *r = &b->row[b->lo & (b->cap - 1)];
            add(&b->retired, r);
            memset(r, 0, sizeof *r); /* the slot becomes op lo + cap's */
        }
    }
}

void owner_sum(const owner_book *b, owner_traffic *out)
{
    memset(out, 0, sizeof *out);
    add(out, &b->unowned);
    add(out, &b->retired);
    for (size_t i = 0; i < b->cap; i++) add(out, &b->row[i]);
}
