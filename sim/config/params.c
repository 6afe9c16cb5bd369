/*
 * params.c: the one parameter table. Loading, range checks, `--set`, the
 * run_params rows and the generated reference (docs/config.md) all come from it.
 * Defaults are generic (Ampere/Hopper-class microarchitecture); keys without a
 * default must be given by every config.
 */
#include "config.h"

#include <float.h>

/* The choice lists of policy keys are the policy registries' rows (the one
 * place a policy is named): a link-time reference from the parameter table to
 * sim/arch, which config.h does not include. */
#include "arch/dram_rowpol.h"
#include "arch/dram_sched.h"
#include "arch/l2_repl.h"
#include "arch/prefetch.h"

#define F(sec, fld) offsetof(gpu_config, sec.fld), sizeof(((gpu_config *)0)->sec.fld)
#define INT(k, sec, fld, lo, hi, def, unit, doc) { k, PT_INT, F(sec, fld), lo, hi, def, unit, NULL, doc, NULL }
#define DBL(k, sec, fld, lo, hi, def, unit, doc) { k, PT_DBL, F(sec, fld), lo, hi, def, unit, NULL, doc, NULL }
#define STR(k, sec, fld, def, doc) { k, PT_STR, F(sec, fld), 0, 0, def, "", NULL, doc, NULL }
#define ENUM(k, sec, fld, choices, def, doc) { k, PT_ENUM, F(sec, fld), 0, 0, def, "", choices, doc, NULL }
#define POLICY(k, sec, fld, registry_name, def, doc) { k, PT_ENUM, F(sec, fld), 0, 0, def, "", NULL, doc, registry_name }

