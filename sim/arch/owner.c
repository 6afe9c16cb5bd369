/* owner.c: per-op traffic rows (see owner.h). */
#include "owner.h"

#include <stdlib.h>
#include <string.h>

int owner_init(owner_book *b)
{
    b->nops = 0;
    b->row = calloc(1, sizeof *b->row);
    return b->row ? 0 : -1;
}

int owner_resize(owner_book *b, size_t nops)
{
    owner_traffic *row = calloc(nops + 1, sizeof *row);
    if (!row) return -1;
    free(b->row);
    b->row = row;
    b->nops = nops;
    return 0;
}

void owner_fini(owner_book *b)
{
    free(b->row);
    b->row = NULL;
    b->nops = 0;
}

void owner_sum(const owner_book *b, owner_traffic *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; b->row && i <= b->nops; i++) {
        const owner_traffic *r = &b->row[i];
        out->dram_read_bytes += r->dram_read_bytes;
        out->dram_write_bytes += r->dram_write_bytes;
        out->l2_accesses += r->l2_accesses;
        out->l2_hits += r->l2_hits;
        out->pcie_bytes += r->pcie_bytes;
    }
}
