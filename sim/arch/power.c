/* power.c: energy books and the power-limit clock controller (see power.h). */
#include "power.h"
#include "engine/errors.h"

#include "thermal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PS 1e-12 /* seconds per picosecond */
/* Control intervals ahead of the current one that booked energy can be spread
 * over (work reserved further ahead lands in the last): 640 us at power.control_us = 1 */
#define POWER_AHEAD 640

typedef struct op_books {
    power_op res;         /* energy_j, clock_mhz, temp_c */
    double idle0, clk0;   /* idle-share and clock integrals at begin */
    double temp0;         /* temperature integral at begin */
    double dropped_j;     /* dynamic energy booked before a restart (power_op_restart): the run's only */
    uint64_t t0;
    int running;
} op_books;

struct power {
    /* parameters */
    double fmax_mhz, fmin_mhz, limit_w;    /* limit_w: the slow loop's (sustained) limit */
    double fast_limit_w;                    /* the fast loop's: limit_w x power.fast_limit_ratio */
    double vf_lo_mhz, v_lo, v_hi;           /* mV */
    double idle_board_w, sm_static_w, sm_active_w;
    double e_j[PW_UNITS];                   /* J per unit at the top V-f point */
    int on_rail[PW_UNITS];                  /* scales with V^2 */
    double control_ps, tau_ps, decay;       /* decay = exp(-control/tau) */
    double slow_tau_ps, slow_decay;         /* the slow loop's */
    int nsm;
    /* state */
    double f_mhz;                           /* current SM clock */
    double v_ratio;                         /* V(f) / V(fmax) */
    double v2;                              /* v_ratio^2 */
    uint64_t t_int;                         /* integrals are computed up to here */
    uint64_t next_tick, last_tick;
    int n_busy, n_running, current_op;
    double idle_int_j;                      /* integral of idle power */
    double share_int_j;                     /* integral of idle power / ops running */
    double clk_int;                         /* integral of f dt (MHz ps) */
    double act_int;                         /* integral of f V^2 / (fmax Vmax^2) dt (s) */
    double dyn_j;                           /* all dynamic energy booked */
    double rail_top_j;                      /* of which on the SM rail, referred to the top V-f point */
    double fixed_j;                         /* of which off the rail */
    double in_act_int, in_fixed_int;        /* integrals of the filters' inputs (W ps): their run means */
    double in_peak_w;                       /* highest interval input (activity + off-rail) */
    double win_rail_j, win_fixed_j;         /* this control interval's dynamic energy */
    double ahead_rail_j[POWER_AHEAD];       /* energy of work reserved for later intervals: */
    double ahead_fixed_j[POWER_AHEAD];      /*   [(ahead_head + k) % POWER_AHEAD] = k + 1 intervals on */
    int ahead_head, ahead_used;             /* ring start; slots holding energy */
    double act_avg_w, fixed_avg_w;          /* fast-filtered activity: SM-rail power at the top V-f point, off-rail power */
    double slow_act_w, slow_fixed_w;        /* the same, slow-filtered */
    double peak_w, min_mhz;
    thermal th;                             /* die temperature (reported only) */
    double temp_int;                        /* integral of the temperature up to last_tick (C ps) */
    int *sm_op;                             /* per SM: op that made it busy, or POWER_NO_OP */
    double *sm_act0;                        /* per SM: act_int when it became busy */
    /* the books of the ops in flight only: a ring of ops [ops_lo, ops_lo + ops_cap), op's at
     * op & (ops_cap - 1), opened before the op runs (power_op_open, or its first booking) and retired
     * once its results were read (power_op_retire) */
    op_books *ops;
    size_t ops_cap;                         /* 0 or a power of two */
    size_t ops_lo;                          /* ops below are retired */
    size_t nops;                            /* ops of the run */
    int oom;                                /* a ring could not grow: some op's books were lost */
};

static double volt_ratio(const power *p, double f)
{
    double v = f <= p->vf_lo_mhz ? p->v_lo
             : p->v_lo + (p->v_hi - p->v_lo) * (f - p->vf_lo_mhz) / (p->fmax_mhz - p->vf_lo_mhz);
    return v / p->v_hi;
}

static double idle_w(const power *p, double v_ratio)
{
    return p->idle_board_w + (double)p->nsm * p->sm_static_w * v_ratio;
}

