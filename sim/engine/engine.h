/*
 * engine.h: the discrete-event core of gpusim.
 *
 * Models: nothing of the GPU itself; it orders events. Time is an unsigned
 * 64-bit count of picoseconds. The model's horizon is SIM_MAX_PS (2^63 ps, about
 * 106 days): every conversion of a duration to picoseconds (ps_from, clock_ps,
 * ns_to_ps, ...) and every sum that may grow without bound (ps_add) saturates
 * there instead of wrapping, and an event scheduled at or past it marks the
 * engine saturated (engine_saturated), so a run that would overflow the clock
 * (a rate of 1e-12 FLOP per clock, a long repeat) is refused, never reported
 * with a wrapped, plausible-looking time.
 * Invariant: events fire in (time_ps, priority, insertion) order, so equal-time
 * events are deterministic; an event may only be scheduled at or after now.
 * Clock domains convert cycles of a domain (SM, memory, PCIe) to picoseconds
 * exactly for whole numbers of cycles at an integer MHz.
 */
#ifndef GPUSIM_ENGINE_H
#define GPUSIM_ENGINE_H

#include <stdint.h>

typedef struct engine engine;
typedef void (*event_fn)(void *ctx, uint64_t arg);

#define SIM_MAX_PS (UINT64_C(1) << 63) /* the model's time horizon (about 106 days) */

/* Picoseconds from a duration in picoseconds (rounded; NaN and anything at or
 * past the horizon give SIM_MAX_PS). */
static inline uint64_t ps_from(double ps)
{
    if (!(ps < (double)SIM_MAX_PS)) return SIM_MAX_PS;
    return ps > 0 ? (uint64_t)(ps + 0.5) : 0;
}
/* The same, truncated (where the model always truncated). */
static inline uint64_t ps_floor(double ps)
{
    if (!(ps < (double)SIM_MAX_PS)) return SIM_MAX_PS;
    return ps > 0 ? (uint64_t)ps : 0;
}
/* a + b, saturating at the horizon. */
static inline uint64_t ps_add(uint64_t a, uint64_t b)
{
    return a >= SIM_MAX_PS || b >= SIM_MAX_PS - a ? SIM_MAX_PS : a + b;
}

/* Lower values fire first among events at the same time. */
enum { PRIO_HIGH = 0, PRIO_NORMAL = 10, PRIO_LOW = 20 };

/* Returns a new, empty queue at time 0, or NULL when out of memory. */
engine *engine_create(void);
/* Frees the queue and any pending events; accepts NULL. */
void engine_destroy(engine *e);

/* Schedules fn(ctx, arg) at time_ps (>= now); a time at or past SIM_MAX_PS is
 * clamped to it and marks the engine saturated. Returns 0, or -1 when out of
 * memory (the queue is then unchanged). */
int engine_schedule(engine *e, uint64_t time_ps, int prio, event_fn fn, void *ctx, uint64_t arg);
/* Fires events in order until the queue is empty. Returns the number fired. */
uint64_t engine_run(engine *e);
/* Fires the single earliest event. Returns 0 when the queue was empty or the
 * engine is saturated (nothing fires after that), else 1. */
int engine_step(engine *e);

uint64_t engine_now(const engine *e);
uint64_t engine_pending(const engine *e);
uint64_t engine_fired(const engine *e);
/* 1 once an event was scheduled at or past SIM_MAX_PS: the run's times are not to be trusted. */
int engine_saturated(const engine *e);

/* A clock domain: a frequency in whole MHz. */
typedef struct clock_domain {
    uint32_t mhz; /* cycles per microsecond */
} clock_domain;

/* Picoseconds taken by `cycles` cycles of domain c (rounded to nearest). */
static inline uint64_t clock_ps(const clock_domain *c, double cycles)
{
    return ps_from(cycles * 1e6 / (double)c->mhz);
}
/* Cycles of domain c elapsed in ps picoseconds (fractional). */
static inline double clock_cycles(const clock_domain *c, uint64_t ps)
{
    return (double)ps * (double)c->mhz / 1e6;
}

#define PS_PER_NS 1000ULL
#define PS_PER_US 1000000ULL
static inline uint64_t ns_to_ps(double ns) { return ps_from(ns * 1e3); }
static inline uint64_t us_to_ps(double us) { return ps_from(us * 1e6); }
/* Picoseconds to move `bytes` at `gbps` gigabytes (1e9 B) per second. */
static inline uint64_t bytes_ps(double bytes, double gbps) { return ps_from(bytes * 1e3 / gbps); }

#endif
