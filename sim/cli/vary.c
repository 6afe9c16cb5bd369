/* vary.c: --vary specs -> knobs (see vary.h). */
#include "cli/vary.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/errors.h"
#include "config/config.h"

static int parse_one(const char *spec, knob *k, char *err, size_t errlen)
{
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec || !eq[1] || (size_t)(eq - spec) >= sizeof k->key) {
        snprintf(err, errlen, "--vary %.200s: expected SECTION.KEY=V1,V2,...", spec);
        return 2;
    }
    memcpy(k->key, spec, (size_t)(eq - spec));
    k->key[eq - spec] = 0;
    for (char *c = k->key; *c; c++) *c = (char)tolower((unsigned char)*c);
    if (!config_find_param(k->key)) {
        snprintf(err, errlen, "--vary: %s: unknown key (see gpusim --help-config)", k->key);
        return 2;
    }
    k->buf = strdup(eq + 1);
    if (!k->buf) { snprintf(err, errlen, "out of memory"); return 1; }
    k->nvals = 0;
    char *save = NULL;
    for (char *v = strtok_r(k->buf, ",", &save); v; v = strtok_r(NULL, ",", &save)) {
        if (k->nvals == VARY_MAX_VALUES) {
            snprintf(err, errlen, "--vary %s: more than %d values", k->key, VARY_MAX_VALUES);
            return 2;
        }
        k->vals[k->nvals++] = v;
    }
    if (k->nvals == 0) { snprintf(err, errlen, "--vary %s: no values", k->key); return 2; }
    return 0;
}

int vary_parse(const char *const *specs, int n, knob *ks, uint64_t *npoints, char *err, size_t errlen)
{
    for (int i = 0; i < n; i++) ks[i].buf = NULL;
    *npoints = 1;
    for (int i = 0; i < n; i++) {
        int rc = parse_one(specs[i], &ks[i], err, errlen);
        if (rc) return rc;
        for (int j = 0; j < i; j++)
            if (!strcmp(ks[j].key, ks[i].key)) {
                snprintf(err, errlen, "--vary %s: given twice (list all its values in one --vary)", ks[i].key);
                return 2;
            }
        /* the product is checked before it is formed: 8 knobs of 256 values wrapped it to 0 */
        if ((uint64_t)ks[i].nvals > SWEEP_MAX_POINTS / *npoints) {
            snprintf(err, errlen, "sweep: more than %d points (the most a sweep may have); split it into several sweeps",
                     SWEEP_MAX_POINTS);
            return 2;
        }
        *npoints *= (uint64_t)ks[i].nvals;
    }
    /* every value alone: a bad one is named at once, whatever the sweep's size */
    for (int i = 0; i < n; i++)
        for (int v = 0; v < ks[i].nvals; v++) {
            char one[400];
            snprintf(one, sizeof one, "%s=%.290s", ks[i].key, ks[i].vals[v]);
            int cr = config_check_override(one, "--vary", err, errlen);
            if (cr) return gpusim_exit_status(cr);
        }
    return 0;
}

void vary_free(knob *ks, int n)
{
    for (int i = 0; i < n; i++) { free(ks[i].buf); ks[i].buf = NULL; }
}
