/*
 * op_copy.c: the `copy` row. Host<->device copies run on the copy engines
 * (kernels/copy.c); a device-to-device copy is a copy kernel (kernels/eltwise.c).
 */
#include "ops/op_copy.h"
#include "engine/errors.h"

#include <stdio.h>

#include "host/host.h"
#include "kernels/kernel.h"

#define MAX_BYTES (1LL << 50)

static const char *const dirs[] = { "h2d", "d2h", "d2d", NULL };

static const op_key keys[] = {
    OP_INT_REQ(copy_params, bytes, "bytes", 1, MAX_BYTES, "bytes moved"),
    OP_CHOICE_REQ(copy_params, dir, "dir", dirs, "host to device, device to host, or within the device"),
    OP_INT(copy_params, pinned, "pinned", 0, 1, 1, NULL, "1: pinned host memory (DMA); 0: pageable (through a pinned staging "
                                                       "buffer, and the host waits for the copy)"),
    OP_INT(copy_params, zero_page, "zero_page", 0, 1, 0, NULL, "pageable h2d only: 1 = the host buffer was never written since it "
                                                             "was allocated (torch.empty): its pages all map the kernel's zero page, "
                                                             "so the staging memcpy reads one cached page (pcie.staging_zero_gbps)"),
    OP_INT(copy_params, first_touch, "first_touch", 0, 1, 0, NULL, "pageable d2h only: 1 = the host destination was never touched "
                                                                 "since it was mapped (a new buffer that malloc served with fresh "
                                                                 "pages, as torch's .cpu() of a large tensor the first time): the "
                                                                 "staging memcpy's first write to each 4 KiB page faults "
                                                                 "(host.page_fault_us a page)"),
};

static uint64_t footprint(const void *params)
{
    const copy_params *p = params;
    return (uint64_t)p->bytes * (p->dir == DIR_D2D ? 2 : 1);
}

static void buffers(const void *params, op_buffers *b)
{
    const copy_params *p = params;
    b->in_bytes = p->dir == DIR_H2D ? 0 : (uint64_t)p->bytes;
    b->out_bytes = p->dir == DIR_D2H ? 0 : (uint64_t)p->bytes;
}

static int check(const void *params, char *msg, size_t len)
{
    const copy_params *p = params;
    if (p->zero_page && (p->dir != DIR_H2D || p->pinned)) {
        snprintf(msg, len, "zero_page=1: only a pageable (pinned=0) h2d copy reads a host buffer through the staging memcpy");
        return GPUSIM_EINPUT;
    }
    if (p->first_touch && (p->dir != DIR_D2H || p->pinned)) {
        snprintf(msg, len, "first_touch=1: only a pageable (pinned=0) d2h copy writes a host buffer through the staging memcpy");
        return GPUSIM_EINPUT;
    }
    return 0;
}

static unsigned dyn_flags(const void *params)
{
    const copy_params *p = params;
    if (p->dir == DIR_D2D) return OPF_KERNEL;
    return p->pinned ? 0 : OPF_BLOCKS_HOST;
}

const op_type op_copy = {
    .name = "copy",
    .syntax = "copy name=input dir=h2d bytes=100352 pinned=1",
    .doc = "A copy: h2d and d2h take a copy engine and move 1 MiB chunks over the PCIe link (pageable ones "
           "through a staging buffer, host memcpy overlapping the DMA); d2d is a copy kernel on the SMs.",
    .keys = OP_KEYS(keys),
    .params_size = sizeof(copy_params),
    .check = check,
    .host_call = HOST_CALL_COPY,
    .footprint = footprint,
    .buffers = buffers,
    .dyn_flags = dyn_flags,
    .start = copy_start,
};