static void set_clock(power *p, double f)
{
    if (f > p->fmax_mhz) f = p->fmax_mhz;
    if (f < p->fmin_mhz) f = p->fmin_mhz;
    p->f_mhz = f;
    p->v_ratio = volt_ratio(p, f);
    p->v2 = p->v_ratio * p->v_ratio;
    if (f < p->min_mhz) p->min_mhz = f;
}

/* The slow loop's filters take inputs act_w and fixed_w for a step whose decay is `decay` (exp(-dt / tau)). */
static void slow_filter(power *p, double act_w, double fixed_w, double decay)
{
    p->slow_act_w = act_w + (p->slow_act_w - act_w) * decay;
    p->slow_fixed_w = fixed_w + (p->slow_fixed_w - fixed_w) * decay;
}

power *power_create(const gpu_config *cfg, int nsm)
{
    power *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->nsm = nsm;
    p->sm_op = malloc(sizeof *p->sm_op * (size_t)nsm);
    p->sm_act0 = calloc((size_t)nsm, sizeof *p->sm_act0);
    if (!p->sm_op || !p->sm_act0) { power_destroy(p); return NULL; }
    for (int i = 0; i < nsm; i++) p->sm_op[i] = POWER_NO_OP;
        p->fmax_mhz = (double)cfg->gpu.clock_mhz;
    p->fmin_mhz = cfg->power.min_clock_mhz < p->fmax_mhz ? cfg->power.min_clock_mhz : p->fmax_mhz;
    p->limit_w = cfg->power.limit_w;
    p->fast_limit_w = cfg->power.limit_w * cfg->power.fast_limit_ratio;
    p->vf_lo_mhz = cfg->power.vf_low_mhz < p->fmax_mhz ? cfg->power.vf_low_mhz : p->fmax_mhz;
    p->v_lo = cfg->power.vf_low_mv;
    p->v_hi = cfg->power.vf_high_mv;
    p->idle_board_w = cfg->power.board_idle_w;
    p->sm_static_w = cfg->power.sm_static_w;
    p->sm_active_w = cfg->power.sm_active_w;
    double pj = 1e-12;
    p->e_j[PW_MMA_FP16] = cfg->power.mma_fp16_pj * pj;
    p->e_j[PW_MMA_BF16] = cfg->power.mma_bf16_pj * pj;
    p->e_j[PW_MMA_TF32] = cfg->power.mma_tf32_pj * pj;
    p->e_j[PW_MMA_FP8] = cfg->power.mma_fp8_pj * pj;
    p->e_j[PW_FMA] = cfg->power.fma_pj * pj;
    p->e_j[PW_L2] = cfg->power.l2_pj_per_byte * pj;
    p->e_j[PW_LSU] = cfg->power.lsu_pj_per_byte * pj;
    p->e_j[PW_INST] = cfg->power.inst_pj * pj;
    p->e_j[PW_DRAM] = cfg->power.dram_pj_per_byte * pj;
    p->e_j[PW_PCIE] = cfg->power.pcie_pj_per_byte * pj;
    p->e_j[PW_CE] = cfg->power.ce_pj_per_byte * pj;
    for (int u = 0; u < PW_UNITS; u++) p->on_rail[u] = u != PW_DRAM && u != PW_PCIE;
    p->control_ps = cfg->power.control_us * 1e6;
    p->tau_ps = cfg->power.tau_us * 1e6;
    p->decay = exp(-p->control_ps / p->tau_ps);
    p->slow_tau_ps = cfg->power.slow_tau_ms * 1e9;
    p->slow_decay = exp(-p->control_ps / p->slow_tau_ps);
    p->next_tick = (uint64_t)p->control_ps;
    p->current_op = POWER_NO_OP;
    p->min_mhz = p->fmax_mhz;
    set_clock(p, p->fmax_mhz);
    thermal_init(&p->th, cfg, idle_w(p, p->v_ratio));
    return p;
}

void power_destroy(power *p)
{
    if (!p) return;
    free(p->sm_op);
    free(p->sm_act0);
    free(p->ops);
    free(p);
}

int power_set_ops(power *p, size_t nops)
{
    free(p->ops);
    p->ops = NULL;
    p->ops_cap = p->ops_lo = 0;
    p->nops = nops;
    return 0;
}

