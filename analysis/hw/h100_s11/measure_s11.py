"""Session 11: fp32 GEMMs with a narrow side on the H100 (CUDA cores), nn (torch.matmul) and nt
(F.linear, no bias), timed under the data's protocol (256 MiB flush write on the stream, CUDA events
around the op, 3 warm-ups, median of 30) and run once more under the PyTorch profiler for the kernels
cuBLAS ran (name, grid, block, registers, shared memory, duration): which tile, split and kernels it
takes for a tall-skinny fp32 product, and what its k-tiles cost.

  fp32_narrow.csv  M in 1000..16384 (log-uniform), N in {8, 12, 16, 20, 24, 28, 32, 37, 48, 64},
                   K in 256..16384 (log-uniform), 48 shapes, each nn and nt.

Run as `OUT=dir python3 measure_s11.py`. Shapes are drawn from a seeded generator (seed 11)."""
import csv, json, math, os, random, statistics, tempfile
import torch
import torch.nn.functional as F
from torch.profiler import profile, ProfilerActivity

OUT = os.environ.get("OUT", ".")
flush = torch.empty(64 * 1024 * 1024, dtype=torch.int32, device="cuda")
torch.backends.cuda.matmul.allow_tf32 = False


def timed(f, reps=30):
    st = torch.cuda.Event(enable_timing=True); en = torch.cuda.Event(enable_timing=True)
    us = []
    for i in range(reps + 3):
        flush.fill_(1)
        st.record(); f(); en.record()
        torch.cuda.synchronize()
        if i >= 3:
            us.append(st.elapsed_time(en) * 1e3)
    return statistics.median(us)


def kernels_of(f):
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        f(); torch.cuda.synchronize()
    fd, path = tempfile.mkstemp(suffix=".json"); os.close(fd)
    prof.export_chrome_trace(path)
    ev = json.load(open(path))["traceEvents"]
    os.unlink(path)
    return sorted([e for e in ev if e.get("cat") in ("kernel", "gpu_memset")], key=lambda e: e["ts"])


def main():
    rng = random.Random(11)
    rows = []
    shapes = []
    for _ in range(48):
        m = int(round(math.exp(rng.uniform(math.log(1000), math.log(16384)))))
        n = rng.choice([8, 12, 16, 20, 24, 28, 32, 37, 48, 64])
        k = int(round(math.exp(rng.uniform(math.log(256), math.log(16384)))))
        shapes.append((m, n, k))
    for m, n, k in shapes:
        a = torch.randn(m, k, device="cuda")
        for layout in ("nn", "nt"):
            if layout == "nn":
                b = torch.randn(k, n, device="cuda")
                f = lambda: torch.matmul(a, b)
            else:
                w = torch.randn(n, k, device="cuda")
                f = lambda: F.linear(a, w)
            f(); torch.cuda.synchronize()
            t = timed(f)
            ks = kernels_of(f)
            for e in ks:
                g = e.get("args", {})
                rows.append(dict(dtype="fp32", M=m, N=n, K=k, layout=layout, time_us=round(t, 3),
                                 kernel=e["name"][:160], dur_us=e.get("dur"), grid=g.get("grid"),
                                 block=g.get("block"), regs=g.get("registers per thread"),
                                 smem=g.get("shared memory")))
            print(m, n, k, layout, round(t, 2), [(e["name"][:60], e.get("dur"), e.get("args", {}).get("grid")) for e in ks], flush=True)
    with open(os.path.join(OUT, "fp32_narrow.csv"), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0].keys())); w.writeheader(); w.writerows(rows)
    with open(os.path.join(OUT, "device.txt"), "w") as fh:
        p = torch.cuda.get_device_properties(0)
        fh.write("%s, %d SMs, torch %s, CUDA %s\n" % (p.name, p.multi_processor_count, torch.__version__, torch.version.cuda))


if __name__ == "__main__":
    main()
