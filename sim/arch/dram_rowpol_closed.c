/* dram_rowpol_closed.c: see dram_rowpol_closed.h. Stateless. */
#include "dram_rowpol_closed.h"

static int closed_keep_open(void *st, int pending_hits) { (void)st; (void)pending_hits; return 0; }

const dram_row_policy dram_rowpol_closed_policy = { "closed", NULL, NULL, closed_keep_open };
