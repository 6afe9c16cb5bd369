/* stats.c: a growable array of statistic rows. */
#include "stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int stats_add(stats *s, const char *component, const char *metric, double value)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        stat_row *r = realloc(s->rows, cap * sizeof *r);
        if (!r) return -1;
        s->rows = r;
        s->cap = cap;
    }
    stat_row *r = &s->rows[s->n++];
    memset(r, 0, sizeof *r); /* whole rows travel between sweep workers: no uninitialised bytes */
    snprintf(r->component, sizeof r->component, "%s", component);
    snprintf(r->metric, sizeof r->metric, "%s", metric);
    r->value = value;
    return 0;
}

double stats_get(const stats *s, const char *component, const char *metric, double def)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->rows[i].component, component) && !strcmp(s->rows[i].metric, metric)) return s->rows[i].value;
    return def;
}

void stats_free(stats *s)
{
    free(s->rows);
    s->rows = NULL;
    s->n = s->cap = 0;
}
