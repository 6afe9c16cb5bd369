/*
 * optable.c: the one op-type table (see optable.h). The order of the rows is
 * the order of the reference (docs/trace.md) and of the "expected ..." list in
 * errors; nothing else depends on it.
 */
#include "ops/optable.h"
#include "engine/errors.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "ops/op_control.h"
#include "ops/op_copy.h"
#include "ops/op_cpu.h"
#include "ops/op_eltwise.h"
#include "ops/op_gemm.h"
#include "ops/op_layernorm.h"
#include "ops/op_softmax.h"
#include "ops/op_reduce.h"
#include "ops/op_micro.h"

static const op_type *const table[] = {
    &op_gemm,
    &op_eltwise,
    &op_copy,
    &op_sync,
    &op_flush,
    &op_mode,
    &op_chase,
    &op_stream,
    &op_layernorm,
    &op_softmax,
    &op_reduce,
    &op_cpu,
};

_Static_assert(sizeof table / sizeof table[0] <= 256, "trace_op.kind is one byte");

const char *const op_mem_choices[] = { "device", "host", NULL };

size_t op_type_count(void) { return sizeof table / sizeof table[0]; }

const op_type *op_type_at(size_t i) { return i < op_type_count() ? table[i] : NULL; }

const op_type *op_type_find(const char *name, size_t *index)
{
    for (size_t i = 0; i < op_type_count(); i++)
        if (!strcmp(table[i]->name, name)) {
            if (index) *index = i;
            return table[i];
        }
    return NULL;
}

double op_flops(const trace_op *op)
{
    const op_type *ty = op_type_of(op);
    return ty->flops ? ty->flops(op->params) : 0;
}

void op_key_set_int(void *params, const op_key *k, int64_t v)
{
    char *dst = (char *)params + k->off;
    switch (k->size) {
    case 1: { int8_t x = (int8_t)v; memcpy(dst, &x, 1); break; }
    case 2: { int16_t x = (int16_t)v; memcpy(dst, &x, 2); break; }
    case 4: { int32_t x = (int32_t)v; memcpy(dst, &x, 4); break; }
    default: assert(k->size == 8); memcpy(dst, &v, 8); break;
    }
}

int64_t op_key_get_int(const void *params, const op_key *k)
{
    const char *src = (const char *)params + k->off;
    switch (k->size) {
    case 1: { int8_t x; memcpy(&x, src, 1); return x; }
    case 2: { int16_t x; memcpy(&x, src, 2); return x; }
    case 4: { int32_t x; memcpy(&x, src, 4); return x; }
    default: { int64_t x; assert(k->size == 8); memcpy(&x, src, 8); return x; }
    }
}

int op_dtype(const trace_op *op)
{
    const op_type *ty = op_type_of(op);
    for (size_t i = 0; i < ty->nkeys; i++)
        if (ty->keys[i].type == KEY_DTYPE) return (int)op_key_get_int(op->params, &ty->keys[i]);
    return -1;
}

uint64_t op_footprint(const trace_op *op)
{
    const op_type *ty = op_type_of(op);
    return ty->footprint ? ty->footprint(op->params) : 0;
}

unsigned op_flags(const trace_op *op)
{
    const op_type *ty = op_type_of(op);
    return ty->flags | (ty->dyn_flags ? ty->dyn_flags(op->params) : 0);
}

int op_check_rows(const char *kind, int64_t rows, int64_t cols, dtype_id dt, char *msg, size_t len)
{
    if ((double)rows * (double)cols > 1125899906842624.0) { /* 2^50 */
        snprintf(msg, len, "rows*cols = %.3g elements is more than 2^50", (double)rows * (double)cols);
        return GPUSIM_EINPUT;
    }
    if (dt != DT_FP16 && dt != DT_BF16 && dt != DT_FP32) {
        snprintf(msg, len, "dtype: %s takes fp16, bf16 or fp32, got %s", kind, dtype_name(dt));
        return GPUSIM_EINPUT;
    }
    return 0;
}
