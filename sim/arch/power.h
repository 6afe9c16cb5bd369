/*
 * power.h: board power, energy per op, and the power-limit controller that
 * sets the SM clock.
 *
 * Modeled:
 *  - Idle board power: power.board_idle_w (memory refresh and PHY, regulators,
 *    uncore, fans) plus power.sm_static_w of leakage per SM, which scales with
 *    the SM rail's voltage V.
 *  - Dynamic energy per operation by unit: tensor-core MMA per dtype per FLOP,
 *    CUDA-core FLOP, SM<->L2 byte (crossbar, L2 array, L1/shared fill), byte
 *    moved by load/store instructions (LSU, L1 arrays, register file: loads
 *    through L1 and stores; a GEMM's bulk tile loads skip this path), issued
 *    warp instruction other than an FMA or MMA (power.inst_pj: fetch, decode,
 *    scheduling, register-file operands; booked by the kernels that count their
 *    instructions: element-wise and copy kernels, reductions), DRAM byte, PCIe
 *    byte; and power.sm_active_w for each SM that holds work (clock tree,
 *    schedulers, register file). Energies are given at the top V-f point
 *    (gpu.clock_mhz, power.vf_high_mv); those on the SM rail (MMA, FMA, L2, LSU,
 *    instructions, SM active) scale with V^2 per operation, so their power scales with f V^2.
 *    DRAM and PCIe energy does not depend on the SM clock.
 *  - V-f curve: V linear in f from (power.vf_low_mhz, power.vf_low_mv) to
 *    (gpu.clock_mhz, power.vf_high_mv), flat at vf_low_mv below.
 *  - Power-limit controller, two loops: every power.control_us it takes the
 *    interval's activity (SM-rail power referred to the top V-f point, and the
 *    off-rail power) and passes it through two first-order filters (exact
 *    exponential step per interval): the fast loop's, time constant
 *    power.tau_us (microseconds: the card's short-term limiter), and the slow
 *    loop's, power.slow_tau_ms (tens of milliseconds: the sustained limit). The
 *    clock is the highest at which the fast-filtered activity draws at most
 *    power.limit_w x power.fast_limit_ratio and the slow-filtered activity at
 *    most power.limit_w (SM-rail power scaling with f V^2). Filtering the
 *    activity rather than the clock target keeps the mean power at a loop's
 *    limit when kernels and gaps alternate faster than its tau. An idle gap lets
 *    the filtered activity decay, so the clock recovers toward gpu.clock_mhz.
 *    The controller sees each booking spread over the span its work occupies
 *    (power_add_span). So a burst after idle runs at the fast loop's clock for
 *    ~power.slow_tau_ms (bursts.csv: constant speed over 25 ms), a long loop
 *    settles at the sustained clock (ramp.csv, clock_trace.csv), and the
 *    dependence of both on how many SMs are busy come out of the power model.
 *    sim.loops_before presets the slow loop (power_preload).
 *  - The clock scales tensor-core and CUDA-core rates only (power_stretch);
 *    latencies given in cycles, L2 and DRAM bandwidths keep their
 *    gpu.clock_mhz values (the L2 and memory run in their own clock domains).
 *
 * Attribution (per op, no global-counter differences): each dynamic energy is
 * booked to the op that caused it (the op whose CTA holds the SM, the copy's op,
 * the flush's op); SM-active energy to the op whose CTA made the SM busy; idle
 * board power is split evenly among the ops running at each moment (an op runs
 * from its reported start, power_op_ready, launch gap included), and idle
 * time with no op running belongs to the run only. So the ops' energies sum to
 * at most the run's, with equality when something always runs.
 *
 * Temperature: a first-order die temperature driven by each interval's board
 * power (thermal.h), reported per op and per run; it feeds nothing back.
 * Approximated: one clock for the whole chip; leakage at the data's 55-75 C is
 * folded into sm_static_w (no temperature dependence); no clock quantisation (real
 * clocks step by 15 MHz); the controller sees each reservation's energy spread
 * evenly over the span the work occupies (its pipe or transfer time, up to
 * POWER_AHEAD intervals ahead), not its real profile within that span; the
 * each loop's inner workings are folded into one first-order response; the
 * card's ~1 s dips (its clock falls once more when NVML's ~1 s power average
 * reaches the limit: ramp.csv at ~1 s) are not modeled. Cost: O(1) per booking;
 * two bisections per control interval.
 * Invariant: min_clock_mhz <= clock <= gpu.clock_mhz; energies only grow.
 * Reference: ../shared/hw/h100 energy_*.csv, power_idle.csv, clock_trace.csv
 * (README "Energy method"), analysis/hw/h100_s10 bursts.csv and ramp.csv;
 * configs/common.ini and the card's file cite each value.
 */
