/* mpi_link.c: MPI point/result exchange (see mpi_link.h). */
#include "cli/mpi_link.h"

#include <stdlib.h>

#ifdef GPUSIM_MPI
#include <mpi.h>

enum { TAG_POINT = 1, TAG_STOP = 2, TAG_RESULT = 3 };

int mpi_start(int *argc, char ***argv)
{
    if (!getenv("OMPI_COMM_WORLD_SIZE") && !getenv("PMI_SIZE") && !getenv("PMIX_RANK")) return 0;
    return MPI_Init(argc, argv) == MPI_SUCCESS ? 0 : -1;
}

static int started(void)
{
    int f = 0, d = 0;
    MPI_Initialized(&f);
    MPI_Finalized(&d);
    return f && !d;
}

void mpi_stop(void) { if (started()) MPI_Finalize(); }
int mpi_size(void) { int n = 1; if (started()) MPI_Comm_size(MPI_COMM_WORLD, &n); return n; }
int mpi_rank(void) { int r = 0; if (started()) MPI_Comm_rank(MPI_COMM_WORLD, &r); return r; }

int mpi_send_point(int rank, uint64_t point)
{
    unsigned long long p = point;
    return MPI_Send(&p, 1, MPI_UNSIGNED_LONG_LONG, rank, TAG_POINT, MPI_COMM_WORLD) == MPI_SUCCESS ? 0 : -1;
}

int mpi_send_stop(int rank)
{
    unsigned long long p = 0;
    return MPI_Send(&p, 1, MPI_UNSIGNED_LONG_LONG, rank, TAG_STOP, MPI_COMM_WORLD) == MPI_SUCCESS ? 0 : -1;
}

int mpi_recv_point(uint64_t *point)
{
    unsigned long long p;
    MPI_Status st;
    if (MPI_Recv(&p, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &st) != MPI_SUCCESS) return -1;
    if (st.MPI_TAG == TAG_STOP) return 1;
    *point = p;
    return 0;
}

int mpi_send_result(const void *buf, size_t len)
{
    return MPI_Send(buf, (int)len, MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD) == MPI_SUCCESS ? 0 : -1;
}

int mpi_recv_result(char **buf, size_t *len, int *src)
{
    MPI_Status st;
    int n;
    if (MPI_Probe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &st) != MPI_SUCCESS) return -1;
    MPI_Get_count(&st, MPI_BYTE, &n);
    *buf = malloc(n > 0 ? (size_t)n : 1);
    if (!*buf) return -1;
    if (MPI_Recv(*buf, n, MPI_BYTE, st.MPI_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &st) != MPI_SUCCESS) return -1;
    *len = (size_t)n;
    *src = st.MPI_SOURCE;
    return 0;
}

#else /* built without MPI: one rank */

int mpi_start(int *argc, char ***argv) { (void)argc; (void)argv; return 0; }
void mpi_stop(void) {}
int mpi_size(void) { return 1; }
int mpi_rank(void) { return 0; }
int mpi_send_point(int rank, uint64_t point) { (void)rank; (void)point; return -1; }
int mpi_send_stop(int rank) { (void)rank; return -1; }
int mpi_recv_point(uint64_t *point) { (void)point; return -1; }
int mpi_send_result(const void *buf, size_t len) { (void)buf; (void)len; return -1; }
int mpi_recv_result(char **buf, size_t *len, int *src) { (void)buf; (void)len; (void)src; return -1; }

#endif
