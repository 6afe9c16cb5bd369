"""Session 13: does a tiled write's speed follow the row pitch's alignment? bf16 M x N matrices written by
a Triton kernel, each program one BM x BN tile (the GEMM epilogue's pattern) or BM whole rows (rows), for
N whose row is 0, 16, 32, 64 or 96 bytes past a 128-byte line, after the shared data's 256 MiB flush
write (and without it), CUDA events, median of 20 after 3 warm-ups; fill_ of the same bytes beside.

  pitch_writes.csv  kind, M, N, row_mod128, BM, BN, flush, time_us, tbs (C's bytes over the time, TB/s)

Run as `OUT=dir python3 analysis/hw/h100_s13/measure_pitch.py`."""
import csv, os, statistics
import torch
import triton
import triton.language as tl

OUT = os.environ.get("OUT", ".")
flushbuf = torch.empty(64 * 1024 * 1024, dtype=torch.int32, device="cuda")


@triton.jit
def tile_store(c_ptr, M, N, BM: tl.constexpr, BN: tl.constexpr):
    pid = tl.program_id(0)
    nbn = tl.cdiv(N, BN)
    pm = pid // nbn
    pn = pid % nbn
    rm = pm * BM + tl.arange(0, BM)
    rn = pn * BN + tl.arange(0, BN)
    val = tl.full((BM, BN), 1.0, tl.bfloat16)
    tl.store(c_ptr + rm[:, None] * N + rn[None, :], val, mask=(rm[:, None] < M) & (rn[None, :] < N))


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
    M = 8192
    for N in (8192, 8200, 8208, 8224, 8240, 4096, 4104, 4128, 2048, 2056):
        c = torch.empty(M, N, dtype=torch.bfloat16, device="cuda")
        nbytes = M * N * 2
        for flush in (1, 0):
            t = timed(lambda: c.fill_(1.0), flush)
            rows.append(dict(kind="fill_", M=M, N=N, row_mod128=(N * 2) % 128, BM=0, BN=0, flush=flush, time_us=round(t, 3), tbs=round(nbytes / t / 1e6, 3)))
            for BM, BN in ((128, 256), (64, 64), (8, 1024), (1, 4096)):
                grid = (triton.cdiv(M, BM) * triton.cdiv(N, BN),)
                f = lambda: tile_store[grid](c, M, N, BM=BM, BN=BN)
                f(); torch.cuda.synchronize()
                t = timed(f, flush)
                rows.append(dict(kind="tiles", M=M, N=N, row_mod128=(N * 2) % 128, BM=BM, BN=BN, flush=flush, time_us=round(t, 3), tbs=round(nbytes / t / 1e6, 3)))
            print(rows[-5:], flush=True)
        del c
    with open(os.path.join(OUT, "pitch_writes.csv"), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0].keys())); w.writeheader(); w.writerows(rows)


if __name__ == "__main__":
    main()
