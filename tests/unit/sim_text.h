/* sim_text.h: runs a trace given as text on a config, for the unit tests that
 * simulate whole traces (include after cmocka.h); fails the test on an error. */
#ifndef GPUSIM_TEST_SIM_TEXT_H
#define GPUSIM_TEST_SIM_TEXT_H

#include <string.h>

#include "kernels/runner.h"

static inline run_result sim(const gpu_config *c, const char *text)
{
    char e[1024];
    trace *t = NULL;
    if (trace_parse(&t, "t.trace", text, strlen(text), e, sizeof e)) fail_msg("%s", e);
    run_result r;
    if (runner_run(c, t, &r, e, sizeof e)) fail_msg("%s", e);
    trace_destroy(t);
    return r;
}

#endif
