/* fuzz_config.c: libFuzzer harness for the config loader (through iniparser): any
 * bytes as an INI file must load or be refused with a message naming the file. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 1 when the input mentions a `base` key (it may include another file) */
static int mentions_base(const uint8_t *data, size_t size)
{
    for (size_t i = 0; i + 4 <= size; i++)
        if (!memcmp(data + i, "base", 4)) return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/gpusim_fuzz_%d.ini", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    gpu_config cfg;
    char err[1024];
    int rc = config_load(&cfg, path, NULL, 0, err, sizeof err);
    /* errors name the file, or the base file it includes (`base = /etc/passwd` is refused naming
     * /etc/passwd: the fuzzer found `base = a` with a stray /tmp/a) */
    if (rc == -2 && !strstr(err, "gpusim_fuzz_") && !mentions_base(data, size)) abort();
    if (rc == 0 && (cfg.gpu.sm_count < 1 || cfg.l2.ways < 1)) abort(); /* validated */
    return 0;
}
