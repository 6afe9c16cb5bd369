"""Session 14: is a lone Triton CTA's k-loop (triton_tiles.csv) paced by cold DRAM reads behind the dirty lines
the flush write leaves? The same kernel (imported from measure_triton_tiles.py) on 8 and 132 tiles at
K = 8192, timed three ways: after the shared data's 256 MiB flush write (dirty L2), after a 256 MiB read
(a clean L2, operands in DRAM), and with no flush (operands L2-resident after the warm-ups). CUDA events,
3 warm-ups, median of 20, CUDA graph launches.

  triton_cold.csv  bm, bn, bk, stages, warps, M, N, K, tiles, before (write|read|none), time_us

Run as `OUT=dir python3 analysis/hw/h100_s14/measure_triton_cold.py`."""
import csv, os, statistics, sys
import torch
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from measure_triton_tiles import matmul  # noqa: E402

OUT = os.environ.get("OUT", ".")
buf = torch.empty(64 * 1024 * 1024, dtype=torch.int32, device="cuda")


def timed(f, before, reps=20):
    st = torch.cuda.Event(enable_timing=True); en = torch.cuda.Event(enable_timing=True)
    us = []
    for i in range(reps + 3):
        if before == "write":
            buf.fill_(1)
        elif before == "read":
            buf.sum()
        st.record(); f(); en.record()
        torch.cuda.synchronize()
        if i >= 3:
            us.append(st.elapsed_time(en) * 1e3)
    return statistics.median(us)


def main():
    rows = []
    K = 8192
    for bm, bn, bk, st, w in ((64, 64, 64, 3, 4), (128, 128, 64, 3, 4), (128, 128, 32, 3, 4), (128, 128, 64, 1, 4)):
        for tiles, (a_, b_) in ((8, (2, 4)), (132, (12, 11))):
            M, N = a_ * bm, b_ * bn
            A = torch.randn(M, K, device="cuda", dtype=torch.float16)
            B = torch.randn(K, N, device="cuda", dtype=torch.float16)
            C = torch.empty(M, N, device="cuda", dtype=torch.float16)
            k = lambda: matmul[(tiles,)](A, B, C, M, N, K, BM=bm, BN=bn, BK=bk, GM=8, num_stages=st, num_warps=w)
            k(); torch.cuda.synchronize()
            g = torch.cuda.CUDAGraph()
            with torch.cuda.graph(g):
                k()
            for before in ("write", "read", "none"):
                t = timed(g.replay, before)
                rows.append(dict(bm=bm, bn=bn, bk=bk, stages=st, warps=w, M=M, N=N, K=K, tiles=tiles, before=before,
                                 time_us=round(t, 3)))
                print(rows[-1], flush=True)
            del A, B, C
    with open(os.path.join(OUT, "triton_cold.csv"), "w", newline="") as fh:
        wr = csv.DictWriter(fh, fieldnames=list(rows[0].keys())); wr.writeheader(); wr.writerows(rows)


if __name__ == "__main__":
    main()
