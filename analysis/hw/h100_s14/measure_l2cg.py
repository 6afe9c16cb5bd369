"""Session 14, second call: do plain (.cg) loads see the L2 as the volatile loads of measure_l2bw.py do?
The same kernel (imported from measure_l2bw.py), regions of 320 KiB (larger than an L1, read cyclically:
an L1 would miss on every line), 48 programs (15 MiB in all; with near copies of the far half, 23 MiB),
share 1, 8 and 48, .cg and volatile; ITERS 16 and 64 (each region 320 KiB a pass). Also prints the PTX
load instructions of both variants.

  l2_cg.csv  nprog, share, region_kib, volatile, iters, time_us, bytes, tbs

Run as `OUT=dir python3 analysis/hw/h100_s14/measure_l2cg.py`."""
import csv, os, re, sys
import torch
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from measure_l2bw import l2_read, timed  # noqa: E402

OUT = os.environ.get("OUT", ".")


def main():
    R = 320 * 1024
    relems = R // 4
    src = torch.ones(48 * relems, dtype=torch.float32, device="cuda")
    out = torch.empty(48, dtype=torch.float32, device="cuda")
    rows = []
    for vol in (0, 1):
        k0 = l2_read[(1,)](src, out, 1, 1, R_ELEMS=relems, BLOCK=4096, VOLATILE=vol, num_warps=16)
        loads = sorted(set(re.findall(r"ld\.[a-z0-9.:_]+", k0.asm["ptx"])))
        print("volatile", vol, "PTX loads:", loads, flush=True)
        for share in (1, 8, 48):
            for iters in (16, 64):
                k = lambda: l2_read[(48,)](src, out, share, iters, R_ELEMS=relems, BLOCK=4096, VOLATILE=vol, num_warps=16)
                k(); torch.cuda.synchronize()
                g = torch.cuda.CUDAGraph()
                with torch.cuda.graph(g):
                    k()
                t = timed(g.replay)
                nbytes = 48 * R * iters
                rows.append(dict(nprog=48, share=share, region_kib=R // 1024, volatile=vol, iters=iters,
                                 time_us=round(t, 3), bytes=nbytes, tbs=round(nbytes / t / 1e6, 3)))
                print(rows[-1], flush=True)
    with open(os.path.join(OUT, "l2_cg.csv"), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0].keys()))
        w.writeheader(); w.writerows(rows)


if __name__ == "__main__":
    main()
