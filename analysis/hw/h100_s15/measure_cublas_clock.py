"""Session 15, second call: the SM clock while a cuBLAS GEMM runs, as the shared data's protocol runs it
(the 256 MiB flush write, then the op). A probe kernel of 132 one-warp programs (no shared memory, few
registers: it fits beside a GEMM's CTA on every SM) is launched first on a second stream and reads
%globaltimer and %clock64 every ~250 ns for the whole sequence; on the op's stream a one-thread `mark`
kernel stamps %globaltimer after the flush and after the op. The clock over time is d(clock64) /
d(globaltimer) summed over the probes, in 1 us bins from the first mark (the op's start).

  cublas_clock.csv         case, t_us (from the op's start), mhz (all SMs' probes), n_sm (probes in the bin)
  cublas_clock_ops.csv     case, op_us (between the two marks), event_us (CUDA events around the op alone,
                           the probe running), mean_mhz (over the op), first_5us_mhz, sms_probed

Run as `OUT=dir python3 analysis/hw/h100_s15/measure_cublas_clock.py`."""
import collections, csv, os, statistics
import torch
import triton
import triton.language as tl

OUT = os.environ.get("OUT", ".")
NSM = torch.cuda.get_device_properties(0).multi_processor_count
NS = 4096          # samples a probe
GAP_NS = 250


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
def probe(out, NS_: tl.constexpr, GAP):
    pid = tl.program_id(0)
    row = out + pid * (2 * NS_ + 1)
    tl.store(row, smid(pid).to(tl.int64))
    for i in range(NS_):
        g = gtimer(i)
        tl.store(row + 1 + 2 * i, g)
        tl.store(row + 2 + 2 * i, clock(i))
        nxt = g + GAP
        while gtimer(i) < nxt:
            pass


@triton.jit
def mark(out, IDX: tl.constexpr):
    tl.store(out + IDX, gtimer(IDX))


def main():
    flush = torch.empty(64 * 1024 * 1024, dtype=torch.int32, device="cuda")
    pbuf = torch.zeros(NSM * (2 * NS + 1), dtype=torch.int64, device="cuda")
    marks = torch.zeros(2, dtype=torch.int64, device="cuda")
    s2 = torch.cuda.Stream()
    ty = {"fp16": torch.float16, "bf16": torch.bfloat16, "tf32": torch.float32, "fp32": torch.float32}
    shapes = [("fp16", 1024, 1024, 1024), ("fp16", 1536, 1536, 1536), ("fp16", 2048, 2048, 2048),
              ("fp16", 3072, 3072, 3072), ("fp16", 4096, 4096, 4096), ("bf16", 2496, 2496, 1088),
              ("fp16", 960, 11008, 640), ("bf16", 4224, 4224, 192), ("fp16", 1024, 5504, 896),
              ("bf16", 1216, 1856, 6528), ("fp16", 16, 4096, 11008), ("tf32", 2048, 2048, 2048),
              ("fp32", 2048, 2048, 2048)]
    series, ops = [], []
    for dt, m, n, k in shapes:
        torch.backends.cuda.matmul.allow_tf32 = dt == "tf32"
        A = torch.randn(m, k, device="cuda", dtype=ty[dt])
        B = torch.randn(k, n, device="cuda", dtype=ty[dt])
        for _ in range(3):
            torch.matmul(A, B)
        probe[(NSM,)](pbuf, NS_=NS, GAP=GAP_NS, num_warps=1)  # compile
        mark[(1,)](marks, IDX=0, num_warps=1)
        torch.cuda.synchronize()
        case = "%s %dx%dx%d" % (dt, m, n, k)
        for rep in range(2):
            pbuf.zero_(); marks.zero_()
            ev = [torch.cuda.Event(enable_timing=True) for _ in range(2)]
            torch.cuda.synchronize()
            with torch.cuda.stream(s2):
                probe[(NSM,)](pbuf, NS_=NS, GAP=GAP_NS, num_warps=1)
            flush.fill_(1)
            mark[(1,)](marks, IDX=0, num_warps=1)
            ev[0].record(); torch.matmul(A, B); ev[1].record()
            mark[(1,)](marks, IDX=1, num_warps=1)
            torch.cuda.synchronize()
            mk = marks.cpu().tolist()
            p = pbuf.view(NSM, 2 * NS + 1).cpu().tolist()
            bins = collections.defaultdict(lambda: [0, 0, set()])
            sms = set()
            for r in p:
                sms.add(r[0])
                for i in range(NS - 1):
                    g0, c0, g1, c1 = r[1 + 2 * i], r[2 + 2 * i], r[3 + 2 * i], r[4 + 2 * i]
                    if g1 <= g0 or g0 == 0:
                        continue
                    b = int(((g0 + g1) / 2 - mk[0]) // 1000)
                    bins[b][0] += c1 - c0; bins[b][1] += g1 - g0; bins[b][2].add(r[0])
            if rep == 1:
                for b in sorted(bins):
                    if -20 <= b <= (mk[1] - mk[0]) / 1000 + 20:
                        series.append(dict(case=case, t_us=b, mhz=round(bins[b][0] / bins[b][1] * 1e3, 1),
                                           n_sm=len(bins[b][2])))
            span = (mk[1] - mk[0]) / 1000
            inside = [bins[b] for b in bins if 0 <= b < span]
            first = [bins[b] for b in bins if 0 <= b < min(5, span)]
            ops.append(dict(case=case, rep=rep, op_us=round(span, 2), event_us=round(ev[0].elapsed_time(ev[1]) * 1e3, 2),
                            mean_mhz=round(sum(x[0] for x in inside) / max(1, sum(x[1] for x in inside)) * 1e3, 1),
                            first_5us_mhz=round(sum(x[0] for x in first) / max(1, sum(x[1] for x in first)) * 1e3, 1),
                            sms_probed=len(sms)))
            print(ops[-1], flush=True)
        del A, B
    for name, data in (("cublas_clock.csv", series), ("cublas_clock_ops.csv", ops)):
        with open(os.path.join(OUT, name), "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(data[0].keys()))
            w.writeheader(); w.writerows(data)


if __name__ == "__main__":
    main()