int power_op_open(power *p, int op)
{
    if (op < 0 || (size_t)op >= p->nops || (size_t)op < p->ops_lo || (size_t)op - p->ops_lo < p->ops_cap) return 0;
    size_t cap = p->ops_cap ? p->ops_cap : 16;
    while ((size_t)op - p->ops_lo >= cap) cap *= 2;
    op_books *o = calloc(cap, sizeof *o);
    if (!o) return GPUSIM_EFAIL;
    for (size_t i = p->ops_lo; i < p->ops_lo + p->ops_cap; i++) o[i & (cap - 1)] = p->ops[i & (p->ops_cap - 1)];
    free(p->ops);
    p->ops = o;
    p->ops_cap = cap;
    return 0;
}

void power_op_retire(power *p, size_t end)
{
    if (end > p->nops) end = p->nops;
    for (; p->ops_lo < end; p->ops_lo++)
        if (p->ops_cap) memset(&p->ops[p->ops_lo & (p->ops_cap - 1)], 0, sizeof *p->ops);
}

int power_lost_books(const power *p) { return p->oom; }

/* op's books, or NULL (out of range, or retired); beyond the ring: opened when make, else NULL (an op
 * never booked has all-zero books). */
static op_books *books(power *p, int op, int make)
{
    if (op < 0 || (size_t)op >= p->nops || (size_t)op < p->ops_lo) return NULL;
    if ((size_t)op - p->ops_lo >= p->ops_cap) {
        if (!make) return NULL;
        if (power_op_open(p, op)) { p->oom = 1; return NULL; }
    }
    return &p->ops[(size_t)op & (p->ops_cap - 1)];
}

static const op_books *books_at(const power *p, int op) { return books((power *)p, op, 0); }

/* Advances the integrals from t_int to t1 at the current clock. */
static void integrate(power *p, uint64_t t1)
{
    if (t1 <= p->t_int) return;
    double dt = (double)(t1 - p->t_int);
    double idle = idle_w(p, p->v_ratio) * dt * PS;
    double act = p->f_mhz / p->fmax_mhz * p->v2 * dt * PS;
    p->idle_int_j += idle;
    if (p->n_running > 0) p->share_int_j += idle / p->n_running;
    p->clk_int += p->f_mhz * dt;
    p->act_int += act;
    p->win_rail_j += (double)p->n_busy * p->sm_active_w * act;
    p->t_int = t1;
}

/* Power of activity act (SM rail at the top V-f point) and off-rail power fixed if the
 * clock were f (the SM rail's dynamic power scales with f V^2, leakage with V). */
static double power_at(const power *p, double f, double act, double fixed)
{
    double v = volt_ratio(p, f);
    return idle_w(p, v) + act * (f / p->fmax_mhz) * v * v + fixed;
}

/* The highest clock at which activity (act, fixed) draws at most limit. */
static double clock_for(const power *p, double act, double fixed, double limit)
{
    if (power_at(p, p->fmax_mhz, act, fixed) <= limit) return p->fmax_mhz;
    double lo = p->fmin_mhz, hi = p->fmax_mhz;
    if (power_at(p, lo, act, fixed) >= limit) return lo;
    for (int i = 0; i < 24 && hi - lo > 0.05; i++) {
        double mid = 0.5 * (lo + hi);
        if (power_at(p, mid, act, fixed) > limit) hi = mid; else lo = mid;
    }
    return lo;
}

/* The clock both loops allow: the fast one holds the fast-filtered activity under
 * fast_limit_w, the slow one the slow-filtered activity under limit_w. */
static double clock_target(const power *p)
{
    double fast = clock_for(p, p->act_avg_w, p->fixed_avg_w, p->fast_limit_w);
    double slow = clock_for(p, p->slow_act_w, p->slow_fixed_w, p->limit_w);
    return fast < slow ? fast : slow;
}

/* One control step at the end of an interval of dt_ps: the interval's activity
 * enters two first-order filters (time constants tau_us and slow_tau_ms), and the
 * clock becomes the highest at which each filtered activity draws at most its
 * loop's limit. Filtering the activity, not the clock target, keeps the mean
 * power at the limit when the activity alternates faster than tau (kernels and
 * the gaps between them). */
