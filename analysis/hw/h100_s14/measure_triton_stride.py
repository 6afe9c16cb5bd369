"""Session 14: does a lone Triton CTA's cold k-tile (triton_cold.csv) wait on DRAM channel conflicts? The same
kernel (imported from measure_triton_tiles.py), 64x64x64 at 3 stages and 128x128x64 at 1 stage, on 8
tiles, K and N chosen so that A's rows (2K bytes apart) and B's rows (2N bytes apart) sit at power-of-two
or odd strides. After the shared data's flush write; CUDA events, median of 20, CUDA graph launches.

  triton_stride.csv  bm, bn, bk, stages, M, N, K, a_stride, b_stride (bytes), time_us, cycles_per_ktile
                     (at 1980 MHz)

Run as `OUT=dir python3 analysis/hw/h100_s14/measure_triton_stride.py`."""
import csv, os, statistics, sys
import torch
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from measure_triton_tiles import matmul, timed  # noqa: E402

OUT = os.environ.get("OUT", ".")


def main():
    rows = []
    for bm, bn, bk, st, w in ((64, 64, 64, 3, 4), (128, 128, 64, 1, 4)):
        for K in (8192, 8256, 8704):
            for nb in (4, 5):
                M, N = 2 * bm, nb * bn
                tiles = 2 * nb
                A = torch.randn(M, K, device="cuda", dtype=torch.float16)
                B = torch.randn(K, N, device="cuda", dtype=torch.float16)
                C = torch.empty(M, N, device="cuda", dtype=torch.float16)
                k = lambda: matmul[(tiles,)](A, B, C, M, N, K, BM=bm, BN=bn, BK=bk, GM=8, num_stages=st, num_warps=w)
                k(); torch.cuda.synchronize()
                g = torch.cuda.CUDAGraph()
                with torch.cuda.graph(g):
                    k()
                t = timed(g.replay)
                rows.append(dict(bm=bm, bn=bn, bk=bk, stages=st, M=M, N=N, K=K, a_stride=2 * K, b_stride=2 * N,
                                 time_us=round(t, 3), cycles_per_ktile=round(t * 1980 / (K // bk), 1)))
                print(rows[-1], flush=True)
                del A, B, C
    with open(os.path.join(OUT, "triton_stride.csv"), "w", newline="") as fh:
        wr = csv.DictWriter(fh, fieldnames=list(rows[0].keys())); wr.writeheader(); wr.writerows(rows)


if __name__ == "__main__":
    main()
