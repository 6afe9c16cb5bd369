/*
 * dtype.h: the data types an op computes in, keyed by enum: what every module
 * knows of a dtype (its name in traces and results, its size) is here, and its
 * peak rate on a configured GPU is config_flops_per_clk (config.h). A new dtype is
 * one enum value, one row in dtype.c and one case there.
 */
#ifndef GPUSIM_DTYPE_H
#define GPUSIM_DTYPE_H

typedef enum { DT_FP16, DT_BF16, DT_TF32, DT_FP32, DT_FP8, DT_COUNT } dtype_id;

/* "fp16", ...; "?" for a value out of range. */
const char *dtype_name(dtype_id d);
/* Bytes per element. */
int dtype_bytes(dtype_id d);
/* 1 when it runs on the tensor cores (fp32 runs on the CUDA cores). */
int dtype_on_tensor_cores(dtype_id d);
/* The names in enum order, NULL-terminated (a trace key's choice list). */
const char *const *dtype_names(void);

#endif