static void control(power *p, double dt_ps)
{
    double rail_w = p->win_rail_j / (dt_ps * PS), fixed_w = p->win_fixed_j / (dt_ps * PS);
    p->win_rail_j = p->win_fixed_j = 0;
    double now_w = idle_w(p, p->v_ratio) + rail_w + fixed_w;
    if (now_w > p->peak_w) p->peak_w = now_w;
    p->temp_int += thermal_step(&p->th, now_w, dt_ps);
    double a = dt_ps == p->control_ps ? p->decay : exp(-dt_ps / p->tau_ps);
    double as = dt_ps == p->control_ps ? p->slow_decay : exp(-dt_ps / p->slow_tau_ps);
    double act = rail_w / (p->f_mhz / p->fmax_mhz * p->v2);  /* at the top V-f point */
    p->act_avg_w = act + (p->act_avg_w - act) * a;
    p->fixed_avg_w = fixed_w + (p->fixed_avg_w - fixed_w) * a;
    slow_filter(p, act, fixed_w, as);
    p->in_act_int += act * dt_ps;
    p->in_fixed_int += fixed_w * dt_ps;
    if (act + fixed_w > p->in_peak_w) p->in_peak_w = act + fixed_w;
    set_clock(p, clock_target(p));
}

/* Integral of the temperature up to t_int (the interval in progress at its current value). */
static double temp_integral(const power *p)
{
    return p->temp_int + p->th.temp_c * (double)(p->t_int - p->last_tick);
}

/* The next interval begins: the energy reserved for it becomes its window's. */
static void shift_ahead(power *p)
{
    int h = p->ahead_head;
    if (p->ahead_rail_j[h] != 0 || p->ahead_fixed_j[h] != 0) {
        p->win_rail_j += p->ahead_rail_j[h];
        p->win_fixed_j += p->ahead_fixed_j[h];
        p->ahead_rail_j[h] = p->ahead_fixed_j[h] = 0;
        p->ahead_used--;
    }
    p->ahead_head = (h + 1) % POWER_AHEAD;
}

/* Runs the controller's intervals that end at or before t, then integrates to t. */
static void advance(power *p, uint64_t t)
{
    while (t >= p->next_tick) {
        integrate(p, p->next_tick);
        uint64_t step = (uint64_t)p->control_ps;
        /* nothing happened, nothing is busy or reserved: one step over the whole idle gap */
        if (p->win_rail_j == 0 && p->win_fixed_j == 0 && p->n_busy == 0 && p->ahead_used == 0 &&
            t - p->next_tick >= 2 * step) {
            uint64_t end = p->next_tick + (t - p->next_tick) / step * step;
            integrate(p, end);
            control(p, (double)(end - p->last_tick));
            p->last_tick = end;
            p->next_tick = end + step;
            continue;
        }
        control(p, (double)(p->next_tick - p->last_tick));
        p->last_tick = p->next_tick;
        p->next_tick += step;
        shift_ahead(p);
    }
    integrate(p, t);
}

/* The op's books open at t (advanced to): idle share, clock and temperature integrals. */
static void open_books(power *p, int op)
{
    op_books *o = books(p, op, 1);
    if (!o || o->running) return;
    o->running = 1;
    o->idle0 = p->share_int_j;
    o->clk0 = p->clk_int;
    o->temp0 = temp_integral(p);
    o->t0 = p->t_int;
    p->n_running++;
}

void power_op_ready(power *p, int op, uint64_t t)
{
    advance(p, t);
    open_books(p, op);
}

void power_op_begin(power *p, int op, uint64_t t)
{
    advance(p, t);
    p->current_op = op;
    open_books(p, op);
}

void power_op_end(power *p, int op, uint64_t t)
{
    advance(p, t);
    op_books *o = books(p, op, 0);
    if (!o || !o->running) return;
    o->running = 0;
    o->res.energy_j += p->share_int_j - o->idle0;
    o->res.clock_mhz = p->t_int > o->t0 ? (p->clk_int - o->clk0) / (double)(p->t_int - o->t0) : p->f_mhz;
    o->res.temp_c = p->t_int > o->t0 ? (temp_integral(p) - o->temp0) / (double)(p->t_int - o->t0) : p->th.temp_c;
    p->n_running--;
}