#ifndef GPUSIM_POWER_H
#define GPUSIM_POWER_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "trace/trace.h"

typedef struct power power;

typedef enum power_unit {
    PW_MMA_FP16, PW_MMA_BF16, PW_MMA_TF32, PW_MMA_FP8,  /* per FLOP */
    PW_FMA,                                             /* per CUDA-core FLOP */
    PW_L2,                                              /* per SM<->L2 byte */
    PW_LSU,                                             /* per byte of load/store instructions */
    PW_INST,                                            /* per issued warp instruction (not FMA / MMA) */
    PW_DRAM,                                            /* per DRAM byte */
    PW_PCIE,                                            /* per PCIe byte */
    PW_CE,                                              /* per byte a copy engine moves within the device */
    PW_UNITS
} power_unit;

#define POWER_NO_OP (-1)

/* Run-level results. */
typedef struct power_summary {
    double energy_j;          /* whole run, idle included */
    double avg_power_w;       /* energy_j / elapsed */
    double peak_power_w;      /* highest power.control_us average */
    double mean_clock_mhz;    /* time-weighted SM clock */
    double min_clock_mhz;
    double temp_c;            /* die temperature at the end (thermal.h) */
    double peak_temp_c;       /* highest */
    double mean_temp_c;       /* time-weighted */
    double in_act_w;          /* mean controller input: SM-rail power at the top V-f point */
    double in_fixed_w;        /* mean controller input: off-rail dynamic power */
    double in_peak_w;         /* highest control interval's input (the two summed) */
} power_summary;

/* Per-op results. */
typedef struct power_op {
    double energy_j;          /* dynamic energy booked to it + its share of idle */
    double clock_mhz;         /* time-weighted SM clock while it ran */
    double temp_c;            /* time-weighted die temperature while it ran */
} power_op;

/* Returns NULL when out of memory. nsm: SMs on the chip. */
power *power_create(const gpu_config *cfg, int nsm);
void power_destroy(power *p);
/* The run's ops are 0..nops-1 (their books dropped, none open). Books exist only for the ops in flight:
 * opened by power_op_open (or an op's first booking) and dropped by power_op_retire, in op order.
 * Returns 0 (cannot fail). */
int power_set_ops(power *p, size_t nops);
/* Makes room for op's books before it runs. 0, or GPUSIM_EFAIL (out of memory, unchanged). */
int power_op_open(power *p, int op);
/* Drops the books of ops below end: their results were read (power_op_settled, power_op_result);
 * what is booked to them later counts toward the run only. */
void power_op_retire(power *p, size_t end);
/* 1 when some op's books could not be made (out of memory): its results are short. */
int power_lost_books(const power *p);
/* The op starts running at t / has finished at t (idle share, mean clock). */
void power_op_begin(power *p, int op, uint64_t t);
/* The op's reported span begins at t (submitted and its stream free), before its
 * first kernel starts (the host's launch gap): its idle share, mean clock and
 * temperature count from here, as its reported time does; unlike power_op_begin
 * it does not become the current op. A later power_op_begin keeps these books. */
void power_op_ready(power *p, int op, uint64_t t);
void power_op_end(power *p, int op, uint64_t t);
/* The op's timed span begins at t (a microbenchmark timed inside its kernel, after
 * untimed warm-up work): what it booked before t (dynamic energy, idle share, clock
 * and temperature integrals) leaves its results and stays the run's only, so its
 * energy covers the same span as its reported time. Snapshots (power_snapshot) still
 * count what was booked before, so iteration differences stay whole. */
