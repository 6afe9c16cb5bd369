/* args.c: argument parsing (see cli.h). */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

#include "cli/cli.h"
#include "gpusim_version.h"

void cli_usage(FILE *f)
{
    fprintf(f,
        "usage: gpusim CONFIG.ini TRACE [--db FILE] [--no-db] [--set SECTION.KEY=VALUE]... [--json]\n"
        "              [--timeline FILE.json] [-q]\n"
        "       gpusim sweep CONFIG.ini TRACE --vary SECTION.KEY=V1,V2,... [--vary ...] [-j N] [--db FILE] [--resume]\n"
        "              [--set SECTION.KEY=VALUE]... [-q]   (a sweep always stores; no --no-db, --json or --timeline)\n"
        "       gpusim import PROFILE.json [-o OUT.trace] [--config CONFIG.ini]   (a PyTorch profiler trace -> a gpusim trace)\n"
        "       gpusim gen mlp --layers 784,128,10 --batch 64 [--train ...] [-o OUT.trace]   (a generated MLP trace; gen mlp --help)\n"
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

int cli_same_file(const char *a, const char *b)
{
    if (!a || !b) return 0;
    if (!strcmp(a, b)) return 1;
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

enum { O_DB = 1000, O_NODB, O_JSON, O_TIMELINE, O_SET, O_VARY, O_RESUME, O_HELP, O_VERSION, O_HELPCFG, O_HELPTRACE };

/* Options of a run and of a sweep: separate sets, so an option that means nothing
 * to the command (sweep --json, run --vary) is an error, never ignored. */
static const struct option run_opts[] = {
    { "db", required_argument, NULL, O_DB }, { "no-db", no_argument, NULL, O_NODB },
    { "json", no_argument, NULL, O_JSON }, { "timeline", required_argument, NULL, O_TIMELINE },
    { "set", required_argument, NULL, O_SET }, { "help", no_argument, NULL, O_HELP },
    { "version", no_argument, NULL, O_VERSION }, { "help-config", no_argument, NULL, O_HELPCFG },
    { "help-trace", no_argument, NULL, O_HELPTRACE }, { NULL, 0, NULL, 0 },
};
static const struct option sweep_opts[] = {
    { "db", required_argument, NULL, O_DB }, { "set", required_argument, NULL, O_SET },
    { "vary", required_argument, NULL, O_VARY }, { "resume", no_argument, NULL, O_RESUME },
    { "help", no_argument, NULL, O_HELP }, { NULL, 0, NULL, 0 },
};

int cli_parse(cli_args *a, int argc, char **argv, char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    a->db = "gpusim.db";
    a->jobs = 1;
    int first = 1;
    if (argc > 1 && !strcmp(argv[1], "sweep")) { a->sweep = 1; first = 2; }
    const struct option *opts = a->sweep ? sweep_opts : run_opts;
    const char *shorts = a->sweep ? ":hqj:" : ":hq";
    int n = argc - first + 1;
    char **v = argv + first - 1; /* v[0] stands for the program (or "sweep") */
    opterr = 0;
    optind = 0; /* GNU: a full re-initialisation, so that cli_parse may be called again */
    for (;;) {
        int li = -1;
        int c = getopt_long(n, v, shorts, opts, &li);
        if (c == -1) break;
        switch (c) {
        case 'h': case O_HELP: cli_usage(stdout); return 1;
        case O_VERSION:
#ifdef GPUSIM_MPI
            printf("gpusim %s (MPI sweeps)\n", GPUSIM_VERSION);
#else
            printf("gpusim %s\n", GPUSIM_VERSION);
#endif
            return 1;
        case O_HELPCFG: config_write_reference(stdout); return 1;
        case O_HELPTRACE: trace_write_reference(stdout); return 1;
        case O_DB:
            a->db = optarg;
            /* SQLite would take these as a private temporary or in-memory database: the run would be
             * "stored" where nobody can query it */
            if (!a->db[0] || a->db[0] == ':') {
                snprintf(err, errlen, "--db: expected a database file path, got '%s' (use --no-db not to store)", a->db);
                return 2;
            }
            break;
        case O_NODB: a->no_db = 1; break;
        case O_JSON: a->json = 1; break;
        case 'q': a->quiet = 1; break;
        case O_TIMELINE: a->timeline = optarg; break;
        case O_SET:
            if (a->nsets == MAX_SETS) { snprintf(err, errlen, "--set: more than %d overrides", MAX_SETS); return 2; }
            a->sets[a->nsets++] = optarg;
            break;
        case O_VARY:
            if (a->nvary == MAX_VARY) { snprintf(err, errlen, "--vary: more than %d knobs", MAX_VARY); return 2; }
            a->vary[a->nvary++] = optarg;
            break;
        case 'j': {
            char *end;
            errno = 0;
            long j = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || j < 1 || j > MAX_JOBS) {
                snprintf(err, errlen, "-j: expected a number of workers in [1, %d], got '%s'", MAX_JOBS, optarg);
                return 2;
            }
            a->jobs = (int)j;
            break;
        }
        case O_RESUME: a->resume = 1; break;
        case ':':
            if (li < 0 && optopt > 0 && optopt < 256) snprintf(err, errlen, "-%c: expected a value after it", optopt);
            else snprintf(err, errlen, "%s: expected a value after it", v[optind - 1]);
            return 2;
        default: {
            const char *bad = v[optind - 1];
            const struct option *other = a->sweep ? run_opts : sweep_opts;
            int known = 0;
            for (const struct option *o = other; o->name; o++) {
                size_t l = strlen(o->name);
                if (!strncmp(bad, "--", 2) && !strncmp(bad + 2, o->name, l) && (bad[2 + l] == 0 || bad[2 + l] == '=')) known = 1;
            }
            if (!strcmp(bad, "-j")) known = 1;
            if (known)
                snprintf(err, errlen, "%s: not an option of %s (see gpusim --help)", bad, a->sweep ? "gpusim sweep" : "a run");
            else if (optopt && optopt < 256 && bad[0] == '-' && bad[1] != '-')
                snprintf(err, errlen, "-%c: unknown option (see gpusim --help)", optopt);
            else snprintf(err, errlen, "%s: unknown option (see gpusim --help)", bad);
            return 2;
        }
        }
    }
    int pos = 0;
    for (int i = optind; i < n; i++) {
        if (pos == 0) a->config = v[i];
        else if (pos == 1) a->trace = v[i];
        else { snprintf(err, errlen, "%s: unexpected argument (expected CONFIG.ini TRACE)", v[i]); return 2; }
        pos++;
    }
    if (pos < 2) { snprintf(err, errlen, "expected CONFIG.ini and TRACE (see gpusim --help)"); return 2; }
    if (a->sweep && a->nvary == 0) { snprintf(err, errlen, "sweep: expected at least one --vary SECTION.KEY=V1,V2,..."); return 2; }
    return 0;
}
