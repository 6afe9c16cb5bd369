"""Session 14, third call: the L2 hit latency one SM sees while the other SMs read the L2, per hop.
Program 0 of a Triton kernel chases pointers (volatile 4-byte loads, one 128-byte line a hop, a random
cycle) through FOOT bytes, L2-resident, timing every hop with %clock64 (SM cycles); programs 1..N each read
their own 32 KiB region (share 1) or all the same one (share N), volatile, in a loop until the chase is
done (a flag in global memory). Without load (N = 0) the hops fall in two groups (near and far partition);
under load, which group slows down says where the queue is: a link between the partitions delays far
hops only, busy slices delay both.

  l2_load.csv  foot_kib, n_readers, share, hop, cycles
  l2_load_summary.csv  foot_kib, n_readers, share, p10, p25, p50, p75, p90 (cycles), mean

Run as `OUT=dir python3 analysis/hw/h100_s14/measure_l2load.py`."""
import csv, os
import torch
import triton
import triton.language as tl

OUT = os.environ.get("OUT", ".")
HOPS = 4096


@triton.jit
def clock(after):
    """%clock64, read once `after` (a register) is available: the read waits for the load that produced it."""
    return tl.inline_asm_elementwise("mov.u64 $0, %clock64;", "=l,r", [after], dtype=tl.int64, is_pure=False, pack=1)


@triton.jit
def chase_under_load(chain, src, lat, flag, sink, SHARE, HOPS_N: tl.constexpr, R_ELEMS: tl.constexpr,
                     BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    if pid == 0:
        idx = tl.load(chain, volatile=True)
        for h in range(HOPS_N):
            t0 = clock(idx)
            idx = tl.load(chain + idx, volatile=True)
            t1 = clock(idx)
            tl.store(lat + h, t1 - t0)
        tl.atomic_xchg(flag, 1)
        tl.store(sink, idx)
    else:
        base = src + ((pid - 1) // SHARE) * R_ELEMS
        acc = tl.zeros((BLOCK,), tl.float32)
        it = 0
        while tl.load(flag, volatile=True) == 0:
            for s in tl.static_range(0, R_ELEMS // BLOCK):
                off = ((s + it) % (R_ELEMS // BLOCK)) * BLOCK
                acc += tl.load(base + off + tl.arange(0, BLOCK), volatile=True)
            it += 1
        tl.store(sink + pid, tl.sum(acc))


def main():
    rows, summ = [], []
    R = 32 * 1024
    src = torch.ones(132 * R // 4, dtype=torch.float32, device="cuda")
    lat = torch.zeros(HOPS, dtype=torch.int64, device="cuda")
    flag = torch.zeros(1, dtype=torch.int32, device="cuda")
    sink = torch.zeros(256, dtype=torch.float32, device="cuda")
    for foot_kib in (1024, 8192):
        nlines = foot_kib * 1024 // 128
        perm = torch.randperm(nlines, device="cuda")
        chain = torch.zeros(nlines * 32, dtype=torch.int32, device="cuda")
        nxt = torch.roll(perm, -1)
        chain[perm * 32] = (nxt * 32).to(torch.int32)
        chain[0] = int(perm[0]) * 32
        for n, share in ((0, 1), (131, 1), (131, 131), (65, 1), (65, 65)):
            for rep in range(2):  # the first warms the chain into the L2
                flag.zero_()
                chase_under_load[(n + 1,)](chain, src, lat, flag, sink, share, HOPS_N=HOPS, R_ELEMS=R // 4,
                                           BLOCK=4096, num_warps=16)
                torch.cuda.synchronize()
            c = lat.cpu().tolist()[64:]  # the first hops run before the readers are all going
            for h, v in enumerate(c):
                rows.append(dict(foot_kib=foot_kib, n_readers=n, share=share, hop=h, cycles=v))
            s = sorted(c)
            q = lambda p: s[int(p * (len(s) - 1))]
            summ.append(dict(foot_kib=foot_kib, n_readers=n, share=share, p10=q(.1), p25=q(.25), p50=q(.5),
                             p75=q(.75), p90=q(.9), mean=round(sum(s) / len(s), 1)))
            print(summ[-1], flush=True)
    for name, data in (("l2_load.csv", rows), ("l2_load_summary.csv", summ)):
        with open(os.path.join(OUT, name), "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(data[0].keys()))
            w.writeheader(); w.writerows(data)


if __name__ == "__main__":
    main()
