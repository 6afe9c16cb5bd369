/* fuzz_import.c: libFuzzer harness for gpusim import: any bytes must give either a
 * trace that the trace reader accepts or a "fuzz.json..." error, never a crash, a
 * leak or undefined behaviour. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/torch_import.h"
#include "trace/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[1024];
    char *out = NULL;
    size_t outlen = 0;
    FILE *in = fmemopen((void *)data, size ? size : 1, "r");
    FILE *o = open_memstream(&out, &outlen);
    if (!in || !o) abort();
    if (!size) { fclose(in); in = fmemopen((void *)"", 0, "r"); if (!in) abort(); }
    int rc = torch_import(in, "fuzz.json", &(torch_import_opts){ .eager_gap_us = 11 }, o, NULL, NULL, err, sizeof err);
    fclose(in);
    fclose(o);
    if (rc == 0) {
        trace *t = NULL;
        if (trace_parse(&t, "out.trace", out, outlen, err, sizeof err)) abort(); /* it must run unchanged */
        trace_destroy(t);
    } else if (rc == -2 && strncmp(err, "fuzz.json", 9) != 0) {
        abort(); /* every input error names the file */
    }
    free(out);
    return 0;
}
