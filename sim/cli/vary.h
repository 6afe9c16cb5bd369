/*
 * vary.h: the `gpusim sweep --vary SECTION.KEY=V1,V2,...` specs -> knobs, with
 * every check that needs no config file: a known key, each knob once, at most
 * VARY_MAX_VALUES values, a point count that fits SWEEP_MAX_POINTS (checked
 * before the product is formed, so it cannot wrap), and each value valid for its
 * key alone (type and range; cross-checks between keys are per point, later).
 * Kept apart from sweep.c so that it can be fuzzed (tests/fuzz/fuzz_vary.c).
 */
#ifndef GPUSIM_VARY_H
#define GPUSIM_VARY_H

#include <stddef.h>
#include <stdint.h>

#define VARY_MAX_VALUES 256
#define SWEEP_MAX_POINTS 1000000 /* a sweep's points at most (the design target is thousands) */

typedef struct knob {
    char key[96];                  /* section.key, lower case */
    char *vals[VARY_MAX_VALUES];   /* into buf */
    int nvals;
    char *buf;                     /* owns the value strings */
} knob;

/* Parses n specs into ks[0..n-1] and the number of points. Returns 0, 2 (bad
 * input, err says which --vary and why) or 1 (out of memory). ks must be freed
 * with vary_free(ks, n) whatever the result. */
int vary_parse(const char *const *specs, int n, knob *ks, uint64_t *npoints, char *err, size_t errlen);
void vary_free(knob *ks, int n);

#endif
