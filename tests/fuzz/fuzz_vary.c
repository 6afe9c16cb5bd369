/* fuzz_vary.c: libFuzzer harness for the sweep's --vary parser (sim/cli/vary.c):
 * any bytes, one --vary spec per line (at most 16), must parse into knobs whose
 * point count is within SWEEP_MAX_POINTS, or be refused with exit status 2 and a
 * message naming --vary or the sweep. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/vary.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    const char *specs[16];
    int n = 0;
    char *save = NULL;
    for (char *l = strtok_r(text, "\n", &save); l && n < 16; l = strtok_r(NULL, "\n", &save)) specs[n++] = l;
    knob ks[16];
    uint64_t np = 0;
    char err[1024] = "";
    int rc = vary_parse(specs, n, ks, &np, err, sizeof err);
    if (rc == 0) {
        if (np < 1 || np > SWEEP_MAX_POINTS) abort();
        uint64_t prod = 1;
        for (int i = 0; i < n; i++) {
            if (ks[i].nvals < 1 || ks[i].nvals > VARY_MAX_VALUES) abort();
            prod *= (uint64_t)ks[i].nvals;
        }
        if (prod != np) abort();
    } else if (rc == 2 && !strstr(err, "--vary") && !strstr(err, "sweep:")) {
        abort(); /* a refusal names what it refuses */
    }
    vary_free(ks, n);
    free(text);
    return 0;
}
