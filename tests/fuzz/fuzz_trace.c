/* fuzz_trace.c: libFuzzer harness for the trace reader: any bytes must give either
 * a trace or a FILE:LINE error, never a crash, a leak or undefined behaviour. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ops/optable.h"
#include "trace/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[1024];
    trace *t = NULL;
    int rc = trace_parse(&t, "fuzz.trace", (const char *)data, size, err, sizeof err);
    if (rc == 0) {
        for (size_t i = 0; i < t->n; i++) {
            (void)op_flops(&t->ops[i]);
            (void)op_footprint(&t->ops[i]);
            (void)op_flags(&t->ops[i]);
            (void)op_dtype(&t->ops[i]);
        }
        trace_destroy(t);
    } else if (rc == -2 && strncmp(err, "fuzz.trace:", 11) != 0) {
        abort(); /* every input error names the file and line */
    }
    return 0;
}
