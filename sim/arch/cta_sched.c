/* cta_sched.c: breadth-first CTA placement (see cta_sched.h). */
#include "cta_sched.h"

#include <assert.h>
#include <stdlib.h>

struct cta_sched {
    engine *e;
    sm *sms;
    int nsm;
    uint64_t launch_ps;
    power *pw;
    kernel_desc *head, *tail;   /* kernels with CTAs left to place, launch order */
};

cta_sched *cta_sched_create(engine *e, sm *sms, int nsm, uint64_t cta_launch_ps, power *pw)
{
    cta_sched *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->e = e;
    s->sms = sms;
    s->nsm = nsm;
    s->launch_ps = cta_launch_ps;
    s->pw = pw;
    return s;
}

void cta_sched_destroy(cta_sched *s) { free(s); }

static int limit(const cta_sched *s, const kernel_desc *k)
{
    return k->max_sms > 0 && k->max_sms < s->nsm ? (int)k->max_sms : s->nsm;
}

static void place(cta_sched *s, kernel_desc *k, int smi, uint64_t t)
{
    if (s->pw && s->sms[smi].ctas == 0) power_sm_busy(s->pw, smi, k->op, t);
    sm_alloc(&s->sms[smi], &k->shape);
    uint64_t cta = k->next_cta++;
    k->start_cta(k->ctx, smi, cta, t + s->launch_ps);
}

static void unlink_done(cta_sched *s)
{
    kernel_desc **pp = &s->head;
    s->tail = NULL;
    while (*pp) {
        if ((*pp)->next_cta == (*pp)->ctas) *pp = (*pp)->next;
        else { s->tail = *pp; pp = &(*pp)->next; }
    }
}

/* Breadth-first rounds over all SMs for every queued kernel. */
static void dispatch_all(cta_sched *s, uint64_t t)
{
    for (kernel_desc *k = s->head; k; k = k->next) {
        int lim = limit(s, k);
        int placed = 1;
        while (placed && k->next_cta < k->ctas) {
            placed = 0;
            for (int i = 0; i < lim && k->next_cta < k->ctas; i++)
                if (sm_fits(&s->sms[i], &k->shape)) { place(s, k, i, t); placed = 1; }
        }
    }
    unlink_done(s);
}

int cta_sched_launch(cta_sched *s, kernel_desc *k, uint64_t t)
{
    if (sm_occupancy(s->sms[0].cfg, &k->shape) == 0) return -2;
    k->next_cta = k->done_ctas = 0;
    k->op = s->pw ? power_current_op(s->pw) : POWER_NO_OP;
    k->next = NULL;
    if (k->ctas == 0) { k->finished(k->ctx, t); return 0; }
    if (s->tail) s->tail->next = k; else s->head = k;
    s->tail = k;
    dispatch_all(s, t);
#ifdef GPUSIM_CHECK
    assert(cta_sched_check(s));
#endif
    return 0;
}

int cta_sched_check(const cta_sched *s)
{
    for (int i = 0; i < s->nsm; i++) {
        const sm *m = &s->sms[i];
        const gpu_config *cfg = m->cfg;
        if (m->ctas < 0 || m->threads < 0 || m->regs < 0 || m->smem < 0) return 0;
        if (m->ctas > cfg->sm.max_ctas || m->threads > cfg->sm.max_threads || m->regs > cfg->sm.registers
            || m->smem > cfg->sm.smem_kib * 1024) return 0;
        if (m->ctas == 0 && (m->threads || m->regs || m->smem)) return 0;
    }
    const kernel_desc *last = NULL;
    for (const kernel_desc *k = s->head; k; k = k->next) {
        if (k->next_cta >= k->ctas || k->done_ctas > k->next_cta) return 0;
        for (int i = 0; i < limit(s, k); i++)
            if (sm_fits(&s->sms[i], &k->shape)) return 0;
        last = k;
    }
    return s->tail == last;
}

void cta_sched_drop(kernel_desc *k, uint64_t n)
{
    assert(n < k->ctas - k->next_cta); /* it stays queued with CTAs to place */
    k->ctas -= n;
}

void cta_sched_done(cta_sched *s, kernel_desc *k, int smi, uint64_t t)
{
    sm_release(&s->sms[smi], &k->shape);
    k->done_ctas++;
    for (kernel_desc *q = s->head; q; q = q->next)
        while (q->next_cta < q->ctas && smi < limit(s, q) && sm_fits(&s->sms[smi], &q->shape)) place(s, q, smi, t);
    unlink_done(s);
    if (s->pw && s->sms[smi].ctas == 0) power_sm_idle(s->pw, smi, t);
#ifdef GPUSIM_CHECK
    assert(cta_sched_check(s));
#endif
    if (k->done_ctas == k->ctas) k->finished(k->ctx, t);
}
