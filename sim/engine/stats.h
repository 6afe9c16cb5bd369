/*
 * stats.h: named statistics, (component, metric, value) rows, as stored in the
 * `stats` table. Components append their counters at the end of a run.
 */
#ifndef GPUSIM_STATS_H
#define GPUSIM_STATS_H

#include <stddef.h>

typedef struct stat_row {
    char component[32];
    char metric[48];
    double value;
} stat_row;

typedef struct stats {
    stat_row *rows;
    size_t n, cap;
} stats;

/* Appends a row; returns 0 or -1 when out of memory (the list is unchanged). */
int stats_add(stats *s, const char *component, const char *metric, double value);
/* Returns the value of a row, or def when absent. */
double stats_get(const stats *s, const char *component, const char *metric, double def);
void stats_free(stats *s);

#endif