void power_op_restart(power *p, int op, uint64_t t);
/* The op that began last (for work with no SM of its own), or POWER_NO_OP. */
int power_current_op(const power *p);
/* SM smi became busy with a CTA of op at t / went idle at t. */
void power_sm_busy(power *p, int smi, int op, uint64_t t);
void power_sm_idle(power *p, int smi, uint64_t t);
/* The op whose CTA made SM smi busy; POWER_NO_OP when idle. */
int power_sm_op(const power *p, int smi);
/* Books `amount` units of u to op (POWER_NO_OP: the run only) at t. */
void power_add(power *p, power_unit u, double amount, int op, uint64_t t);
/* The same for work reserved at `now` that executes over [t0, t1): the op's books
 * get it at once, the controller sees its power spread over the intervals the
 * work spans (a pipe's queue, a transfer), not as a spike when it was reserved. */
void power_add_span(power *p, power_unit u, double amount, int op, uint64_t now, uint64_t t0, uint64_t t1);
/* The tensor-core unit of a dtype; PW_FMA for dtypes without one. */
power_unit power_mma_unit(dtype_id dt);
/* Runs the controller up to t; returns gpu.clock_mhz / clock (>= 1), the factor
 * by which tensor-core and CUDA-core work stretches at t. */
double power_stretch(power *p, uint64_t t);
/* Current SM clock (for tests). */
double power_clock_mhz(const power *p);
/* Steady-state extrapolation (runner, repeat=). A snapshot of the books at t
 * (the controller run up to t); the difference of two snapshots is what an
 * interval added. */
typedef struct power_books {
    double idle_j;            /* integral of idle power */
    double share_j;           /* integral of idle power / ops running */
    double clk_mhz_ps;        /* integral of the SM clock */
    double op_j;              /* energy booked to the op (dynamic while it runs) */
    double rail_top_j;        /* all SM-rail dynamic energy, referred to the top V-f point */
    double fixed_j;           /* all off-rail dynamic energy (DRAM, PCIe) */
} power_books;
void power_snapshot(power *p, int op, uint64_t t, power_books *out);
/* The chip runs up to k more steady iterations of op from t, every SM idle at t,
 * each like the window's mean *iter lasting iter_ps, of which the share beta is
 * issue-bound (tensor / CUDA-core issue: it stretches as the clock falls). While
 * the slow loop does not move the clock below the window's, each iteration adds
 * *iter exactly; else, in steps of a sixteenth of power.slow_tau_ms, the clock
 * follows the slow loop (driven by the iterations' activity), an iteration lasts
 * iter_ps x (1 - beta + beta x f_window / f), its rail energy scales with V^2
 * and its idle energy with its time. Stops before max_ps of time. Returns the
 * time the iterations took and their number in *done; the fast loop's state
 * stays the window's. */
uint64_t power_extrapolate(power *p, int op, uint64_t t, uint64_t iter_ps, const power_books *iter, double beta,
                           uint64_t k, uint64_t max_ps, uint64_t *done);
/* sim.loops_before: the slow loop as after dt_ps of filter inputs act_w (SM rail
 * at the top V-f point) and fixed_w (off the rail), from its current state. */
void power_preload(power *p, double act_w, double fixed_w, double dt_ps);
/* Whether, after such a preload from idle, a run of run_ps whose interval inputs
 * peak at peak_in_w could have the slow loop lower the clock (0: it cannot, a run
 * from idle is the same run). */
int power_preload_binds(const gpu_config *cfg, int nsm, double act_w, double fixed_w, double pre_ps, double run_ps,
                        double peak_in_w);
/* Closes the books at t_end (t_end >= every time seen). */
void power_finish(power *p, uint64_t t_end, power_summary *out);
/* Per-op results: after power_finish, or once the op is settled (power_op_settled). */
const power_op *power_op_result(const power *p, int op);
/* Whether nothing more can be booked to op: its books are closed (power_op_end), no SM it made busy is
 * still busy (such an SM books its active energy to op until it goes idle, even when a later op's CTAs
 * keep it busy), and it is not the current op. Its results are then final. Cost: O(SMs) while some SM is busy. */
int power_op_settled(const power *p, int op);

#endif
