/* common.h: helpers shared by the unit tests. */
#ifndef GPUSIM_TEST_COMMON_H
#define GPUSIM_TEST_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

/* The H100 config with overrides; fails the test on error. */
static inline gpu_config test_config(const char *const *sets, int nsets)
{
    gpu_config c;
    char err[1024];
    if (config_load(&c, SRC_DIR "/configs/h100.ini", sets, nsets, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        abort();
    }
    return c;
}

#endif
