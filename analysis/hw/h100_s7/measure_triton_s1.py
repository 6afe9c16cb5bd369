"""Session 7: what Triton compiles for triton_gemm.csv's one- and two-stage kernels on the H100 (gpusim's
128x128 one- and two-stage rows are 24-39% fast): for a matmul kernel of the Triton tutorial's form
(BLOCK_M x BLOCK_N x BLOCK_K tiles, GROUP_M swizzle, fp16 in, fp32 accumulate, fp16 out), compiled
for 4096^3 at several tiles, warps and stages: whether the PTX uses wgmma (Hopper warpgroup MMA) or
mma.sync, cp.async or TMA, the registers per thread, spills and shared memory; and the time under the
data's protocol (256 MiB fill before, CUDA events around, median of 20) to tie it to
../h100/triton_gemm.csv. Run as `OUT=dir python3 measure_triton_s1.py`; writes OUT/triton_s1.csv.
With --ncu, one call of the 128x128 one- and three-stage kernels, for Nsight Compute's occupancy limits:
  ncu --kernel-name mm --metrics launch__occupancy_limit_registers,launch__occupancy_limit_shared_mem,\
      launch__occupancy_limit_warps,launch__registers_per_thread,sm__warps_active.avg.per_cycle_active,\
      sm__ctas_launched.avg.per_cycle_active,gpu__time_duration.sum --csv python3 measure_triton_s1.py --ncu"""
import csv, os, statistics
import torch
import triton
import triton.language as tl

@triton.jit
def mm(a, b, c, M, N, K, sam, sak, sbk, sbn, scm, scn,
       BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr, GM: tl.constexpr):
    pid = tl.program_id(0)
    npm = tl.cdiv(M, BM); npn = tl.cdiv(N, BN)
    group = GM * npn
    gid = pid // group
    first = gid * GM
    gsz = min(npm - first, GM)
    pm = first + ((pid % group) % gsz)
    pn = (pid % group) // gsz
    rm = pm * BM + tl.arange(0, BM)
    rn = pn * BN + tl.arange(0, BN)
    rk = tl.arange(0, BK)
    ap = a + rm[:, None] * sam + rk[None, :] * sak
    bp = b + rk[:, None] * sbk + rn[None, :] * sbn
    acc = tl.zeros((BM, BN), dtype=tl.float32)
    for k in range(0, tl.cdiv(K, BK)):
        x = tl.load(ap)
        y = tl.load(bp)
        acc += tl.dot(x, y)
        ap += BK * sak
        bp += BK * sbk
    tl.store(c + rm[:, None] * scm + rn[None, :] * scn, acc.to(tl.float16))

flush = torch.empty(64 * 1024 * 1024, dtype=torch.int32, device="cuda")
def timed(f, reps=20):
    st = torch.cuda.Event(enable_timing=True); en = torch.cuda.Event(enable_timing=True)
    us = []
    for i in range(reps + 3):
        flush.fill_(1)
        st.record(); f(); en.record()
        torch.cuda.synchronize()
        if i >= 3: us.append(st.elapsed_time(en) * 1e3)
    return statistics.median(us)

M = N = K = 4096
a = torch.randn(M, K, device="cuda", dtype=torch.float16)
b = torch.randn(K, N, device="cuda", dtype=torch.float16)
c = torch.empty(M, N, device="cuda", dtype=torch.float16)
rows = []
import sys
CONFIGS = [(128, 128, 32, 4), (128, 128, 64, 4), (64, 64, 64, 4), (128, 256, 64, 8)]
STAGES = (1, 2, 3)
if len(sys.argv) > 1 and sys.argv[1] == "--ncu":   # one call of each 128x128 kernel, for Nsight Compute
    CONFIGS, STAGES = [(128, 128, 32, 4), (128, 128, 64, 4)], (1, 3)
    timed = lambda f, reps=0: (f(), torch.cuda.synchronize(), 0.0)[2]
for (bm, bn, bk, w) in CONFIGS:
    for s in STAGES:
        grid = (triton.cdiv(M, bm) * triton.cdiv(N, bn),)
        f = lambda: mm[grid](a, b, c, M, N, K, a.stride(0), a.stride(1), b.stride(0), b.stride(1), c.stride(0), c.stride(1),
                             BM=bm, BN=bn, BK=bk, GM=8, num_warps=w, num_stages=s)
        try:
            k = f()
            t = timed(f)
        except Exception as e:  # a tile that does not fit
            print(bm, bn, bk, w, s, "failed:", str(e)[:100], flush=True)
            continue
        ptx = k.asm.get("ptx", "")
        md = k.metadata
        row = dict(tile="%dx%dx%d" % (bm, bn, bk), warps=w, stages=s, time_us=round(t, 3),
                   wgmma=int("wgmma" in ptx), mma_sync=int("mma.sync" in ptx), cp_async=int("cp.async" in ptx),
                   tma=int("cp.async.bulk" in ptx), regs=getattr(k, "n_regs", ""), spills=getattr(k, "n_spills", ""),
                   smem=getattr(md, "shared", ""))
        rows.append(row)
        print(row, flush=True)
with open(os.path.join(os.environ.get("OUT", "."), "triton_s1%s.csv" % ("_ncu_run" if len(sys.argv) > 1 else "")), "w", newline="") as fh:
    w = csv.DictWriter(fh, fieldnames=list(rows[0].keys())); w.writeheader(); w.writerows(rows)
print(torch.cuda.get_device_name(0), triton.__version__)
