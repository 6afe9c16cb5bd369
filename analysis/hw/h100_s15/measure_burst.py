"""Session 15, fifth call: the round trip of a burst of N line loads from one SM, from DRAM and from the L2.
One Triton program (or 8 / 132 at once, one an SM, each on its own region) reads %clock64, loads N
consecutive 128-byte lines with one `tl.load` (`.cg`: not cached in L1), reduces them, and reads %clock64
again once the sum is ready: the time from the first load's issue to the last line's use. N = 1 .. 512
lines; from DRAM (a 256 MiB flush write just before, the region never read since) and from the L2 (the same
launch again at once). What a k-tile's loads cost as a function of their number is what gpusim's lone-CTA
k-loop misses (lone_ktile.csv).

  burst.csv  programs, lines, warps, source (dram|l2), cycles (median over programs and 5 launches), p10, p90

Run as `OUT=dir python3 analysis/hw/h100_s15/measure_burst.py`."""
import csv, os, statistics
import torch
import triton
import triton.language as tl

OUT = os.environ.get("OUT", ".")


@triton.jit
def clock(after):
    return tl.inline_asm_elementwise("mov.u64 $0, %clock64;", "=l,r", [after], dtype=tl.int64,
                                     is_pure=False, pack=1)


@triton.jit
def burst(src, cyc, sink, REGION: tl.constexpr, ELEMS: tl.constexpr):
    pid = tl.program_id(0)
    base = src + pid * REGION
    t0 = clock(pid)
    x = tl.load(base + tl.arange(0, ELEMS), cache_modifier=".cg")
    s = tl.sum(x)
    t1 = clock(s.to(tl.int32, bitcast=True))
    tl.store(cyc + pid, t1 - t0)
    tl.store(sink + pid, s)


def main():
    flush = torch.empty(64 * 1024 * 1024, dtype=torch.int32, device="cuda")
    REGION = 1 << 20  # floats: 4 MiB a program, so a launch's lines are never another's
    src = torch.ones(132 * REGION, dtype=torch.float32, device="cuda")
    cyc = torch.zeros(132, dtype=torch.int64, device="cuda")
    sink = torch.zeros(132, dtype=torch.float32, device="cuda")
    rows = []
    for progs in (1, 8, 132):
        for lines in (1, 4, 16, 64, 128, 256, 512):
            w = 4 if lines <= 128 else 8
            k = lambda: burst[(progs,)](src, cyc, sink, REGION=REGION, ELEMS=lines * 32, num_warps=w)
            k(); torch.cuda.synchronize()
            for source in ("dram", "l2"):
                vals = []
                for rep in range(5):
                    if source == "dram":
                        flush.fill_(1)
                    else:
                        k()
                    k(); torch.cuda.synchronize()
                    vals += cyc[:progs].cpu().tolist()
                vals.sort()
                q = lambda p: vals[int(p * (len(vals) - 1))]
                rows.append(dict(programs=progs, lines=lines, warps=w, source=source,
                                 cycles=statistics.median(vals), p10=q(.1), p90=q(.9)))
                print(rows[-1], flush=True)
    with open(os.path.join(OUT, "burst.csv"), "w", newline="") as fh:
        wr = csv.DictWriter(fh, fieldnames=list(rows[0].keys())); wr.writeheader(); wr.writerows(rows)


if __name__ == "__main__":
    main()
