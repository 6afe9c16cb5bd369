/* fuzz_db.c: libFuzzer harness for the database open path (sim/results/db.c):
 * any bytes as the --db file (seeds: a gpusim database, another program's, a
 * newer schema) must open as a gpusim database or be refused; a refused file is
 * left byte-identical, with no -journal or -wal beside it. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "results/db.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64], side[80];
    snprintf(path, sizeof path, "/tmp/gpusim_fuzz_db_%d.db", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    db *d = NULL;
    char err[1024];
    if (db_open(&d, path, err, sizeof err) == 0) {
        db_close(d);
    } else {
        if (!strstr(err, path)) abort(); /* errors name the file */
        f = fopen(path, "rb");
        if (!f) abort();
        unsigned char *back = malloc(size + 1);
        size_t n = fread(back, 1, size + 1, f);
        fclose(f);
        if (n != size || (size && memcmp(back, data, size) != 0)) abort(); /* left byte-identical */
        free(back);
        snprintf(side, sizeof side, "%s-journal", path);
        if (access(side, F_OK) == 0) abort();
    }
    static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
    for (int i = 0; i < 4; i++) {
        snprintf(side, sizeof side, "%s%s", path, sfx[i]);
        unlink(side);
    }
    return 0;
}
