/*
 * config.h: the validated, immutable description of one GPU.
 *
 * Every field is filled from the parameter table in params.c, which also drives
 * validation and the generated key reference (gpusim --help-config). Field names
 * carry their units. Only config.c includes iniparser.
 */
#ifndef GPUSIM_CONFIG_H
#define GPUSIM_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config/dtype.h"

enum { GEMM_SELECT_LIBRARY = 0, GEMM_SELECT_BEST = 1 };
enum { DRAM_MODEL_RESERVATION = 0, DRAM_MODEL_QUEUED = 1 };  /* memory.model */

typedef struct gpu_config {
    struct {
        char name[64];           /* marketing name */
        int64_t sm_count;        /* streaming multiprocessors */
        int64_t clock_mhz;       /* SM clock */
        double memory_gib;       /* device memory capacity */
    } gpu;
    struct {
        int64_t subpartitions;   /* warp schedulers (processing blocks) per SM */
        int64_t max_threads;     /* resident threads per SM */
        int64_t max_ctas;        /* resident CTAs per SM */
        int64_t registers;       /* 32-bit registers per SM */
        int64_t smem_kib;        /* shared memory usable by CTAs per SM */
        int64_t smem_per_cta_kib;/* largest shared memory per CTA */
        int64_t l1_smem_kib;     /* unified L1 + shared memory array per SM */
        int64_t cta_launch_cycles; /* cost to start a CTA on an SM */
        int64_t warp_reduce_cycles;   /* a warp-wide reduction (softmax rows of up to 1024) */
        int64_t block_reduce_cycles;  /* a block-wide reduction of a 1024-thread CTA */
        int64_t fence_cycles;         /* a device-wide fence beyond the wait for own writes */
        int64_t ldst_bytes_per_clk;/* SM <-> memory system port width */
        int64_t max_inflight_lines;/* outstanding L1 misses per SM (MSHRs) */
        int64_t tma;               /* 1: bulk tensor copies, warp specialisation and cluster multicast (Hopper) */
        double lsu_instr_per_clk;  /* warp-wide load/store instructions the SM issues per clock */
        double lsu_off_warp_fraction; /* LSU time a narrow load takes whose every lane is predicated off */
        int64_t smem_bytes_per_clk; /* shared-memory bandwidth per SM */
        int64_t gemm_prologue_cycles; /* library GEMM kernel, first-wave CTA start before its first load */
        int64_t ktile_barrier_cycles; /* non-TMA kernels: cp.async wait + CTA barrier per k-tile */
    } sm;
    struct {
        double fp16_flops_per_clk; /* dense tensor FLOPs per clock per SM */
        double bf16_flops_per_clk;
        double tf32_flops_per_clk;
        double fp8_flops_per_clk;  /* 0: no FP8 tensor cores */
        int64_t latency_cycles;    /* MMA pipeline latency */
        double sustained_fraction; /* fraction of the datasheet rate sustained (the card's native MMA path) */
        double mma_sync_fraction;  /* the same for warp-level mma.sync kernels */
        int64_t ktile_sync_cycles; /* wgmma kernels: mbarrier wait + issue + wait per k-tile per CTA */
    } tensor;
    struct {
        double fp32_flops_per_clk; /* FFMA FLOPs per clock per SM */
        int64_t dependent_op_cycles; /* issue-to-issue cycles of one thread's dependent fp32 ops */
        double fp16_flops_per_clk; /* packed half FLOPs per clock per SM */
        int64_t latency_cycles;
        double sustained_fraction; /* fraction sustained in a SIMT GEMM main loop */
        double warp_issue_fraction; /* cycles one SIMT GEMM warp keeps its sub-partition's FMA pipe busy */
    } cuda;
    struct {
        int64_t hit_cycles;        /* load-to-use on an L1 hit */
        int64_t line_bytes;
        int64_t ways;
    } l1;
    struct {
        int64_t latency_cycles;    /* one way, SM to L2 slice */
    } xbar;
    struct {
        double size_mib;
        int64_t line_bytes;
        int64_t sector_bytes;
        int64_t ways;
        int64_t slices;
        int64_t partitions;
        int64_t near_hit_cycles;   /* load-to-use, hit in the SM's own partition */
        int64_t far_hit_cycles;    /* load-to-use, hit in the other partition */
        int64_t slice_bytes_per_clk;
        int64_t replicate_far;     /* 1: far hits leave a copy in the near partition */
        int64_t dirty_ways;        /* most dirty lines per set (0: no limit) */
        int64_t replacement;       /* row of the replacement registry (arch/l2_repl.h) */
        int64_t seed;              /* for random replacement */
    } l2;
    struct {
        char type[16];
        int64_t channels;
        double channel_gbps;       /* peak data rate of one channel */
        int64_t banks;             /* banks per channel */
        int64_t row_bytes;         /* row (page) size per bank */
        int64_t interleave_bytes;  /* consecutive bytes on one channel */
        double latency_ns;         /* row hit, beyond the L2 miss path */
        double row_miss_ns;        /* precharge + activate */
        double refresh_fraction;   /* share of time a channel is refreshing */
        int64_t clock_mhz;         /* informational */
        int64_t model;             /* DRAM_MODEL_*: reservation-timed channels or the queued controller */
        int64_t row_policy;        /* row of the row-policy registry (arch/dram_rowpol.h) */
        int64_t scheduler;         /* row of the scheduler registry (arch/dram_sched.h); queued model */
        int64_t queue_depth;       /* requests per channel queue; queued model */
        double precharge_fraction; /* share of row_miss_ns that is the precharge (tRP); the rest is tRCD */
    } memory;
    struct {
        int64_t policy;            /* row of the prefetch registry (arch/prefetch.h) */
        int64_t degree;            /* lines fetched per trigger */
        int64_t distance;          /* lines ahead of the miss where prefetching starts */
        int64_t table_entries;     /* stride detector entries / stream trackers */
        int64_t stream_region_kib; /* stream policy: the window one tracker follows */
    } prefetch;
    struct {
        int64_t gen;
        int64_t lanes;
        double latency_us;         /* per copy: driver + DMA setup */
        double payload_efficiency; /* TLP payload / wire bytes */
        int64_t copy_engines;
        double bidir_gbps;         /* both directions together (host memory) */
        double staging_h2d_gbps;   /* host memcpy into the pinned staging buffer, source in host DRAM */
        double staging_d2h_gbps;
        double staging_zero_gbps;  /* host memcpy from never-written pages (the zero page, cached) */
        double staging_cached_gbps;/* host memcpy when the pageable buffer fits the host's cache */
        int64_t host_cache_mib;    /* host last-level cache */
        double pageable_extra_us;  /* extra fixed cost of a pageable copy (staging setup + sync) */
        int64_t staging_chunk_kib;
        double zc_latency_ns;      /* zero-copy: one line's round trip SM -> host memory -> SM, link idle */
        double zc_payload_efficiency; /* zero-copy TLPs (one line each) payload / wire bytes */
        double zc_kernel_us;       /* a kernel that touched host memory completes this much later */
    } pcie;
    struct {
        double limit_w;            /* board power limit (TDP) the controller holds */
        double ambient_c;          /* thermal model: die temperature at zero power (C) */
        double r_th_c_per_w;       /* thermal model: steady rise per board watt (C/W) */
        double thermal_tau_ms;     /* thermal model: time constant (ms) */
        double tau_us;             /* fast loop's time constant */
        double slow_tau_ms;        /* slow loop's time constant (it holds limit_w) */
        double fast_limit_ratio;   /* fast loop's limit / limit_w */
        double control_us;         /* controller sampling interval */
        double min_clock_mhz;      /* lowest SM clock the controller sets */
        double board_idle_w;       /* idle board power outside the SMs (HBM, VRM, uncore, fans) */
        double sm_static_w;        /* leakage per SM at the top V-f point (scales with V) */
        double sm_active_w;        /* per SM holding work, at gpu.clock_mhz (scales with f V^2) */
        double vf_low_mhz;         /* V-f curve: lower point's clock (V flat below it) */
        double vf_low_mv;          /* voltage at vf_low_mhz */
        double vf_high_mv;         /* voltage at gpu.clock_mhz */
        double mma_fp16_pj;        /* tensor-core energy per FLOP at the top V-f point */
        double mma_bf16_pj;
        double mma_tf32_pj;
        double mma_fp8_pj;
        double fma_pj;             /* CUDA-core energy per FLOP */
        double l2_pj_per_byte;     /* SM <-> L2 traffic (crossbar + L2 array + L1/smem fill) */
        double lsu_pj_per_byte;    /* load/store-instruction bytes, beyond l2_pj: LSU, L1, register file */
        double inst_pj;            /* per issued warp instruction (not FMA / MMA): issue, operand traffic */
        double dram_pj_per_byte;   /* DRAM read or write (HBM + PHY + controller) */
        double pcie_pj_per_byte;   /* PCIe copy (link, copy engine, device memory side) */
        double ce_pj_per_byte;     /* device-to-device copy on a copy engine, per byte read or written */
    } power;
    struct {
        int64_t select;            /* GEMM_SELECT_*: how the default mapping is chosen */
        int64_t reduce_loads;      /* split-K reduce: partials a thread has in flight */
        double reduce_fixed_us;    /* split-K reduce kernel: its duration beyond its loads */
        double largek_fixed_us;    /* the legacy sgemm_largek kernel's time beyond its k-tiles */
    } gemm;
    struct {
        int64_t l2_set_sampling;   /* simulate 1 in N L2 sets for bulk traffic (1: all) */
        int64_t steady_state;      /* 1: extrapolate repeat= iterations once they are steady; 0: simulate all */
        int64_t wave_sampling;     /* 1: a big GEMM stops simulating waves once they are steady (kernels/gemm.c) */
        int64_t loops_before;      /* the trace runs as the last of loops_before + 1 back-to-back runs (power's slow loop) */
    } sim;
    struct {
        double launch_latency_us;  /* host submit to kernel start on an idle GPU */
        double eager_gap_us;       /* host time per eagerly launched op (a framework kernel) */
        double eager_gemm_us;      /* ... per eager GEMM (library call) */
        double eager_copy_us;      /* ... per eager copy (cudaMemcpyAsync) */
        double page_fault_us;      /* first touch of one 4 KiB page of a fresh pageable buffer (fault + zeroing) */
        double graph_gap_us;       /* GPU time between kernels in a graph replay */
        double kernel_tail_us;     /* kernel end to stream/event completion */
        double kernel_setup_us;    /* GPU-side start of a stream-launched kernel whose predecessor just finished */
    } host;
} gpu_config;

