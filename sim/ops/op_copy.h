/* op_copy.h: the `copy` op kind: host<->device over PCIe, device<->device as a copy kernel. */
#ifndef GPUSIM_OP_COPY_H
#define GPUSIM_OP_COPY_H

#include "ops/optable.h"

typedef enum { DIR_H2D, DIR_D2H, DIR_D2D } copy_dir;

typedef struct copy_params {
    int64_t bytes;
    copy_dir dir;
    int32_t pinned;          /* 0: pageable, through a staging buffer; the host waits for it */
    int32_t zero_page;       /* pageable h2d: the host buffer was never written (every page maps the
                                kernel's zero page, so the staging memcpy reads cached data) */
    int32_t first_touch;     /* pageable d2h: the host destination was never touched since it was mapped
                                (the staging memcpy faults in each page: host.page_fault_us) */
} copy_params;

extern const op_type op_copy;

#endif
