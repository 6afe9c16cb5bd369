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
    if (rc == -2 && !strstr(err, "gpusim_fuzz_")) abort(); /* errors name the file */
    if (rc == 0 && (cfg.gpu.sm_count < 1 || cfg.l2.ways < 1)) abort(); /* validated */
    return 0;
}
