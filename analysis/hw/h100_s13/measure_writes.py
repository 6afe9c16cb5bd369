"""Session 13: how fast the H100 writes a large matrix by tiles (as a GEMM's epilogue does) against a plain
streaming write. A Triton kernel where each program writes one BMxBN tile of a bf16 M x N matrix (a constant)
row-major, tiles in row-major order of programs, against torch's fill_ of the same bytes; also a GEMM with
K = 16 of the same output. Timed with CUDA events, median of 20 after 3 warm-ups, with and without the
shared data's 256 MiB flush write before each.

  tiled_writes.csv  kind, M, N, BM, BN, flush, time_us, TB/s (bytes of C over time)

Run as `OUT=dir python3 analysis/hw/h100_s13/measure_writes.py`."""
import csv, os, statistics
import torch
import triton
import triton.language as tl

OUT = os.environ.get("OUT", ".")
flushbuf = torch.empty(64 * 1024 * 1024, dtype=torch.int32, device="cuda")


@triton.jit
def tile_store(c_ptr, M, N, BM: tl.constexpr, BN: tl.constexpr, GROUP: tl.constexpr):
    pid = tl.program_id(0)
    nbn = tl.cdiv(N, BN)
    pm = pid // nbn
    pn = pid % nbn
    rm = pm * BM + tl.arange(0, BM)
    rn = pn * BN + tl.arange(0, BN)
    val = tl.full((BM, BN), 1.0, tl.bfloat16)
    mask = (rm[:, None] < M) & (rn[None, :] < N)
    tl.store(c_ptr + rm[:, None] * N + rn[None, :], val, mask=mask)


def timed(f, flush, reps=20):
    st = torch.cuda.Event(enable_timing=True); en = torch.cuda.Event(enable_timing=True)
    us = []
    for i in range(reps + 3):
        if flush:
            flushbuf.fill_(1)
        st.record(); f(); en.record()
        torch.cuda.synchronize()
        if i >= 3:
            us.append(st.elapsed_time(en) * 1e3)
    return statistics.median(us)


def main():
    rows = []
    shapes = [(15600, 5192), (7440, 4184), (3312, 6016), (1440, 6400), (9024, 2712), (16384, 8192)]
    for M, N in shapes:
        c = torch.empty(M, N, dtype=torch.bfloat16, device="cuda")
        nbytes = M * N * 2
        for flush in (0, 1):
            t = timed(lambda: c.fill_(1.0), flush)
            rows.append(dict(kind="fill_", M=M, N=N, BM=0, BN=0, flush=flush, time_us=round(t, 3), tbs=round(nbytes / t / 1e6, 3)))
            for BM, BN in ((128, 256), (256, 128), (64, 64), (32, 1024)):
                grid = (triton.cdiv(M, BM) * triton.cdiv(N, BN),)
                f = lambda: tile_store[grid](c, M, N, BM=BM, BN=BN, GROUP=1)
                f(); torch.cuda.synchronize()
                t = timed(f, flush)
                rows.append(dict(kind="triton_tiles", M=M, N=N, BM=BM, BN=BN, flush=flush, time_us=round(t, 3), tbs=round(nbytes / t / 1e6, 3)))
            a = torch.randn(M, 16, dtype=torch.bfloat16, device="cuda"); b = torch.randn(16, N, dtype=torch.bfloat16, device="cuda")
            g = lambda: torch.matmul(a, b, out=c)
            g(); torch.cuda.synchronize()
            t = timed(g, flush)
            rows.append(dict(kind="gemm_k16", M=M, N=N, BM=0, BN=0, flush=flush, time_us=round(t, 3), tbs=round(nbytes / t / 1e6, 3)))
            print(rows[-6:], flush=True)
        del c
    with open(os.path.join(OUT, "tiled_writes.csv"), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0].keys())); w.writeheader(); w.writerows(rows)


if __name__ == "__main__":
    main()
