#!/usr/bin/env python3
"""H100 measurements, third series (run on the device machine; card named in device.txt).

What the model lacks, measured with the data's protocol (shared/hw/h100/README.md: CUDA
events around the op only; flush on the same stream right before it; 3 warm-ups;
repetitions until ~0.3 s or 200, at least 10; median -> time_us):

  kernels.csv  which kernels PyTorch runs for the elementwise.csv ops (profiler: name, grid,
               block, duration), at 4 Mi and 64 Mi fp16 elements
  dirty.csv    how the dirty lines a 256 MiB write leaves in L2 weigh on the next op:
               pre = 'write' (256 MiB fill), 'write+read' (the fill, then a 256 MiB read:
               the L2 holds clean lines), 'read' (256 MiB read only), 'write+sleepN'
               (the fill, then the GPU spins N us before the op: does the L2 clean dirty
               lines while DRAM is idle?). ops: relu_ (in-place), copy (x -> y), sum
               (read-reduce), fp16 GEMMs 768^3..2048^3
  flush.csv    the flushes themselves: 256 MiB fill, 256 MiB read (sum), timed alone
"""
import csv, os, statistics, time
import torch
from torch.profiler import profile, ProfilerActivity

OUT = os.environ.get("OUT") or "/tmp/out3"
os.makedirs(OUT, exist_ok=True)
TARGET_S, MAXREP, MINREP = 0.3, 200, 10
dev = "cuda"
FW = torch.empty(128 * 1024 * 1024, dtype=torch.float16, device=dev)      # 256 MiB
FR = torch.randn(64 * 1024 * 1024, dtype=torch.float32, device=dev)       # 256 MiB
SINK = torch.empty(1, dtype=torch.float32, device=dev)
SINKH = torch.empty(1, dtype=torch.float16, device=dev)
CLK_HZ = torch.cuda.get_device_properties(0).clock_rate * 1e3 if hasattr(torch.cuda.get_device_properties(0), "clock_rate") else 1.98e9


def pre_write(): FW.fill_(1.0)
def pre_read(): torch.sum(FR, dim=0, out=SINK[0])
def pre_wr(): pre_write(); pre_read()
def pre_sleep(us):
    def f():
        pre_write(); torch.cuda._sleep(int(us * 1e-6 * 1.755e9))
    return f


def timed(op, pre):
    for _ in range(3): pre(); op()
    torch.cuda.synchronize()
    ts, t0 = [], time.time()
    while len(ts) < MAXREP and (len(ts) < MINREP or time.time() - t0 < TARGET_S):
        pre()
        a = torch.cuda.Event(enable_timing=True); b = torch.cuda.Event(enable_timing=True)
        a.record(); op(); b.record(); b.synchronize()
        ts.append(a.elapsed_time(b) * 1e3)
    return statistics.median(ts), min(ts), len(ts)


def kernels_of(op, pre):
    pre(); torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as p:
        op(); torch.cuda.synchronize()
    out = []
    for e in p.events():
        if e.device_type == torch.autograd.DeviceType.CUDA:
            out.append("%s [%.2f us]" % (e.name[:100], e.device_time if hasattr(e, "device_time") else e.cuda_time))
    return " | ".join(out)


def main():
    with open(os.path.join(OUT, "device.txt"), "w") as f:
        p = torch.cuda.get_device_properties(0)
        f.write("%s sms=%d torch=%s cuda=%s\n" % (p.name, p.multi_processor_count, torch.__version__, torch.version.cuda))
    # 1. kernels of the elementwise.csv ops
    with open(os.path.join(OUT, "kernels.csv"), "w", newline="") as f:
        w = csv.writer(f); w.writerow(["op", "elems", "dtype", "time_us", "kernels"])
        for n in (4 * 2**20, 64 * 2**20):
            x = torch.randn(n, dtype=torch.float16, device=dev); y = torch.randn(n, dtype=torch.float16, device=dev)
            xs = x.view(-1, 4096)
            ops = {"relu": lambda: torch.relu(x), "relu_F": lambda: torch.nn.functional.relu(x),
                   "relu_inplace": lambda: x.relu_(), "add": lambda: x + y,
                   "gelu": lambda: torch.nn.functional.gelu(x),
                   "softmax_rows4096": lambda: torch.softmax(xs, dim=-1)}
            for name, op in ops.items():
                t = timed(op, pre_write)[0]
                w.writerow([name, n, "fp16", "%.3f" % t, kernels_of(op, pre_write)]); f.flush()
            del x, y, xs
    # 2. flushes alone
    with open(os.path.join(OUT, "flush.csv"), "w", newline="") as f:
        w = csv.writer(f); w.writerow(["flush", "bytes", "time_us", "min_us", "reps"])
        for name, op in (("write", pre_write), ("read", pre_read)):
            t, m, r = timed(op, lambda: None)
            w.writerow([name, 256 * 2**20, "%.3f" % t, "%.3f" % m, r])
    # 3. dirty-line effect
    pres = [("write", pre_write), ("write+read", pre_wr), ("read", pre_read)] + \
           [("write+sleep%d" % us, pre_sleep(us)) for us in (5, 20, 50, 200)]
    with open(os.path.join(OUT, "dirty.csv"), "w", newline="") as f:
        w = csv.writer(f); w.writerow(["op", "size", "pre", "time_us", "min_us", "reps"])
        for n in (2**20, 4 * 2**20, 16 * 2**20, 64 * 2**20):
            x = torch.randn(n, dtype=torch.float16, device=dev); y = torch.empty_like(x)
            ops = {"relu_": lambda: x.relu_(), "copy": lambda: y.copy_(x), "sum": lambda: torch.sum(x, dim=0, out=SINKH[0])}
            for name, op in ops.items():
                for pn, pre in pres:
                    t, m, r = timed(op, pre)
                    w.writerow([name, n, pn, "%.3f" % t, "%.3f" % m, r]); f.flush()
            del x, y
        for s in (768, 1024, 1536, 2048):
            a = torch.randn(s, s, dtype=torch.float16, device=dev); b = torch.randn(s, s, dtype=torch.float16, device=dev)
            op = lambda: torch.matmul(a, b)
            for pn, pre in pres:
                t, m, r = timed(op, pre)
                w.writerow(["gemm_fp16", s, pn, "%.3f" % t, "%.3f" % m, r]); f.flush()
    # 4. the sleep's own length (calibrates the spin count)
    with open(os.path.join(OUT, "sleep.csv"), "w", newline="") as f:
        w = csv.writer(f); w.writerow(["requested_us", "time_us"])
        for us in (5, 20, 50, 200):
            t = timed(lambda: torch.cuda._sleep(int(us * 1e-6 * 1.755e9)), lambda: None)[0]
            w.writerow([us, "%.3f" % t])


if __name__ == "__main__":
    main()
