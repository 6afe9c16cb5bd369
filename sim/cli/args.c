/* args.c: argument parsing (see cli.h). */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "gpusim_version.h"

void cli_usage(FILE *f)
{
    fprintf(f,
        "usage: gpusim CONFIG.ini TRACE [--db FILE] [--no-db] [--set SECTION.KEY=VALUE]... [--json]\n"
        "              [--timeline FILE.json] [-q]\n"
        "       gpusim sweep CONFIG.ini TRACE --vary SECTION.KEY=V1,V2,... [--vary ...] [-j N] [--db FILE] [--resume]\n"
        "       gpusim import PROFILE.json [-o OUT.trace] [--config CONFIG.ini]   (a PyTorch profiler trace -> a gpusim trace)\n"
        "       gpusim --help | --version | --help-config | --help-trace\n"
        "\n"
        "Simulates the trace on the GPU the config describes, prints a summary and stores\n"
        "the run in the results database (default gpusim.db).\n"
        "  --db FILE        results database (SQLite; created if absent)\n"
        "  --no-db          do not store the run\n"
        "  --set K=V        override a config key for this run (e.g. --set gpu.sm_count=66)\n"
        "  --json           print one JSON object instead of the table\n"
        "  --timeline FILE  write the ops as a Chrome trace-event timeline\n"
        "  -q               print nothing on success\n"
        "  --help-config    print the reference of every config key (Markdown)\n"
        "  --help-trace     print the reference of the trace format: every op kind and its keys (Markdown)\n"
        "Exit status: 0 success, 2 bad input (usage, config, trace), 1 other failure.\n");
}

int cli_parse(cli_args *a, int argc, char **argv, char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    a->db = "gpusim.db";
    a->jobs = 1;
    int pos = 0;
    int i = 1;
    if (argc > 1 && !strcmp(argv[1], "sweep")) { a->sweep = 1; i = 2; }
    for (; i < argc; i++) {
        const char *s = argv[i];
        int has_next = i + 1 < argc;
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) { cli_usage(stdout); return 1; }
        if (!strcmp(s, "--version")) {
#ifdef GPUSIM_MPI
            printf("gpusim %s (MPI sweeps)\n", GPUSIM_VERSION);
#else
            printf("gpusim %s\n", GPUSIM_VERSION);
#endif
            return 1;
        }
        if (!strcmp(s, "--help-config")) { config_write_reference(stdout); return 1; }
        if (!strcmp(s, "--help-trace")) { trace_write_reference(stdout); return 1; }
        if (!strcmp(s, "--db")) {
            if (!has_next) goto missing;
            a->db = argv[++i];
            /* SQLite would take these as a private temporary or in-memory database: the run would be
             * "stored" where nobody can query it */
            if (!a->db[0] || !strcmp(a->db, ":memory:") || a->db[0] == ':') {
                snprintf(err, errlen, "--db: expected a database file path, got '%s' (use --no-db not to store)", a->db);
                return 2;
            }
        } else if (!strcmp(s, "--no-db")) {
            a->no_db = 1;
        } else if (!strcmp(s, "--json")) {
            a->json = 1;
        } else if (!strcmp(s, "-q")) {
            a->quiet = 1;
        } else if (!strcmp(s, "--timeline")) {
            if (!has_next) goto missing;
            a->timeline = argv[++i];
        } else if (!strcmp(s, "--set")) {
            if (!has_next) goto missing;
            if (a->nsets == MAX_SETS) { snprintf(err, errlen, "--set: more than %d overrides", MAX_SETS); return 2; }
            a->sets[a->nsets++] = argv[++i];
        } else if (a->sweep && !strcmp(s, "--vary")) {
            if (!has_next) goto missing;
            if (a->nvary == MAX_VARY) { snprintf(err, errlen, "--vary: more than %d knobs", MAX_VARY); return 2; }
            a->vary[a->nvary++] = argv[++i];
        } else if (a->sweep && !strcmp(s, "-j")) {
            if (!has_next) goto missing;
            char *end;
            long j = strtol(argv[++i], &end, 10);
            if (*end || j < 1 || j > 1024) { snprintf(err, errlen, "-j: expected a number of workers in [1, 1024], got '%s'", argv[i]); return 2; }
            a->jobs = (int)j;
        } else if (a->sweep && !strcmp(s, "--resume")) {
            a->resume = 1;
        } else if (s[0] == '-' && s[1]) {
            snprintf(err, errlen, "%s: unknown option (see gpusim --help)", s);
            return 2;
        } else if (pos == 0) {
            a->config = s; pos++;
        } else if (pos == 1) {
            a->trace = s; pos++;
        } else {
            snprintf(err, errlen, "%s: unexpected argument (expected CONFIG.ini TRACE)", s);
            return 2;
        }
        continue;
    missing:
        snprintf(err, errlen, "%s: expected a value after it", s);
        return 2;
    }
    if (pos < 2) { snprintf(err, errlen, "expected CONFIG.ini and TRACE (see gpusim --help)"); return 2; }
    if (a->sweep && a->nvary == 0) { snprintf(err, errlen, "sweep: expected at least one --vary SECTION.KEY=V1,V2,..."); return 2; }
    return 0;
}
