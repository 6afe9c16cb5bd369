/*
 * engine.h: the discrete-event core of gpusim.
 *
 * Models: nothing of the GPU itself; it orders events. Time is an unsigned
 * 64-bit count of picoseconds (2^64 ps is about 213 days of simulated time).
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

/* Lower values fire first among events at the same time. */
enum { PRIO_HIGH = 0, PRIO_NORMAL = 10, PRIO_LOW = 20 };

/* Returns a new, empty queue at time 0, or NULL when out of memory. */
engine *engine_create(void);
/* Frees the queue and any pending events; accepts NULL. */
void engine_destroy(engine *e);

/* Schedules fn(ctx, arg) at time_ps (>= now). Returns 0, or -1 when out of memory
 * (the queue is then unchanged). */
int engine_schedule(engine *e, uint64_t time_ps, int prio, event_fn fn, void *ctx, uint64_t arg);
/* Fires events in order until the queue is empty. Returns the number fired. */
uint64_t engine_run(engine *e);
/* Fires the single earliest event. Returns 0 when the queue was empty, else 1. */
int engine_step(engine *e);

uint64_t engine_now(const engine *e);
uint64_t engine_pending(const engine *e);
uint64_t engine_fired(const engine *e);

/* A clock domain: a frequency in whole MHz. */
typedef struct clock_domain {
    uint32_t mhz; /* cycles per microsecond */
} clock_domain;

/* Picoseconds taken by `cycles` cycles of domain c (rounded to nearest). */
static inline uint64_t clock_ps(const clock_domain *c, double cycles)
{
    double ps = cycles * 1e6 / (double)c->mhz;
    return (uint64_t)(ps + 0.5);
}
/* Cycles of domain c elapsed in ps picoseconds (fractional). */
static inline double clock_cycles(const clock_domain *c, uint64_t ps)
{
    return (double)ps * (double)c->mhz / 1e6;
}

#define PS_PER_NS 1000ULL
#define PS_PER_US 1000000ULL
static inline uint64_t ns_to_ps(double ns) { return (uint64_t)(ns * 1e3 + 0.5); }
static inline uint64_t us_to_ps(double us) { return (uint64_t)(us * 1e6 + 0.5); }
/* Picoseconds to move `bytes` at `gbps` gigabytes (1e9 B) per second. */
static inline uint64_t bytes_ps(double bytes, double gbps) { return (uint64_t)(bytes * 1e3 / gbps + 0.5); }

#endif
