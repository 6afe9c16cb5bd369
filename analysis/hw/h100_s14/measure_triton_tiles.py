"""Session 14: a Triton GEMM's k-loop with few CTAs and with many. The Triton tutorial matmul (fp16 in, fp32
accumulate, fp16 out; tl.dot, which runs wgmma on the H100) with the tiles of the shared triton_gemm.csv,
on grids of T tiles (T = 8 .. 1056: one CTA alone on its SM up to several an SM), K = 8192. Timed as the
shared data (256 MiB flush write, CUDA events, 3 warm-ups, median of 20; each launch a CUDA graph replay).
What a CTA's k-tile costs alone (T = 8) against all SMs busy says whether its time is its own pipeline or
the L2 the CTAs share.

  triton_tiles.csv  bm, bn, bk, stages, warps, group_m, M, N, K, tiles, time_us, tflops

Run as `OUT=dir python3 analysis/hw/h100_s14/measure_triton_tiles.py`."""
import csv, os, statistics
import torch
import triton
import triton.language as tl

OUT = os.environ.get("OUT", ".")
flush = torch.empty(64 * 1024 * 1024, dtype=torch.int32, device="cuda")


@triton.jit
def matmul(a, b, c, M, N, K, BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr, GM: tl.constexpr):
    pid = tl.program_id(0)
    npm = tl.cdiv(M, BM)
    npn = tl.cdiv(N, BN)
    group = GM * npn
    gid = pid // group
    first = gid * GM
    gsz = min(npm - first, GM)
    pm = first + (pid % group) % gsz
    pn = (pid % group) // gsz
    rm = pm * BM + tl.arange(0, BM)
    rn = pn * BN + tl.arange(0, BN)
    rk = tl.arange(0, BK)
    pa = a + rm[:, None] * K + rk[None, :]
    pb = b + rk[:, None] * N + rn[None, :]
    acc = tl.zeros((BM, BN), dtype=tl.float32)
    for k in range(0, tl.cdiv(K, BK)):
        acc += tl.dot(tl.load(pa), tl.load(pb))
        pa += BK
        pb += BK * N
    tl.store(c + rm[:, None] * N + rn[None, :], acc.to(tl.float16))


def timed(f, reps=20):
    st = torch.cuda.Event(enable_timing=True); en = torch.cuda.Event(enable_timing=True)
    us = []
    for i in range(reps + 3):
        flush.fill_(1)
        st.record(); f(); en.record()
        torch.cuda.synchronize()
        if i >= 3:
            us.append(st.elapsed_time(en) * 1e3)
    return statistics.median(us)


def main():
    rows = []
    K = 8192
    configs = [(64, 64, 64, 3, 4), (128, 128, 64, 3, 4), (128, 128, 32, 3, 4), (128, 128, 64, 1, 4), (128, 256, 64, 3, 8)]
    shapes = {8: (2, 4), 33: (3, 11), 66: (6, 11), 132: (12, 11), 264: (12, 22), 528: (24, 22), 1056: (48, 22)}
    for bm, bn, bk, st, w in configs:
        for tiles, (a_, b_) in shapes.items():
            if bm * bn >= 128 * 256 and tiles > 528:
                continue
            M, N = a_ * bm, b_ * bn
            A = torch.randn(M, K, device="cuda", dtype=torch.float16)
            B = torch.randn(K, N, device="cuda", dtype=torch.float16)
            C = torch.empty(M, N, device="cuda", dtype=torch.float16)
            k = lambda: matmul[(tiles,)](A, B, C, M, N, K, BM=bm, BN=bn, BK=bk, GM=8, num_stages=st, num_warps=w)
            k(); torch.cuda.synchronize()
            g = torch.cuda.CUDAGraph()
            with torch.cuda.graph(g):
                k()
            t = timed(g.replay)
            rows.append(dict(bm=bm, bn=bn, bk=bk, stages=st, warps=w, group_m=8, M=M, N=N, K=K, tiles=tiles,
                             time_us=round(t, 3), tflops=round(2.0 * M * N * K / t / 1e6, 1)))
            print(rows[-1], flush=True)
            del A, B, C
    with open(os.path.join(OUT, "triton_tiles.csv"), "w", newline="") as fh:
        w_ = csv.DictWriter(fh, fieldnames=list(rows[0].keys())); w_.writeheader(); w_.writerows(rows)


if __name__ == "__main__":
    main()
