/* eltwise_costs.h: the arithmetic a PyTorch element-wise op issues per element, as an `eltwise`
 * op's flops= (CUDA-core flops at the fp32 rate: PyTorch computes 16-bit tensors in float), for
 * the profile importer (torch_import.c) and the MLP generator (gen_mlp.c): one table for both. */
#ifndef GPUSIM_ELTWISE_COSTS_H
#define GPUSIM_ELTWISE_COSTS_H

/* flops= per element for the aten op `name` ("aten::" prefix optional); 1 for an op the table
 * does not list (one arithmetic operation, as relu or add). */
double eltwise_flops_per_elem(const char *name);

#endif