void power_op_restart(power *p, int op, uint64_t t)
{
    advance(p, t);
    op_books *o = books(p, op, 0);
    if (!o || !o->running) return;
    o->dropped_j += o->res.energy_j;
    o->res.energy_j = 0;
    o->idle0 = p->share_int_j;
    o->clk0 = p->clk_int;
    o->temp0 = temp_integral(p);
    o->t0 = p->t_int;
}

int power_current_op(const power *p) { return p->current_op; }

void power_sm_busy(power *p, int smi, int op, uint64_t t)
{
    advance(p, t);
    if (smi < 0 || smi >= p->nsm || p->sm_op[smi] != POWER_NO_OP) return;
    p->sm_op[smi] = op;
    p->sm_act0[smi] = p->act_int;
    p->n_busy++;
}

static void book(power *p, int op, double j)
{
    p->dyn_j += j;
    op_books *o = books(p, op, 1);
    if (o) o->res.energy_j += j;
}

/* Books busy SM smi's active energy since its last booking to its op (advanced to now). */
static void book_active(power *p, int smi)
{
    double j = p->sm_active_w * (p->act_int - p->sm_act0[smi]);
    book(p, p->sm_op[smi], j);
    p->rail_top_j += j / p->v2;
    p->sm_act0[smi] = p->act_int;
}

void power_sm_idle(power *p, int smi, uint64_t t)
{
    advance(p, t);
    if (smi < 0 || smi >= p->nsm || p->sm_op[smi] == POWER_NO_OP) return;
    book_active(p, smi);
    p->sm_op[smi] = POWER_NO_OP;
    p->n_busy--;
}

int power_sm_op(const power *p, int smi) { return p->sm_op[smi]; }


/* Adds j to the control windows that [t0, t1) overlaps, in proportion (what lies
 * before the current window goes to it; beyond POWER_AHEAD, to the last). */
static void spread(power *p, int rail, double j, uint64_t t0, uint64_t t1)
{
    double *win = rail ? &p->win_rail_j : &p->win_fixed_j;
    double *ahead = rail ? p->ahead_rail_j : p->ahead_fixed_j;
    if (t0 < p->last_tick) t0 = p->last_tick;
    if (t1 <= t0 || t1 <= p->next_tick) { *win += j; return; }
    double per_ps = j / (double)(t1 - t0);
    uint64_t step = (uint64_t)p->control_ps, end = p->next_tick;
    if (t0 < end) *win += per_ps * (double)(end - t0);
    for (int k = 0; end < t1; k++, end += step) {
        uint64_t a = t0 > end ? t0 : end, b = end + step < t1 ? end + step : t1;
        if (b <= a) continue;
        double part = k == POWER_AHEAD - 1 ? per_ps * (double)(t1 - a) : per_ps * (double)(b - a);
        if (!(part > 0)) continue;
        int slot = (p->ahead_head + (k < POWER_AHEAD ? k : POWER_AHEAD - 1)) % POWER_AHEAD;
        if (ahead[slot] == 0 && (rail ? p->ahead_fixed_j : p->ahead_rail_j)[slot] == 0) p->ahead_used++;
        ahead[slot] += part;
        if (k == POWER_AHEAD - 1) break;
    }
}

void power_add_span(power *p, power_unit u, double amount, int op, uint64_t now, uint64_t t0, uint64_t t1)
{
    advance(p, now);
    double j = amount * p->e_j[u];
    if (p->on_rail[u]) { p->rail_top_j += j; j *= p->v2; }
    else p->fixed_j += j;
    spread(p, p->on_rail[u], j, t0, t1);
    book(p, op, j);
}

void power_add(power *p, power_unit u, double amount, int op, uint64_t t)
{
    power_add_span(p, u, amount, op, t, t, t);
}

power_unit power_mma_unit(dtype_id dt)
{
    switch (dt) {
    case DT_FP16: return PW_MMA_FP16;
    case DT_BF16: return PW_MMA_BF16;
    case DT_TF32: return PW_MMA_TF32;
    case DT_FP8: return PW_MMA_FP8;
    case DT_FP32: case DT_COUNT: break;
    }
    return PW_FMA;
}

double power_stretch(power *p, uint64_t t)
{
    advance(p, t);
    return p->fmax_mhz / p->f_mhz;
}

