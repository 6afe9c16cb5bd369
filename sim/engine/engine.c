/*
 * engine.c: binary min-heap of events keyed by (time_ps, prio, seq).
 *
 * seq is a global insertion counter, which makes the order total and so the
 * simulation deterministic. A heap costs O(log n) per event; with the folds the
 * kernels make (one event per tile load, not per cache line) the queue stays
 * small (a few thousand events) and this is not the bottleneck.
 */
#include "engine.h"

#include <assert.h>
#include <stdlib.h>

typedef struct event {
    uint64_t time_ps; /* when it fires */
    uint64_t seq;     /* insertion order, the last tie-break */
    event_fn fn;      /* handler */
    void *ctx;        /* handler's context */
    uint64_t arg;     /* handler's argument */
    int32_t prio;     /* tie-break before seq: lower fires first */
} event;

struct engine {
    event *heap;      /* heap[0] is the earliest */
    uint64_t n;       /* events in the heap */
    uint64_t cap;     /* allocated slots */
    uint64_t seq;     /* next insertion number */
    uint64_t now_ps;  /* time of the last fired event */
    uint64_t fired;   /* events fired so far */
    int saturated;    /* an event was scheduled at or past SIM_MAX_PS */
};

engine *engine_create(void)
{
    engine *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    e->cap = 1024;
    e->heap = malloc(e->cap * sizeof *e->heap);
    if (!e->heap) { free(e); return NULL; }
    return e;
}

void engine_destroy(engine *e)
{
    if (!e) return;
    free(e->heap);
    free(e);
}

static int before(const event *a, const event *b)
{
    if (a->time_ps != b->time_ps) return a->time_ps < b->time_ps;
    if (a->prio != b->prio) return a->prio < b->prio;
    return a->seq < b->seq;
}

int engine_schedule(engine *e, uint64_t time_ps, int prio, event_fn fn, void *ctx, uint64_t arg)
{
    if (time_ps >= SIM_MAX_PS) { time_ps = SIM_MAX_PS; e->saturated = 1; }
    assert(time_ps >= e->now_ps);
    if (e->n == e->cap) {
        event *h = realloc(e->heap, 2 * e->cap * sizeof *h);
        if (!h) return -1;
        e->heap = h;
        e->cap *= 2;
    }
    event ev = { time_ps, e->seq++, fn, ctx, arg, prio };
    uint64_t i = e->n++;
    while (i > 0) {
        uint64_t p = (i - 1) / 2;
        if (!before(&ev, &e->heap[p])) break;
        e->heap[i] = e->heap[p];
        i = p;
    }
    e->heap[i] = ev;
    return 0;
}

int engine_step(engine *e)
{
    if (e->n == 0 || e->saturated) return 0; /* past the horizon nothing is worth simulating */
    event top = e->heap[0];
    event last = e->heap[--e->n];
    uint64_t i = 0;
    for (;;) {
        uint64_t c = 2 * i + 1;
        if (c >= e->n) break;
        if (c + 1 < e->n && before(&e->heap[c + 1], &e->heap[c])) c++;
        if (!before(&e->heap[c], &last)) break;
        e->heap[i] = e->heap[c];
        i = c;
    }
    if (e->n) e->heap[i] = last;
    e->now_ps = top.time_ps;
    e->fired++;
    top.fn(top.ctx, top.arg);
    return 1;
}

uint64_t engine_run(engine *e)
{
    uint64_t start = e->fired;
    while (engine_step(e)) {}
    return e->fired - start;
}

uint64_t engine_now(const engine *e) { return e->now_ps; }
uint64_t engine_pending(const engine *e) { return e->n; }
uint64_t engine_fired(const engine *e) { return e->fired; }
int engine_saturated(const engine *e) { return e->saturated; }
