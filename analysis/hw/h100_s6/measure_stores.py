#!/usr/bin/env python3
"""H100 measurements, sixth series (run on the device machine; card named in device.txt).

Why does an output-bound fp32 GEMM (cuBLAS's sm80 xmma FFMA kernels, K = 16..64) take about
the FFMA time plus the write time (h100_s4/writes.csv) instead of the larger of the two?
Same protocol as the shared data (CUDA events around the op only; a 256 MiB fill right before
it on the same stream; 3 warm-ups; repetitions until ~0.3 s or 200, at least 10; median).

  stores_vs_ctas.csv  a Triton kernel whose `ctas` programs (1024 threads each, so one per SM
                      up to 132) each store a contiguous 2 MiB chunk (fp32, 16-byte vectors):
                      store bandwidth per SM and where it saturates (bw_vs_sms.csv has reads).
  phases.csv          16384 programs of 4 warps, each computing a 64x64 fp32 tile for `iters`
                      rounds of FMAs in registers (32 FMAs a thread a round), then storing it
                      (store=1) or not (store=0; a runtime flag, so the FMAs stay): 256 MiB in
                      all. mode=fma: registers only; mode=dot: the tile is `iters`/BK tl.dots of
                      the same two 64 x BK fp32 blocks (BK = 16, or `iters` up to 64) (FFMA from shared memory, no tf32), read from
                      a small L2-resident buffer (store=0: one value a program, so that the
                      dot stays). Whether a kernel's stores overlap other
                      CTAs' arithmetic: overlapped -> time ~ max(compute, store);
                      serialized -> compute + store.
"""
import csv, os, statistics, time
import torch
import triton
import triton.language as tl

OUT = os.environ.get("OUT") or "/tmp/out6"
os.makedirs(OUT, exist_ok=True)
TARGET_S, MAXREP, MINREP = 0.3, 200, 10
dev = "cuda"
torch.backends.cuda.matmul.allow_tf32 = False
FW = torch.empty(128 * 1024 * 1024, dtype=torch.float16, device=dev)      # 256 MiB
PRE = lambda: FW.fill_(1.0)


def timed(op):
    for _ in range(3): PRE(); op()
    torch.cuda.synchronize()
    ts, t0 = [], time.time()
    while len(ts) < MAXREP and (len(ts) < MINREP or time.time() - t0 < TARGET_S):
        PRE()
        a = torch.cuda.Event(enable_timing=True); b = torch.cuda.Event(enable_timing=True)
        a.record(); op(); b.record(); b.synchronize()
        ts.append(a.elapsed_time(b) * 1e3)
    return statistics.median(ts), min(ts), len(ts)