double power_clock_mhz(const power *p) { return p->f_mhz; }

void power_finish(power *p, uint64_t t_end, power_summary *out)
{
    advance(p, t_end);
    for (int i = 0; i < p->nsm; i++) if (p->sm_op[i] != POWER_NO_OP) power_sm_idle(p, i, t_end);
    for (size_t i = p->ops_lo; i < p->ops_lo + p->ops_cap; i++)
        if (p->ops[i & (p->ops_cap - 1)].running) power_op_end(p, (int)i, t_end);
    /* the last, partial control interval counts toward the peak */
    double part = (double)(p->t_int - p->last_tick);
    if (part > 0) {
        double w = idle_w(p, p->v_ratio) + (p->win_rail_j + p->win_fixed_j) / (part * PS);
        if (w > p->peak_w && part >= 0.5 * p->control_ps) p->peak_w = w;
    }
    double el = (double)p->t_int;
    out->energy_j = p->idle_int_j + p->dyn_j;
    out->avg_power_w = el > 0 ? out->energy_j / (el * PS) : idle_w(p, p->v_ratio);
    out->peak_power_w = p->peak_w > out->avg_power_w ? p->peak_w : out->avg_power_w;
    out->mean_clock_mhz = el > 0 ? p->clk_int / el : p->f_mhz;
    out->min_clock_mhz = p->min_mhz;
    out->temp_c = p->th.temp_c;
    out->peak_temp_c = p->th.peak_c;
    out->mean_temp_c = el > 0 ? temp_integral(p) / el : p->th.temp_c;
    out->in_act_w = el > 0 ? p->in_act_int / el : 0;
    out->in_fixed_w = el > 0 ? p->in_fixed_int / el : 0;
    out->in_peak_w = p->in_peak_w;
}

const power_op *power_op_result(const power *p, int op)
{
    static const power_op none = { 0, 0, 0 };
    const op_books *o = books_at(p, op);
    return o ? &o->res : &none;
}

int power_op_settled(const power *p, int op)
{
    if (op < 0 || (size_t)op >= p->nops || (size_t)op < p->ops_lo) return 1;
    const op_books *o = books_at(p, op);
    if ((o && o->running) || p->current_op == op) return 0;
    for (int i = 0; p->n_busy && i < p->nsm; i++)
        if (p->sm_op[i] == op) return 0;
    return 1;
}

void power_snapshot(power *p, int op, uint64_t t, power_books *out)
{
    advance(p, t);
    if (p->n_busy) /* SMs still busy: their active energy so far (else booked when they go idle) */
        for (int i = 0; i < p->nsm; i++)
            if (p->sm_op[i] != POWER_NO_OP) book_active(p, i);
    out->idle_j = p->idle_int_j;
    out->share_j = p->share_int_j;
    out->clk_mhz_ps = p->clk_int;
    const op_books *o = books_at(p, op);
    out->op_j = o ? o->res.energy_j + o->dropped_j : 0;
    out->rail_top_j = p->rail_top_j;
    out->fixed_j = p->fixed_j;
}

/* Moves the integrals, the slow loop and the die temperature over dt_ps of extrapolated time at clock f,
 * the filters' inputs act_w and fixed_w, board power board_w. */
static void skip_time(power *p, double dt_ps, double f, double act_w, double fixed_w, double board_w)
{
    double v = volt_ratio(p, f);
    p->act_int += f / p->fmax_mhz * v * v * dt_ps * PS;
    p->in_act_int += act_w * dt_ps;
    p->in_fixed_int += fixed_w * dt_ps;
    slow_filter(p, act_w, fixed_w, exp(-dt_ps / p->slow_tau_ps));
    double before = temp_integral(p);
    double added = thermal_step(&p->th, board_w, dt_ps);
    uint64_t d = (uint64_t)(dt_ps + 0.5);
    p->t_int += d;
    p->next_tick += d;
    p->last_tick += d;
    /* keep temp_integral() continuous: the interval in progress counts at the new temperature */
    p->temp_int = before + added - p->th.temp_c * (double)(p->t_int - p->last_tick);
}

