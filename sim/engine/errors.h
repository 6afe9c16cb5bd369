/*
 * errors.h: the return codes every library function uses, and the exit status
 * each becomes in the CLI (DESIGN.md section 1). A function that fails fills a
 * caller-supplied error buffer; for bad input the message names the file, line
 * and key: "FILE:LINE: section.key: what was expected".
 */
#ifndef GPUSIM_ERRORS_H
#define GPUSIM_ERRORS_H

enum {
    GPUSIM_OK = 0,
    GPUSIM_EFAIL = -1,   /* anything but the input: out of memory, I/O, a database that refuses */
    GPUSIM_EINPUT = -2,  /* bad input: usage, config, trace, a profile, an op the machine cannot run */
};

/* Exit statuses of the gpusim command. */
enum { GPUSIM_EXIT_OK = 0, GPUSIM_EXIT_FAIL = 1, GPUSIM_EXIT_INPUT = 2 };

/* The exit status of a return code. */
static inline int gpusim_exit_status(int rc)
{
    return rc == GPUSIM_OK ? GPUSIM_EXIT_OK : rc == GPUSIM_EINPUT ? GPUSIM_EXIT_INPUT : GPUSIM_EXIT_FAIL;
}

#endif
