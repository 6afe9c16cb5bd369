"""Session 15, fourth call: what one CTA alone on its SM spends a k-tile, by the bytes of its k-tile and the
stages it keeps in flight: the limit session 14 left open (a lone Triton CTA ~770 cycles a 16 KiB k-tile
from DRAM, gpusim ~540). The Triton tutorial matmul's k-loop (fp16, tl.dot) on a grid of 8 programs (one an
SM), K = 8192, each program timing its own loop with %clock64 (first k-tile issued to last MMA done), for
tiles of 8..48 KiB a k-tile and num_stages 1..4, from DRAM (after a 256 MiB flush write) and from the L2
(the same launch again at once: A and B, 8 x (BM + BN) x 8192 x 2 bytes, stay resident).

  lone_ktile.csv  bm, bn, bk, stages, warps, kib_per_ktile, source (dram|l2), cycles_per_ktile (median over
                  the 8 programs), min, max, us (CUDA events around the launch, launch included)

Run as `OUT=dir python3 analysis/hw/h100_s15/measure_lone_ktile.py`."""
import csv, os, statistics
import torch
import triton
import triton.language as tl

OUT = os.environ.get("OUT", ".")
K = 8192
PROGS = 8


@triton.jit
def clock(after):
    return tl.inline_asm_elementwise("mov.u64 $0, %clock64;", "=l,r", [after], dtype=tl.int64,
                                     is_pure=False, pack=1)


@triton.jit
def kloop(a, b, c, cyc, N, K_: tl.constexpr, BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr):
    pid = tl.program_id(0)
    rm = pid * BM + tl.arange(0, BM)
    rn = tl.arange(0, BN)
    rk = tl.arange(0, BK)
    pa = a + rm[:, None] * K_ + rk[None, :]
    pb = b + pid * (K_ * BN) + rk[:, None] * BN + rn[None, :]   # each program its own B block
    t0 = clock(pid)
    acc = tl.zeros((BM, BN), dtype=tl.float32)
    for k in range(0, K_ // BK):
        acc += tl.dot(tl.load(pa), tl.load(pb))
        pa += BK
        pb += BK * BN
    t1 = clock(tl.sum(acc).to(tl.int32, bitcast=True))
    tl.store(c + rm[:, None] * BN + rn[None, :], acc.to(tl.float16))
    tl.store(cyc + pid, t1 - t0)


def main():
    flush = torch.empty(64 * 1024 * 1024, dtype=torch.int32, device="cuda")
    rows = []
    configs = [(64, 64, 32, 4), (64, 64, 64, 4), (128, 64, 64, 4), (128, 128, 32, 4), (128, 128, 64, 4),
               (128, 128, 64, 8), (128, 256, 64, 8)]
    for bm, bn, bk, w in configs:
        A = torch.randn(PROGS * bm, K, device="cuda", dtype=torch.float16)
        B = torch.randn(PROGS * K, bn, device="cuda", dtype=torch.float16)
        C = torch.empty(PROGS * bm, bn, device="cuda", dtype=torch.float16)
        cyc = torch.zeros(PROGS, dtype=torch.int64, device="cuda")
        for st in (1, 2, 3, 4):
            if (bm + bn) * bk * 2 * st > 200 * 1024:
                continue
            run = lambda: kloop[(PROGS,)](A, B, C, cyc, bn, K_=K, BM=bm, BN=bn, BK=bk, num_stages=st, num_warps=w)
            try:
                run(); torch.cuda.synchronize()
            except Exception as e:  # shared memory too small for these stages
                print("skip", bm, bn, bk, st, type(e).__name__, flush=True)
                continue
            for source in ("dram", "l2"):
                per, us = [], []
                for rep in range(7):
                    ev = [torch.cuda.Event(enable_timing=True) for _ in range(2)]
                    if source == "dram":
                        flush.fill_(1)
                    else:
                        run()  # the operands into the L2
                    ev[0].record(); run(); ev[1].record()
                    torch.cuda.synchronize()
                    c = cyc.cpu().tolist()
                    per.append(statistics.median(c) / (K // bk))
                    us.append(ev[0].elapsed_time(ev[1]) * 1e3)
                rows.append(dict(bm=bm, bn=bn, bk=bk, stages=st, warps=w, kib_per_ktile=(bm + bn) * bk * 2 / 1024,
                                 source=source, cycles_per_ktile=round(statistics.median(per), 1),
                                 min=round(min(per), 1), max=round(max(per), 1), us=round(statistics.median(us), 2)))
                print(rows[-1], flush=True)
        del A, B, C
    with open(os.path.join(OUT, "lone_ktile.csv"), "w", newline="") as fh:
        wr = csv.DictWriter(fh, fieldnames=list(rows[0].keys())); wr.writeheader(); wr.writerows(rows)


if __name__ == "__main__":
    main()