uint64_t power_extrapolate(power *p, int op, uint64_t t, uint64_t iter_ps, const power_books *iter, double beta,
                           uint64_t k, uint64_t max_ps, uint64_t *done)
{
    advance(p, t);
    *done = 0;
    if (!iter_ps || !k) return 0;
    double Tw = (double)iter_ps, fw = iter->clk_mhz_ps / Tw;
    if (!(fw > 0)) fw = p->f_mhz;
    double vw = volt_ratio(p, fw), v2w = vw * vw, idle_ww = idle_w(p, vw);
    double rail_w_j = iter->rail_top_j * v2w;  /* the window's rail energy per iteration at its clock */
    double dyn = rail_w_j + iter->fixed_j;
    double op_rail = dyn > 0 ? iter->op_j * rail_w_j / dyn : 0, op_fixed = iter->op_j - op_rail;
    if (beta < 0) beta = 0;
    if (beta > 1) beta = 1;
    /* a window the slow loop held (its clock at the slow loop's) may speed up as well as slow down */
    double fcap = clock_for(p, p->slow_act_w, p->slow_fixed_w, p->limit_w) <= fw * 1.005 ? p->fmax_mhz : fw;
    uint64_t left = k, elapsed = 0;
    while (left) {
        double fs = clock_for(p, p->slow_act_w, p->slow_fixed_w, p->limit_w);
        double f = fs < fcap ? fs : fcap;
        int same = f == fw;  /* the window's own iteration, exactly */
        double T = same ? Tw : Tw * (1 - beta + beta * fw / f);
        double act_in = iter->rail_top_j / (T * PS) * p->fmax_mhz / f, fixed_in = iter->fixed_j / (T * PS);
        /* where the slow loop heads under this load: there (or never binding), the rest at once; else in
         * steps of a sixteenth of its time constant */
        double f_inf = clock_for(p, act_in, fixed_in, p->limit_w);
        if (f_inf > fcap) f_inf = fcap;
        uint64_t n = left;
        if (fabs(f_inf - f) > 1e-3 * f) {
            double step = p->slow_tau_ps / 16 / T;
            n = step < 1 ? 1 : step < (double)left ? (uint64_t)step : left;
        }
        uint64_t span = same ? iter_ps : (uint64_t)(T + 0.5);
        if (!span) span = 1;
        if (elapsed >= max_ps) break;
        if ((max_ps - elapsed) / span < n) n = (max_ps - elapsed) / span;
        if (!n) break;
        double v = volt_ratio(p, f), nn = (double)n, dt = nn * (double)span;
        double idle_scale = same ? 1 : T / Tw * idle_w(p, v) / idle_ww;
        double rail_scale = same ? 1 : v * v / v2w;
        p->idle_int_j += nn * iter->idle_j * idle_scale;
        p->share_int_j += nn * iter->share_j * idle_scale;
        p->clk_int += same ? nn * iter->clk_mhz_ps : f * dt;
        book(p, op, nn * (op_rail * rail_scale + op_fixed));
        p->rail_top_j += nn * iter->rail_top_j;
        p->fixed_j += nn * iter->fixed_j;
        /* the die heats toward the iteration's mean board power: idle plus the op's dynamic energy */
        double board_w = (iter->idle_j * idle_scale + op_rail * rail_scale + op_fixed) / (T * PS);
        skip_time(p, dt, f, act_in, fixed_in, board_w);
        elapsed += n * span;
        left -= n;
    }
    *done = k - left;
    set_clock(p, clock_target(p));
    return elapsed;
}

void power_preload(power *p, double act_w, double fixed_w, double dt_ps)
{
    slow_filter(p, act_w, fixed_w, exp(-dt_ps / p->slow_tau_ps));
    set_clock(p, clock_target(p));
    p->min_mhz = p->f_mhz;
}

int power_preload_binds(const gpu_config *cfg, int nsm, double act_w, double fixed_w, double pre_ps, double run_ps,
                        double peak_in_w)
{
    power *p = power_create(cfg, nsm);
    if (!p) return 1;
    /* the slow filter after the preload, then at most rising toward the run's peak input over the run */
    double s = (act_w + fixed_w) * (1 - exp(-pre_ps / p->slow_tau_ps));
    if (peak_in_w > s) s += (peak_in_w - s) * (1 - exp(-run_ps / p->slow_tau_ps));
    int binds = power_at(p, p->fmax_mhz, s, 0) > p->limit_w;
    power_destroy(p);
    return binds;
}
