/* dtype.c: the dtype table (see dtype.h). */
#include "dtype.h"

#include <stddef.h>

static const char *const names[DT_COUNT + 1] = { "fp16", "bf16", "tf32", "fp32", "fp8", NULL };
static const struct {
    int bytes;
    int tensor;   /* runs on the tensor cores */
} info[DT_COUNT] = {
    [DT_FP16] = { 2, 1 }, [DT_BF16] = { 2, 1 }, [DT_TF32] = { 4, 1 }, [DT_FP32] = { 4, 0 }, [DT_FP8] = { 1, 1 },
};

const char *dtype_name(dtype_id d) { return (unsigned)d < DT_COUNT ? names[d] : "?"; }
int dtype_bytes(dtype_id d) { return (unsigned)d < DT_COUNT ? info[d].bytes : 0; }
int dtype_on_tensor_cores(dtype_id d) { return (unsigned)d < DT_COUNT && info[d].tensor; }
const char *const *dtype_names(void) { return names; }
