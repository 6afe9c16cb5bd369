"""Session 15: the SM clock over the first microseconds of a tensor-core GEMM, as the shared data's protocol
runs it (a 256 MiB flush write, then the GEMM at once). A persistent Triton matmul (fp16 in, fp32
accumulate, 128x128x64 tiles, 3 stages, 8 warps; one program per SM) reads %globaltimer (ns) and %clock64
(SM cycles) when it starts and after each of its tiles; the flush is a Triton store kernel that reads both
at each program's start and end. The clock between two stamps of one program is d(clock64) / d(globaltimer).

Cases (each repeated): `flush` = flush then GEMM at once (the protocol); `idle` = 100 ms of idle host time,
no flush, then the GEMM; `hot` = three GEMMs back to back (the third after ~1 ms of GEMMs).
Shapes: M = N = 8192 (4096 tiles, ~31 a program), K = 1024 and K = 256 (finer steps).

  clock_stamps.csv  case, rep, kernel (flush|gemm|gemm2|gemm3), K, prog, sm, idx, gt_ns, clk
  clock_events.csv  case, rep, kernel, K, event_us (CUDA events around the GEMM)

Run as `OUT=dir python3 analysis/hw/h100_s15/measure_clock.py`."""
import csv, os, time
import torch
import triton
import triton.language as tl

OUT = os.environ.get("OUT", ".")
NSM = torch.cuda.get_device_properties(0).multi_processor_count
FL_PROGS, FL_ELEMS = 1024, 64 * 1024 * 1024 // 1024   # 256 MiB of int32 in 1024 programs


@triton.jit
def gtimer(after):
    return tl.inline_asm_elementwise("mov.u64 $0, %globaltimer;", "=l,r", [after], dtype=tl.int64,
                                     is_pure=False, pack=1)


@triton.jit
def clock(after):
    return tl.inline_asm_elementwise("mov.u64 $0, %clock64;", "=l,r", [after], dtype=tl.int64,
                                     is_pure=False, pack=1)


@triton.jit
def smid(after):
    return tl.inline_asm_elementwise("mov.u32 $0, %smid;", "=r,r", [after], dtype=tl.int32,
                                     is_pure=False, pack=1)