typedef enum { PT_INT, PT_DBL, PT_STR, PT_ENUM } param_type;

typedef struct param {
    const char *key;      /* "section.key" */
    param_type type;
    size_t offset;        /* into gpu_config */
    size_t size;          /* for PT_STR: buffer size */
    double min, max;      /* inclusive range for numbers */
    const char *def;      /* default as text; NULL: required */
    const char *unit;
    const char *choices;  /* PT_ENUM: "a|b|c", index stored as int64 */
    const char *doc;
    /* PT_ENUM whose choices are a registry's rows (a policy table): name of row i,
     * NULL past the end; used instead of `choices` when set */
    const char *(*choice)(size_t i);
} param;

extern const param gpusim_params[];
extern const size_t gpusim_nparams;

/* One `--set SECTION.KEY=VALUE`. */
typedef struct config_override { const char *text; } config_override;

/* The SM tracks its outstanding misses (MSHRs) in groups of this many lines (arch/sm.h), so
 * sm.max_inflight_lines takes effect as a multiple of it (config_resolve). */
#define CONFIG_MSHR_GROUP_LINES 8

/* Applies every derived rule to a validated config, so that it says what runs (what
 * run_params stores and the config hash covers): sm.max_inflight_lines rounded down to
 * a multiple of CONFIG_MSHR_GROUP_LINES. config_load and config_src_build call it. */