const param gpusim_params[] = {
    STR("gpu.name", gpu, name, NULL, "Name of the GPU, stored with every run"),
    INT("gpu.sm_count", gpu, sm_count, 1, 4096, NULL, "SMs", "Streaming multiprocessors that run CTAs"),
    INT("gpu.clock_mhz", gpu, clock_mhz, 100, 5000, NULL, "MHz", "SM clock (the SM clock domain)"),
    DBL("gpu.memory_gib", gpu, memory_gib, 0.125, 4096, "80", "GiB", "Device memory capacity; ops whose data do not fit are refused"),

    INT("sm.subpartitions", sm, subpartitions, 1, 16, "4", "count", "Processing blocks per SM, each with a warp scheduler and a tensor core"),
    INT("sm.max_threads", sm, max_threads, 32, 8192, "2048", "threads", "Resident threads per SM (occupancy limit)"),
    INT("sm.max_ctas", sm, max_ctas, 1, 64, "32", "CTAs", "Resident CTAs per SM (occupancy limit)"),
    INT("sm.registers", sm, registers, 1024, 1048576, "65536", "32-bit registers", "Register file per SM (occupancy limit)"),
    INT("sm.smem_kib", sm, smem_kib, 0, 4096, "228", "KiB", "Shared memory per SM usable by CTAs (occupancy limit)"),
    INT("sm.smem_per_cta_kib", sm, smem_per_cta_kib, 0, 4096, "227", "KiB", "Largest shared memory one CTA may use"),
    INT("sm.l1_smem_kib", sm, l1_smem_kib, 16, 8192, "256", "KiB", "Unified L1 data cache + shared memory array per SM; L1 gets what shared memory does not use"),
    INT("sm.warp_reduce_cycles", sm, warp_reduce_cycles, 0, 100000, "150", "SM cycles", "A warp-wide reduction (5 shuffle-and-add steps, about 30 cycles each): a row of a warp-per-row kernel (softmax)"),
    INT("sm.block_reduce_cycles", sm, block_reduce_cycles, 0, 1000000, "600", "SM cycles", "A block-wide reduction of a 1024-thread CTA: warp shuffles, a shared-memory exchange and two barriers that wait for all 32 warps (softmax over long rows)"),
    INT("sm.fence_cycles", sm, fence_cycles, 0, 1000000, "0", "SM cycles", "A device-wide memory fence (__threadfence): it lasts this long, or until the thread's own writes are visible if that is later. A full reduction's CTAs fence before they announce their partial, the last one again before it reads them (reduce)"),
    INT("sm.cta_launch_cycles", sm, cta_launch_cycles, 0, 100000, "300", "SM cycles", "Cost of starting a CTA on an SM (grid scheduler, register init)"),
    INT("sm.ldst_bytes_per_clk", sm, ldst_bytes_per_clk, 1, 4096, "64", "B/SM-cycle", "Width of the SM's port into the memory system"),
    INT("sm.max_inflight_lines", sm, max_inflight_lines, 8, 4096, "256", "lines", "Outstanding L1 misses per SM (MSHRs): bounds per-SM bandwidth by Little's law for loads that threads issue into registers (element-wise, softmax, reduce kernels, one-stage explicit-tile GEMMs; not TMA or cp.async tile loads); tracked in groups of 8 lines, so it is rounded down to a multiple of 8 (the effective value is what runs and is stored)"),
    INT("sm.tma", sm, tma, 0, 1, "1", "bool", "1: TMA bulk copies, warp-specialised kernels and cluster multicast (Hopper); 0: cp.async (Ampere)"),
    DBL("sm.lsu_instr_per_clk", sm, lsu_instr_per_clk, 0.01, 64, "1", "warp-instr/SM-cycle", "Warp-wide load/store instructions the SM issues per clock: bounds kernels that move operands with per-thread loads (non-TMA GEMMs with narrow vectors)"),
    DBL("sm.lsu_off_warp_fraction", sm, lsu_off_warp_fraction, 0, 1, "1", "share", "Share of a narrow (2-byte) load's LSU time that a warp instruction whose every lane is predicated off still takes (a GEMM tile's rows past C's edge across the operand's contiguous run); lanes off within a live warp (past the edge along the run) cost nothing. Applied to cuBLAS's sm75 wmma 32x32 kernel; the other narrow kernels charge their whole tile"),
    INT("sm.gemm_prologue_cycles", sm, gemm_prologue_cycles, 0, 1000000, "0", "SM cycles", "Start of a first-wave CTA of a library GEMM kernel (default mapping) before its first load: kernel parameters and tensor-map descriptors fetched, barriers and shared memory set up, clusters launched; later waves find them cached"),
    INT("sm.smem_bytes_per_clk", sm, smem_bytes_per_clk, 1, 65536, "128", "B/SM-cycle", "Shared-memory bandwidth per SM (32 banks x 4 B): a SIMT GEMM re-reads its operand fragments from shared memory every k step through the LSU pipe (bounds small per-thread tiles), and the tile write of a TMA-store epilogue"),
    INT("sm.ktile_barrier_cycles", sm, ktile_barrier_cycles, 0, 100000, "40", "SM cycles", "Per k-tile cost of a non-TMA GEMM kernel (mma.sync, SIMT): cp.async wait and CTA barrier before the k-tile's MMAs issue"),

    DBL("tensor.fp16_flops_per_clk", tensor, fp16_flops_per_clk, 0, 1e6, "4096", "FLOP/SM-cycle", "Dense FP16 tensor-core rate per SM (datasheet)"),
    DBL("tensor.bf16_flops_per_clk", tensor, bf16_flops_per_clk, 0, 1e6, "4096", "FLOP/SM-cycle", "Dense BF16 tensor-core rate per SM (datasheet)"),
    DBL("tensor.tf32_flops_per_clk", tensor, tf32_flops_per_clk, 0, 1e6, "2048", "FLOP/SM-cycle", "Dense TF32 tensor-core rate per SM (datasheet)"),
    DBL("tensor.fp8_flops_per_clk", tensor, fp8_flops_per_clk, 0, 1e6, "8192", "FLOP/SM-cycle", "Dense FP8 tensor-core rate per SM; 0 = no FP8 support"),
    INT("tensor.latency_cycles", tensor, latency_cycles, 0, 10000, "64", "SM cycles", "MMA pipeline latency (issue to accumulator ready)"),
    DBL("tensor.sustained_fraction", tensor, sustained_fraction, 0.05, 1, "0.8", "fraction", "Share of the datasheet MMA rate sustained in steady state (operand delivery, power-capped clock)"),
    DBL("tensor.mma_sync_fraction", tensor, mma_sync_fraction, 0.01, 1, "0.8", "fraction", "Share of the datasheet MMA rate that warp-level mma.sync kernels (Ampere/Turing-style, ampere_mma and turing_mma families) sustain; on a card without wgmma this is its native path"),
    INT("tensor.ktile_sync_cycles", tensor, ktile_sync_cycles, 0, 100000, "40", "SM cycles", "Per k-tile cost of a wgmma (TMA, warp-specialised) kernel's consumers: mbarrier wait, wgmma issue, commit and wait for the accumulators; bounds GEMMs whose tiles are too small to keep the tensor cores busy"),

    DBL("cuda.fp32_flops_per_clk", cuda, fp32_flops_per_clk, 1, 1e6, "256", "FLOP/SM-cycle", "FP32 FMA rate per SM (2 FLOPs per FMA lane)"),
    DBL("cuda.fp16_flops_per_clk", cuda, fp16_flops_per_clk, 1, 1e6, "512", "FLOP/SM-cycle", "Packed FP16 rate per SM on CUDA cores"),
    INT("cuda.dependent_op_cycles", cuda, dependent_op_cycles, 1, 1000, "12", "SM cycles", "Issue-to-issue time of one thread's dependent fp32 operations (ALU and MUFU latency): bounds a warp that works alone through a long row"),
    INT("cuda.latency_cycles", cuda, latency_cycles, 0, 10000, "4", "SM cycles", "FMA dependent-issue latency"),
    DBL("cuda.sustained_fraction", cuda, sustained_fraction, 0.05, 1, "0.8", "fraction", "Share of the FMA rate a SIMT GEMM main loop sustains (shared-memory operand loads take issue slots)"),
    DBL("cuda.warp_issue_fraction", cuda, warp_issue_fraction, 0.05, 1, "1", "fraction", "Share of the cycles one warp of a SIMT GEMM keeps its sub-partition's FMA pipe busy (its own shared-memory loads, addressing and operand dependencies): with fewer than 1/this warps a sub-partition, the pipe idles the rest (a kernel of 4 warps a CTA and 1 CTA an SM runs at this share of cuda.sustained_fraction)"),

    INT("l1.hit_cycles", l1, hit_cycles, 1, 10000, "33", "SM cycles", "Load-to-use latency of an L1 hit"),
    INT("l1.line_bytes", l1, line_bytes, 32, 1024, "128", "bytes", "L1 line size"),
    INT("l1.ways", l1, ways, 1, 64, "8", "ways", "L1 associativity"),

    INT("xbar.latency_cycles", xbar, latency_cycles, 0, 10000, "40", "SM cycles", "Crossbar traversal, SM to L2 slice (part of the L2 hit latency)"),

    DBL("l2.size_mib", l2, size_mib, 0.0625, 4096, NULL, "MiB", "Total L2 capacity"),
    INT("l2.line_bytes", l2, line_bytes, 32, 1024, "128", "bytes", "L2 line size (tag granularity)"),
    INT("l2.sector_bytes", l2, sector_bytes, 32, 1024, "32", "bytes", "L2 sector size (fill granularity)"),
    INT("l2.ways", l2, ways, 1, 64, "16", "ways", "L2 associativity"),
    INT("l2.slices", l2, slices, 1, 1024, "64", "slices", "L2 slices; lines are hashed over them; each has its own bandwidth"),
    INT("l2.partitions", l2, partitions, 1, 8, "2", "partitions", "L2 partitions; an SM is near one, far from the others"),
    INT("l2.near_hit_cycles", l2, near_hit_cycles, 1, 10000, "260", "SM cycles", "Load-to-use latency of a hit in the SM's own partition"),
    INT("l2.far_hit_cycles", l2, far_hit_cycles, 1, 10000, "420", "SM cycles", "Load-to-use latency of a hit in another partition"),
    INT("l2.slice_bytes_per_clk", l2, slice_bytes_per_clk, 1, 4096, "64", "B/SM-cycle", "Bandwidth of one L2 slice"),
    INT("l2.replicate_far", l2, replicate_far, 0, 1, "1", "bool", "1: a far hit leaves a copy in the near partition (costs near capacity)"),
    INT("l2.dirty_ways", l2, dirty_ways, 0, 64, "0", "ways", "Most dirty lines a set keeps (0: no limit): a store that would exceed it writes another of the set's dirty lines back first (the least recently used under lru, the lowest such way under random, the smallest re-reference value under srrip) and that line stays, clean, so the L2 holds at most dirty_ways/ways of its capacity dirty"),
    POLICY("l2.replacement", l2, replacement, l2_repl_policy_name, "lru", "Replacement policy within a set (sim/arch/l2_repl_*.h): lru, random (seeded by l2.seed), srrip (2-bit re-reference interval prediction, scan-resistant)"),
    INT("l2.seed", l2, seed, 0, 4294967295.0, "1", "seed", "Seed for random replacement (determinism)"),

    STR("memory.type", memory, type, "hbm", "DRAM technology (informational)"),
    INT("memory.channels", memory, channels, 1, 4096, NULL, "channels", "Independent DRAM channels; addresses are interleaved over them"),
    DBL("memory.channel_gbps", memory, channel_gbps, 0.1, 10000, NULL, "GB/s", "Peak data rate of one channel (1 GB = 1e9 B)"),
    INT("memory.banks", memory, banks, 1, 1024, "16", "banks", "Banks per channel, each with one open row"),
    INT("memory.row_bytes", memory, row_bytes, 64, 65536, "1024", "bytes", "Row (page) size per bank"),
    INT("memory.interleave_bytes", memory, interleave_bytes, 32, 1048576, "256", "bytes", "Consecutive bytes mapped to one channel before moving to the next"),
    DBL("memory.latency_ns", memory, latency_ns, 0, 10000, "110", "ns", "Extra load-to-use latency of a DRAM access with a row hit (beyond the L2 path)"),
    DBL("memory.row_miss_ns", memory, row_miss_ns, 0, 10000, "30", "ns", "Precharge + activate when the row is not open"),
    DBL("memory.refresh_fraction", memory, refresh_fraction, 0, 0.5, "0.08", "fraction", "Share of time a channel is busy refreshing (tRFC/tREFI)"),
    INT("memory.clock_mhz", memory, clock_mhz, 100, 20000, "1600", "MHz", "Memory clock (informational: DRAM timing is given by memory.channel_gbps and the ns latencies)"),
    ENUM("memory.model", memory, model, "reservation|queued", "reservation", "DRAM timing model (sim/arch/dram.h): reservation = each access reserves its bank and a bus slot when it arrives, first come first served (fast; right for bandwidth-bound streams, what the shipped configs are fitted with); queued = a controller with a bounded queue per channel, a scheduler (memory.scheduler) and back-pressure, DRAMsim3-style (slower; for row-conflict and locality studies)"),
    POLICY("memory.row_policy", memory, row_policy, dram_row_policy_name, "open", "Row-buffer policy, both models (sim/arch/dram_rowpol_*.h): open (a row stays open until another row of its bank is needed) or closed (auto-precharge after every access: each access pays the activate alone). Ref: DRAMsim3 row_buf_policy"),
    POLICY("memory.scheduler", memory, scheduler, dram_scheduler_name, "frfcfs", "Command scheduler of memory.model=queued (sim/arch/dram_sched_*.h): frfcfs (row hits first, then the oldest; Rixner et al., ISCA 2000) or fcfs (the oldest first). The reservation model serves in arrival order"),
    INT("memory.queue_depth", memory, queue_depth, 1, 4096, "32", "requests/channel", "memory.model=queued: requests one channel's queue holds (waiting, or scheduled with their burst not begun); a requester finding it full waits. Default: DRAMsim3's trans_queue_size"),
    DBL("memory.precharge_fraction", memory, precharge_fraction, 0, 1, "0.5", "fraction", "Share of memory.row_miss_ns that is the precharge (tRP); the rest is the activate (tRCD). Used by the closed row policy and the queued model. Default: tRP = tRCD, as in HBM2/HBM3 speed bins (JESD235/JESD238)"),

    POLICY("prefetch.policy", prefetch, policy, prefetch_policy_name, "none", "L2 prefetcher (sim/arch/prefetch_*.h): none; next_line (the lines after each trigger); stride (a repeated stride per SM); stream (ascending or descending accesses within a region of prefetch.stream_region_kib, from any SM)"),
    INT("prefetch.degree", prefetch, degree, 0, 64, "2", "lines", "Lines prefetched per trigger"),
    INT("prefetch.distance", prefetch, distance, 1, 65536, "1", "lines", "How far ahead of the missed line prefetching starts (1: the next line; larger values run ahead of the demand window)"),
    INT("prefetch.table_entries", prefetch, table_entries, 1, 4096, "64", "entries", "Stride detector entries (stride policy, indexed by SM) or stream trackers (stream policy, LRU)"),
    INT("prefetch.stream_region_kib", prefetch, stream_region_kib, 1, 1048576, "4", "KiB", "Stream policy: the address window one tracker follows (a page); a stream is detected from the direction of accesses within it"),

    INT("pcie.gen", pcie, gen, 1, 6, NULL, "generation", "PCIe generation (1-6); sets the per-lane rate and encoding"),
    INT("pcie.lanes", pcie, lanes, 1, 32, NULL, "lanes", "PCIe link width"),
    DBL("pcie.latency_us", pcie, latency_us, 0, 10000, "10", "us", "Per-copy fixed cost: driver call, DMA setup, completion"),
    DBL("pcie.payload_efficiency", pcie, payload_efficiency, 0.1, 1, "0.86", "fraction", "Payload share of link bytes (TLP/DLLP overhead)"),
    INT("pcie.copy_engines", pcie, copy_engines, 1, 16, "2", "engines", "DMA copy engines; copies on different streams use different engines"),
    DBL("pcie.bidir_gbps", pcie, bidir_gbps, 0.1, 10000, "85", "GB/s", "Both directions together (host memory / root complex limit)"),
    DBL("pcie.staging_h2d_gbps", pcie, staging_h2d_gbps, 0.1, 10000, "8", "GB/s", "Host memcpy rate into the staging buffer (pageable H2D)"),
    DBL("pcie.staging_d2h_gbps", pcie, staging_d2h_gbps, 0.1, 10000, "14", "GB/s", "Host memcpy rate out of the staging buffer (pageable D2H)"),
    DBL("pcie.staging_zero_gbps", pcie, staging_zero_gbps, 0.1, 10000, "19", "GB/s", "Host memcpy rate into the staging buffer from a pageable buffer never written (its pages map the kernel's zero page, which stays in the CPU's cache): copy zero_page=1"),
    DBL("pcie.staging_cached_gbps", pcie, staging_cached_gbps, 0.1, 10000, "15", "GB/s", "Host memcpy rate when the pageable buffer fits in the host's last-level cache"),
    INT("pcie.host_cache_mib", pcie, host_cache_mib, 0, 65536, "32", "MiB", "Host last-level cache: pageable buffers up to this size are copied at the cached rate"),
    DBL("pcie.pageable_extra_us", pcie, pageable_extra_us, 0, 10000, "10", "us", "Extra fixed cost of a pageable copy (staging buffer setup, host synchronisation)"),
    INT("pcie.staging_chunk_kib", pcie, staging_chunk_kib, 4, 1048576, "2048", "KiB", "Staging buffer chunk: pageable copies pipeline memcpy and DMA per chunk"),
    DBL("pcie.zc_latency_ns", pcie, zc_latency_ns, 1, 1e6, "1100", "ns", "Zero-copy (a kernel reading mapped pinned host memory, src=host): round trip of a read request from an SM to host memory and back, beyond its time on the link"),
    DBL("pcie.zc_payload_efficiency", pcie, zc_payload_efficiency, 0.1, 1, "0.81", "fraction", "Payload share of link bytes for zero-copy traffic (one line per TLP, against larger DMA payloads for copies)"),
    DBL("pcie.zc_kernel_us", pcie, zc_kernel_us, 0, 10000, "3.5", "us", "Extra time at the end of a kernel that read or wrote host memory (zero-copy), beyond its last access: measured, its cause not modeled (a system-scope fence and the host mapping's translations are candidates)"),

    DBL("power.limit_w", power, limit_w, 1, 100000, "700", "W", "Board power limit (TDP), held by the slow loop: the SM clock is at most the highest at which the activity averaged over power.slow_tau_ms draws this"),
    DBL("power.slow_tau_ms", power, slow_tau_ms, 0.001, 1e7, "70", "ms", "Time constant of the power controller's slow loop (the one holding power.limit_w): a load after idle runs at the fast loop's clock for about this long"),
    DBL("power.fast_limit_ratio", power, fast_limit_ratio, 1, 10, "1.3", "x limit_w", "The fast loop's limit as a multiple of power.limit_w: the SM clock is also at most the highest at which the activity averaged over power.tau_us draws this much (the card's short-term limit)"),
    DBL("power.tau_us", power, tau_us, 0.001, 1e9, "200", "us", "Time constant of the power controller's fast loop (the one holding power.limit_w x power.fast_limit_ratio)"),
    DBL("power.control_us", power, control_us, 0.1, 1e6, "10", "us", "Sampling interval of the power controller (modeled power is averaged over it)"),
    DBL("power.min_clock_mhz", power, min_clock_mhz, 10, 5000, "500", "MHz", "Lowest SM clock the power controller may set"),
    DBL("power.ambient_c", power, ambient_c, -50, 200, "45", "C", "Thermal model: die temperature at zero board power (the heat sink's reference: inlet air or coolant plus the sink's own rise)"),
    DBL("power.r_th_c_per_w", power, r_th_c_per_w, 0, 10, "0.035", "C/W", "Thermal model: steady die temperature rise per watt of board power"),
    DBL("power.thermal_tau_ms", power, thermal_tau_ms, 0.001, 1e7, "140", "ms", "Thermal model: time constant of the die temperature's response to power (reported only: temperature feeds nothing back)"),
    DBL("power.board_idle_w", power, board_idle_w, 0, 10000, "80", "W", "Idle board power outside the SMs' leakage: memory refresh and PHY, voltage regulators, uncore, fans"),
    DBL("power.sm_static_w", power, sm_static_w, 0, 100, "0.35", "W/SM", "Leakage per SM at the top V-f point (part of idle power; scales with V)"),
    DBL("power.sm_active_w", power, sm_active_w, 0, 100, "0.3", "W/SM", "Power of an SM that holds work, beyond idle, at gpu.clock_mhz (clock tree, schedulers, register file; scales with f V^2)"),
    DBL("power.vf_low_mhz", power, vf_low_mhz, 10, 5000, "1000", "MHz", "V-f curve: lower point's SM clock; V is linear from here to gpu.clock_mhz and flat at power.vf_low_mv below"),
    DBL("power.vf_low_mv", power, vf_low_mv, 100, 2000, "700", "mV", "V-f curve: voltage at power.vf_low_mhz"),
    DBL("power.vf_high_mv", power, vf_high_mv, 100, 2000, "1000", "mV", "V-f curve: voltage at gpu.clock_mhz (dynamic energies below are given at this point and scale with V^2)"),
    DBL("power.mma_fp16_pj", power, mma_fp16_pj, 0, 1000, "0.5", "pJ/FLOP", "Tensor-core energy per FP16 FLOP at the top V-f point (operand fetch from shared memory and registers included)"),
    DBL("power.mma_bf16_pj", power, mma_bf16_pj, 0, 1000, "0.5", "pJ/FLOP", "Tensor-core energy per BF16 FLOP at the top V-f point"),
    DBL("power.mma_tf32_pj", power, mma_tf32_pj, 0, 1000, "1", "pJ/FLOP", "Tensor-core energy per TF32 FLOP at the top V-f point"),
    DBL("power.mma_fp8_pj", power, mma_fp8_pj, 0, 1000, "0.25", "pJ/FLOP", "Tensor-core energy per FP8 FLOP at the top V-f point"),
    DBL("power.fma_pj", power, fma_pj, 0, 1000, "4", "pJ/FLOP", "CUDA-core energy per FLOP (FP32 FMA = 2 FLOPs, register file included) at the top V-f point"),
    DBL("power.l2_pj_per_byte", power, l2_pj_per_byte, 0, 10000, "30", "pJ/B", "Energy per byte moved between an SM and the L2 (crossbar, L2 array, L1/shared fill) at the top V-f point"),
    DBL("power.lsu_pj_per_byte", power, lsu_pj_per_byte, 0, 10000, "0", "pJ/B", "Energy per byte that load/store instructions move (loads through L1, stores), beyond power.l2_pj_per_byte, at the top V-f point: the LSU, the L1 tag and data arrays, coalescing and the register-file write-back. Bulk tile loads (a GEMM's TMA / cp.async operands) and a device-to-device copy's bytes (power.ce_pj_per_byte) skip this path"),
    DBL("power.inst_pj", power, inst_pj, 0, 100000, "0", "pJ/instr", "Energy per issued warp instruction that is neither an FMA (power.fma_pj) nor a tensor-core MMA (power.mma_*_pj), at the top V-f point: fetch, decode, scheduling and 32 lanes of register-file operand reads and write-back (AccelWattch-style activity energy). Booked by the kernels that count their instructions (element-wise kernels, reductions; a device-to-device copy runs on a copy engine and issues none); the bytes a load or store moves still pay power.lsu_pj_per_byte"),
    DBL("power.dram_pj_per_byte", power, dram_pj_per_byte, 0, 10000, "50", "pJ/B", "Energy per DRAM byte read or written (DRAM core, PHY, memory controller); not on the SM rail"),
    DBL("power.pcie_pj_per_byte", power, pcie_pj_per_byte, 0, 100000, "300", "pJ/B", "Energy per byte copied over PCIe (link, copy engine, device-memory side)"),
    DBL("power.ce_pj_per_byte", power, ce_pj_per_byte, 0, 100000, "15", "pJ/B", "Energy per byte a copy engine reads or writes in a device-to-device copy (copy dir=d2d: no load/store or other instructions, beyond power.l2_pj_per_byte and the DRAM's), at the top V-f point"),
    ENUM("gemm.select", gemm, select, "library|best", "library", "How a GEMM without an explicit mapping is mapped: library = the kernel family a GEMM library ships for the shape, dtype and alignment, tile by its estimate (as cuBLAS on this card); best = the candidate with the best estimate among every family this machine can run (a design point no library was tuned for)"),
    INT("gemm.reduce_loads", gemm, reduce_loads, 1, 1024, "8", "loads", "Split-K reduce kernel: partials each thread has in flight as it sums the split_k fp32 partials of its outputs (far L2 hits); below the bandwidth bound a reduce takes ceil(split_k / this) far-hit latencies"),
    DBL("gemm.reduce_fixed_us", gemm, reduce_fixed_us, 0, 10000, "1.6", "us", "Split-K reduce kernel behind a Hopper (TMA) GEMM kernel: its duration beyond its loads (CTA launch, the first loads' latency, the stores' drain, completion); it starts as the GEMM kernel ends, as with a programmatic dependent launch (behind other kernels it pays host.kernel_setup_us instead)"),
    DBL("gemm.largek_fixed_us", gemm, largek_fixed_us, 0, 10000, "0", "us", "cuBLAS's legacy sgemm_largek_lds64 kernel (fp32 GEMMs with a bias of fewer than 2^21 multiply-adds): its time beyond the loads and FMAs of its k-tiles, not decomposed (its atomics into C, its own set-up)"),
    INT("sim.l2_set_sampling", sim, l2_set_sampling, 1, 64, "1", "sets", "Simulator speed knob, not hardware: bulk (tile, stream) traffic simulates 1 in N L2 sets exactly and charges each simulated line N lines of bandwidth (set sampling), spread over a group of N/2 slices (the lines it stands for live on other slices); 1 = every set. With a prefetcher, prefetches stay in the simulated sets and each stands for N lines"),
    ENUM("sim.steady_state", sim, steady_state, "off|on", "on", "Simulator speed knob, not hardware: an op with repeat=N stops simulating once its last 3 iterations agree within 0.5% in time, energy, L2 accesses and PCIe bytes and within 5% in DRAM bytes and L2 hits (random replacement varies them by a few percent) and ran alone on the GPU, and extrapolates the remaining iterations at the 3 iterations' mean (time, counters, energy; the clock advances; while the power controller's slow loop moves the clock, iteration time and energy follow it: sim/arch/power.h); a trace that repeats a period of ops (164 periods or more) is simulated until 64 periods agree (every op one period after its counterpart within 3%, no trend in time, traffic or energy) and the periods between are filled in (sim/kernels/runner.c); off = simulate every iteration and every op"),
    ENUM("sim.wave_sampling", sim, wave_sampling, "off|on", "on", "Simulator speed knob, not hardware: a GEMM of 9 or more waves of data-parallel tiles that has the GPU to itself (no op runs or waits on another stream, and none is submitted to one before the next sync) stops simulating waves once its L2 misses have refilled the L2 and the waves between its last 4, 6 or 8 checkpoints (one every resident-CTA-count tiles finished) are two periods of 2, 3 or 4 waves that agree: each wave within 3% in time and energy and 5% in traffic of the one a period before, the periods' sums within 0.5% and 5% (sim/kernels/steady.h); the waves no CTA has begun but the last one are not simulated and the kernel's end moves by the mean wave's time, traffic and energy (the clock through the power controller's slow loop: sim/arch/power.h); off = simulate every wave"),
    INT("sim.loops_before", sim, loops_before, 0, 1000000000, "0", "runs", "Run protocol, not hardware: the trace runs as the last of N + 1 back-to-back runs of itself (a benchmark's warm-ups and earlier repetitions): gpusim simulates it once from idle, starts the power controller's slow loop where N runs of that activity leave it, and simulates it again (skipped when the slow loop cannot bind); caches, the fast loop and the die temperature start as in any run"),
    DBL("host.launch_latency_us", host, launch_latency_us, 0, 10000, "4", "us", "Host submit to kernel start on an idle GPU"),
    DBL("host.eager_gap_us", host, eager_gap_us, 0, 10000, "10", "us", "Host time to launch one op eagerly (framework + driver)"),
    DBL("host.eager_gemm_us", host, eager_gemm_us, 0, 10000, "11", "us", "Host time to launch one GEMM eagerly: the library call (cuBLAS heuristics cache, descriptors, launch) instead of host.eager_gap_us"),
    DBL("host.eager_copy_us", host, eager_copy_us, 0, 10000, "6", "us", "Host time to issue one copy eagerly (a cudaMemcpyAsync call, no kernel set-up of the framework's) instead of host.eager_gap_us"),
    DBL("host.page_fault_us", host, page_fault_us, 0, 10000, "2", "us", "Host time the first touch of one 4 KiB page of a pageable buffer costs (the kernel's page fault: allocate and zero the page), charged to a pageable d2h copy's staging memcpy into a destination never touched since it was mapped: copy first_touch=1"),
    DBL("host.graph_gap_us", host, graph_gap_us, 0, 10000, "1.4", "us", "Time between kernels in a CUDA-graph replay, from one kernel's end to the next one's start (the first kernel of a replay pays host.kernel_setup_us behind earlier work)"),
    DBL("host.kernel_tail_us", host, kernel_tail_us, 0, 10000, "1", "us", "Last CTA done to kernel completion visible (flush, event)"),
    DBL("host.kernel_setup_us", host, kernel_setup_us, 0, 10000, "1.4", "us", "GPU-side start of a stream-launched kernel queued behind its predecessor: the front end fetches and processes the launch, then the first CTAs start (CUDA-graph replays pay host.graph_gap_us instead)"),
};

const size_t gpusim_nparams = sizeof gpusim_params / sizeof gpusim_params[0];