@triton.jit
def fill(buf, st, ELEMS: tl.constexpr, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    g0 = gtimer(pid)
    c0 = clock(pid)
    base = buf + pid.to(tl.int64) * ELEMS
    for i in range(0, ELEMS, BLOCK):
        tl.store(base + i + tl.arange(0, BLOCK), tl.full((BLOCK,), 1, tl.int32))
    g1 = gtimer(pid + 1)
    c1 = clock(pid + 1)
    tl.store(st + pid * 5 + 0, g0)
    tl.store(st + pid * 5 + 1, c0)
    tl.store(st + pid * 5 + 2, g1)
    tl.store(st + pid * 5 + 3, c1)
    tl.store(st + pid * 5 + 4, smid(pid).to(tl.int64))


@triton.jit
def pmm(a, b, c, st, M, N, K, NREC: tl.constexpr, BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr):
    pid = tl.program_id(0)
    nprog = tl.num_programs(0)
    npn = tl.cdiv(N, BN)
    tiles = tl.cdiv(M, BM) * npn
    row = st + pid * (2 * NREC + 1)
    tl.store(row, smid(pid).to(tl.int64))
    tl.store(row + 1, gtimer(pid))
    tl.store(row + 2, clock(pid))
    i = 1
    for t in range(pid, tiles, nprog):
        pm = t // npn
        pn = t % npn
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
        dep = tl.sum(acc).to(tl.int32, bitcast=True)
        if i < NREC:
            tl.store(row + 1 + 2 * i, gtimer(dep))
            tl.store(row + 2 + 2 * i, clock(dep))
        i += 1


def main():
    stamps, events = [], []
    buf = torch.empty(FL_PROGS * FL_ELEMS, dtype=torch.int32, device="cuda")
    fst = torch.zeros(FL_PROGS * 5, dtype=torch.int64, device="cuda")
    M = N = 8192
    for K in (1024, 256):
        A = torch.randn(M, K, device="cuda", dtype=torch.float16)
        B = torch.randn(K, N, device="cuda", dtype=torch.float16)
        C = torch.empty(M, N, device="cuda", dtype=torch.float16)
        nrec = (M // 128) * (N // 128) // NSM + 2
        gsts = [torch.zeros(NSM * (2 * nrec + 1), dtype=torch.int64, device="cuda") for _ in range(3)]
        g = lambda s: pmm[(NSM,)](A, B, C, s, M, N, K, NREC=nrec, BM=128, BN=128, BK=64, num_stages=3,
                                  num_warps=8)
        f = lambda: fill[(FL_PROGS,)](buf, fst, ELEMS=FL_ELEMS, BLOCK=4096, num_warps=8)
        for _ in range(3):  # compile and warm
            f(); g(gsts[0])
        torch.cuda.synchronize()
        ev = [torch.cuda.Event(enable_timing=True) for _ in range(4)]
        for case in ("flush", "idle", "hot", "flush", "idle", "hot"):
            rep = sum(1 for e in events if e["case"] == case and e["K"] == K) // (3 if case == "hot" else 1)
            for s in gsts + [fst]:
                s.zero_()
            torch.cuda.synchronize()
            time.sleep(0.1)
            if case == "flush":
                f()
            ev[0].record()
            g(gsts[0])
            ev[1].record()
            if case == "hot":
                g(gsts[1]); ev[2].record()
                g(gsts[2]); ev[3].record()
            torch.cuda.synchronize()
            names = ["gemm"] + (["gemm2", "gemm3"] if case == "hot" else [])
            for j, name in enumerate(names):
                events.append(dict(case=case, rep=rep, kernel=name, K=K,
                                   event_us=round(ev[j].elapsed_time(ev[j + 1]) * 1e3, 3)))
                s = gsts[j].view(NSM, 2 * nrec + 1).cpu().tolist()
                for p, r in enumerate(s):
                    for i in range(nrec):
                        if r[1 + 2 * i] == 0:
                            break
                        stamps.append(dict(case=case, rep=rep, kernel=name, K=K, prog=p, sm=r[0], idx=i,
                                           gt_ns=r[1 + 2 * i], clk=r[2 + 2 * i]))
            if case == "flush":
                s = fst.view(FL_PROGS, 5).cpu().tolist()
                for p, r in enumerate(s):
                    for i in range(2):
                        stamps.append(dict(case=case, rep=rep, kernel="flush", K=K, prog=p, sm=r[4], idx=i,
                                           gt_ns=r[2 * i], clk=r[2 * i + 1]))
            print(events[-len(names):], flush=True)
        del A, B, C
    # cuBLAS GEMMs of gemm_more.csv timed after the flush (the protocol), after 100 ms idle (no flush),
    # (a ~100 us one-thread spin first, hiding the launch), and right after ~2 ms of 8192^3 GEMMs (hot; no flush): does the time depend on the power state?
    big = [torch.randn(8192, 8192, device="cuda", dtype=torch.float16) for _ in range(2)]
    ev = [torch.cuda.Event(enable_timing=True) for _ in range(2)]
    for dt, m, n, k in (("bf16", 2496, 2496, 1088), ("fp16", 960, 11008, 640), ("bf16", 4224, 4224, 192),
                        ("fp16", 1024, 5504, 896), ("bf16", 1216, 1856, 6528), ("fp16", 4096, 4096, 4096)):
        ty = torch.bfloat16 if dt == "bf16" else torch.float16
        A = torch.randn(m, k, device="cuda", dtype=ty)
        B = torch.randn(k, n, device="cuda", dtype=ty)
        for _ in range(3):
            torch.matmul(A, B)
        for case in ("flush", "idle", "hot") * 5:
            torch.cuda.synchronize()
            time.sleep(0.1)
            if case == "flush":
                buf.fill_(1)
            if case == "idle":
                torch.cuda._sleep(200000)  # one spinning thread (~100 us) hides the launch behind it
            if case == "hot":
                for _ in range(2):
                    torch.matmul(big[0], big[1])
            ev[0].record(); torch.matmul(A, B); ev[1].record()
            torch.cuda.synchronize()
            events.append(dict(case=case, rep=0, kernel="cublas %s %dx%dx%d" % (dt, m, n, k), K=k,
                               event_us=round(ev[0].elapsed_time(ev[1]) * 1e3, 3)))
        print(events[-3:], flush=True)
    for name, data in (("clock_stamps.csv", stamps), ("clock_events.csv", events)):
        with open(os.path.join(OUT, name), "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(data[0].keys()))
            w.writeheader(); w.writerows(data)


if __name__ == "__main__":
    main()