void config_resolve(gpu_config *cfg);

/* Loads path (following [config] base = ...), applies overrides, validates.
 * Returns 0, or -2 for bad input with err filled as
 * "FILE:LINE: section.key: what was wrong, what was expected". cfg is untouched on error. */
int config_load(gpu_config *cfg, const char *path, const char *const *sets, int nsets,
                char *err, size_t errlen);

/* A config read once (every file of its base chain, and the --set overrides),
 * from which many configs are built (a sweep's points): nothing is read again,
 * so a file edited meanwhile changes nothing. */
typedef struct config_src config_src;
#define CONFIG_MAX_OVERRIDES 64 /* overrides of one build (a sweep's --vary knobs) */
/* Reads path and its bases, applies the --set overrides (a key given twice is an
 * error). Returns 0, -2 (bad input) or -1 with err. */
int config_src_load(config_src **out, const char *path, const char *const *sets, int nsets, char *err, size_t errlen);
/* Builds and validates the config with `over` ("section.key=value", each key once)
 * applied last; errors name `label` ("--vary") for those. cfg untouched on error. */
int config_src_build(const config_src *s, const char *const *over, int nover, const char *label, gpu_config *cfg,
                     char *err, size_t errlen);
/* cb(ctx, key, value as written) for every parameter, before any override of a build. */
void config_src_foreach(const config_src *s, void (*cb)(void *ctx, const char *key, const char *val), void *ctx);
void config_src_destroy(config_src *s);
/* Checks one "section.key=value" alone (known key, value of its type and range;
 * no cross-checks); errors name label. Returns 0 or -2. */
int config_check_override(const char *text, const char *label, char *err, size_t errlen);

/* Writes every effective value: cb(ctx, "section.key", "value") in table order. */
void config_foreach(const gpu_config *cfg, void (*cb)(void *ctx, const char *key, const char *val), void *ctx);
/* The i-th choice of a PT_ENUM parameter (from `choices` or `choice`) into buf;
 * returns 0, or -1 past the end. */
int config_choice(const param *p, size_t i, char *buf, size_t len);
/* Formats one effective value. */
void config_value_str(const gpu_config *cfg, const param *p, char *buf, size_t len);
/* Markdown reference of every key, generated from the table. */
void config_write_reference(FILE *f);
const param *config_find_param(const char *key);

/* Derived quantities. */
/* Dense FLOPs per clock per SM in dtype d: the tensor cores' rate, the CUDA cores' for fp32
 * (0: the GPU has no such unit). */
double config_flops_per_clk(const gpu_config *c, dtype_id d);
/* The tensor cores' rate alone (0 for fp32). */
double config_tensor_flops_per_clk(const gpu_config *c, dtype_id d);
/* Peak TFLOP/s in dtype d at gpu.clock_mhz on every SM. */
double config_peak_tflops(const gpu_config *c, dtype_id d);
double config_peak_dram_gbps(const gpu_config *c);
double config_pcie_gbps(const gpu_config *c); /* per direction, after payload efficiency */

#endif