@triton.jit
def store_chunk(c_ptr, CHUNK: tl.constexpr, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    base = c_ptr + pid.to(tl.int64) * CHUNK
    v = tl.zeros((BLOCK,), dtype=tl.float32) + 1.0
    for i in range(0, CHUNK, BLOCK):
        tl.store(base + i + tl.arange(0, BLOCK), v)


@triton.jit
def fma_tile(c_ptr, N, iters, do_store, BM: tl.constexpr, BN: tl.constexpr):
    pid = tl.program_id(0)
    tiles_n = N // BN
    pm = pid // tiles_n
    pn = pid % tiles_n
    rm = pm * BM + tl.arange(0, BM)
    rn = pn * BN + tl.arange(0, BN)
    acc = tl.zeros((BM, BN), dtype=tl.float32) + (pid % 7).to(tl.float32)
    for i in range(iters):
        acc = acc * 1.000001 + 0.5
    if do_store != 0:
        tl.store(c_ptr + rm[:, None] * N + rn[None, :], acc)


@triton.jit
def dot_tile(a_ptr, b_ptr, c_ptr, N, do_store, reps, BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr):
    pid = tl.program_id(0)
    tiles_n = N // BN
    pm = pid // tiles_n
    pn = pid % tiles_n
    rm = pm * BM + tl.arange(0, BM)
    rn = pn * BN + tl.arange(0, BN)
    rk = tl.arange(0, BK)
    a = tl.load(a_ptr + (pid % 64) * BM * BK + tl.arange(0, BM)[:, None] * BK + rk[None, :])
    b = tl.load(b_ptr + (pid % 64) * BK * BN + rk[:, None] * BN + tl.arange(0, BN)[None, :])
    acc = tl.zeros((BM, BN), dtype=tl.float32)
    for i in range(reps):  # the same operands again: more FFMAs from shared memory, nothing else
        acc = tl.dot(a, b, acc, input_precision="ieee")
    if do_store != 0:
        tl.store(c_ptr + rm[:, None] * N + rn[None, :], acc)
    else:  # one value a program: the dot cannot be sunk into the branch above
        tl.store(c_ptr + pid, tl.sum(tl.sum(acc, axis=1), axis=0))


def main():
    only = os.environ.get("ONLY", "")
    with open(os.path.join(OUT, "device.txt"), "w") as f:
        p = torch.cuda.get_device_properties(0)
        f.write("%s sms=%d torch=%s cuda=%s triton=%s\n" % (p.name, p.multi_processor_count, torch.__version__,
                                                             torch.version.cuda, triton.__version__))
    chunk = 512 * 1024  # floats: 2 MiB a program
    if only == "phases": return phases()
    buf = torch.empty(528 * chunk, dtype=torch.float32, device=dev)
    with open(os.path.join(OUT, "stores_vs_ctas.csv"), "w", newline="") as f:
        w = csv.writer(f); w.writerow(["ctas", "warps", "bytes", "time_us", "min_us", "reps", "gbps"])
        for warps, counts in ((32, (1, 2, 4, 8, 16, 32, 64, 100, 132)), (8, (132, 264, 528))):
            for n in counts:
                op = lambda n=n, warps=warps: store_chunk[(n,)](buf, CHUNK=chunk, BLOCK=4096, num_warps=warps)
                t, tmin, reps = timed(op)
                w.writerow([n, warps, n * chunk * 4, "%.3f" % t, "%.3f" % tmin, reps, "%.1f" % (n * chunk * 4 / t / 1e3)])
                f.flush(); print("stores", n, warps, t, flush=True)
    phases()


def phases():
    N = 8192
    c = torch.empty(N, N, dtype=torch.float32, device=dev)
    grid = ((N // 64) * (N // 64),)
    with open(os.path.join(OUT, "phases.csv"), "w", newline="") as f:
        w = csv.writer(f); w.writerow(["mode", "iters", "bk", "store", "time_us", "min_us", "reps"])
        for iters in (0, 8, 16, 32, 64, 128):
            for st in (1, 0):
                op = lambda iters=iters, st=st: fma_tile[grid](c, N, iters, st, BM=64, BN=64, num_warps=4)
                t, tmin, reps = timed(op)
                w.writerow(["fma", iters, 0, st, "%.3f" % t, "%.3f" % tmin, reps]); f.flush()
                print("fma", iters, st, t, flush=True)
        for bk, reps in ((16, 1), (16, 2), (16, 4), (16, 8), (32, 1), (64, 1)):
            a = torch.randn(64 * 64 * bk, dtype=torch.float32, device=dev)
            b = torch.randn(64 * bk * 64, dtype=torch.float32, device=dev)
            for st in (1, 0):
                op = lambda a=a, b=b, st=st, bk=bk, reps=reps: dot_tile[grid](a, b, c, N, st, reps, BM=64, BN=64, BK=bk, num_warps=4)
                t, tmin, reps_ = timed(op)
                w.writerow(["dot", bk * reps, bk, st, "%.3f" % t, "%.3f" % tmin, reps_]); f.flush()
                print("dot", bk, reps, st, t, flush=True)


if __name__ == "__main__":
    main()
