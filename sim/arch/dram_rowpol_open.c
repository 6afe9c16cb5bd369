/* dram_rowpol_open.c: see dram_rowpol_open.h. Stateless. */
#include "dram_rowpol_open.h"

static int open_keep_open(void *st, int pending_hits) { (void)st; (void)pending_hits; return 1; }

const dram_row_policy dram_rowpol_open_policy = { "open", NULL, NULL, open_keep_open };
