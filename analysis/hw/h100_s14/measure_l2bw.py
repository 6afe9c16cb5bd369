"""Session 14: how fast the H100's L2 feeds the SMs, by how many SMs read and how many of them read the same
lines. A Triton kernel: program p reads region p // share (R bytes of fp32, L2-resident; volatile loads,
ld.volatile, which the L1 does not serve: with cache_modifier=".cg" one SM read 239 GB/s, L1 hits) ITERS times, BLOCK elements a step (the step's block rotating with
the iteration, and ITERS a run-time argument, so that no load is hoisted out of the loop or merged with
another after unrolling); one program an SM up to 132 programs, more
programs several an SM. No flush (the regions stay in the L2 between runs); CUDA events, median of 10 after
3 warm-ups, each launch a CUDA graph replay (a Triton launch from Python takes ~20 us of host time, which
the events would see). Each case runs with ITERS 64 and 256: the difference of the two times is the reads'
own time (the launch and the first loads' latency cancel).

  l2_bw.csv  nprog, share, region_kib, block (fp32 elements a step), warps, volatile (1: ld.volatile,
             0: .cg over regions larger than an L1), iters, time_us,
             bytes (read by all programs), tbs (TB/s over time_us)

Run as `OUT=dir python3 analysis/hw/h100_s14/measure_l2bw.py`."""
import csv, os, statistics
import torch
import triton
import triton.language as tl

OUT = os.environ.get("OUT", ".")


@triton.jit
def l2_read(src, out, SHARE, ITERS, R_ELEMS: tl.constexpr, BLOCK: tl.constexpr, VOLATILE: tl.constexpr):
    pid = tl.program_id(0)
    base = src + (pid // SHARE) * R_ELEMS
    acc = tl.zeros((BLOCK,), tl.float32)
    for it in range(ITERS):
        for s in tl.static_range(0, R_ELEMS // BLOCK):
            # the step's block rotates with the iteration: no load is loop-invariant (none hoisted)
            off = ((s + it) % (R_ELEMS // BLOCK)) * BLOCK
            if VOLATILE:
                acc += tl.load(base + off + tl.arange(0, BLOCK), volatile=True)
            else:
                acc += tl.load(base + off + tl.arange(0, BLOCK), cache_modifier=".cg")
    tl.store(out + pid, tl.sum(acc))


def timed(f, reps=10):
    st = torch.cuda.Event(enable_timing=True); en = torch.cuda.Event(enable_timing=True)
    us = []
    for i in range(reps + 3):
        st.record(); f(); en.record()
        torch.cuda.synchronize()
        if i >= 3:
            us.append(st.elapsed_time(en) * 1e3)
    return statistics.median(us)


def main():
    rows = []
    R = 32 * 1024  # bytes a region: 528 regions are 17 MiB, well inside the 50 MiB L2
    src = torch.ones(66 * 384 * 1024 // 4, dtype=torch.float32, device="cuda")
    out = torch.empty(528, dtype=torch.float32, device="cuda")
    cases = [(16, 4096, 1, R, n, s) for n in (1, 4, 16, 33, 66, 99, 132, 264, 396, 528) for s in (1, 8, n)]
    cases += [(8, 4096, 1, R, n, s) for n in (1, 16, 66, 132, 264, 528) for s in (1, 8, n)]
    # cross-check: .cg loads over regions larger than an L1 (384 KiB; 66 of them fill 25 MiB of the L2)
    cases += [(16, 4096, 0, 384 * 1024, n, 1) for n in (1, 16, 66)]
    seen = set()
    for warps, block, vol, R, nprog, share in cases:
        if share > nprog or (warps, block, vol, R, nprog, share) in seen:
            continue
        seen.add((warps, block, vol, R, nprog, share))
        relems = R // 4
        for iters in (64, 256):
            k = lambda: l2_read[(nprog,)](src, out, share, iters, R_ELEMS=relems, BLOCK=block, VOLATILE=vol, num_warps=warps)
            k(); torch.cuda.synchronize()
            g = torch.cuda.CUDAGraph()
            with torch.cuda.graph(g):
                k()
            t = timed(g.replay)
            nbytes = nprog * R * iters
            rows.append(dict(nprog=nprog, share=share, region_kib=R // 1024, block=block, warps=warps, volatile=vol,
                             iters=iters, time_us=round(t, 3), bytes=nbytes, tbs=round(nbytes / t / 1e6, 3)))
            print(rows[-1], flush=True)
    with open(os.path.join(OUT, "l2_bw.csv"), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0].keys()))
        w.writeheader(); w.writerows(rows)


if __name__ == "__main__":
    main()
