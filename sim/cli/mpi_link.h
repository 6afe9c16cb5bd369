/*
 * mpi_link.h: the few MPI calls a distributed sweep needs, behind one interface
 * that also compiles without MPI (then the world is one rank and the sweep runs
 * locally). MPI is started only when gpusim runs under mpirun.
 */
#ifndef GPUSIM_MPI_LINK_H
#define GPUSIM_MPI_LINK_H

#include <stddef.h>
#include <stdint.h>

/* Starts MPI if this process was launched by mpirun; returns 0 or -1. */
int mpi_start(int *argc, char ***argv);
void mpi_stop(void);
int mpi_size(void);
int mpi_rank(void);
/* Rank 0 -> worker: a point to simulate, or the end. */
int mpi_send_point(int rank, uint64_t point);
int mpi_send_stop(int rank);
/* Worker: 0 with a point, 1 at the end, -1 on error. */
int mpi_recv_point(uint64_t *point);
/* Worker -> rank 0: a packed result. */
int mpi_send_result(const void *buf, size_t len);
/* Rank 0: the next result from any worker; *buf is malloc'd. */
int mpi_recv_result(char **buf, size_t *len, int *src);

#endif
