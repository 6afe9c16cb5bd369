#!/usr/bin/env python3
"""H100 row softmax (torch.softmax(x, dim=-1), fp16): time vs rows and row length, with the
kernel's name, grid and block from the profiler's Chrome trace. Same protocol as measure.py
(256 MiB write flush on the stream before each repetition; events around the op; median).
Writes softmax.csv under $OUT."""
import csv, json, os, statistics, tempfile, time
import torch
from torch.profiler import profile, ProfilerActivity

OUT = os.environ.get("OUT") or "/tmp/out3"
os.makedirs(OUT, exist_ok=True)
FW = torch.empty(128 * 1024 * 1024, dtype=torch.float16, device="cuda")


def timed(op):
    for _ in range(3): FW.fill_(1.0); op()
    torch.cuda.synchronize()
    ts, t0 = [], time.time()
    while len(ts) < 200 and (len(ts) < 10 or time.time() - t0 < 0.3):
        FW.fill_(1.0)
        a = torch.cuda.Event(enable_timing=True); b = torch.cuda.Event(enable_timing=True)
        a.record(); op(); b.record(); b.synchronize()
        ts.append(a.elapsed_time(b) * 1e3)
    return statistics.median(ts)


def kernel_of(op):
    FW.fill_(1.0); torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as p:
        op(); torch.cuda.synchronize()
    path = os.path.join(tempfile.mkdtemp(), "t.json")
    p.export_chrome_trace(path)
    for e in json.load(open(path))["traceEvents"]:
        if e.get("cat") == "kernel":
            a = e.get("args", {})
            return e["name"][:90], str(a.get("grid")), str(a.get("block")), a.get("registers per thread"), \
                a.get("shared memory"), a.get("est. achieved occupancy %"), e.get("dur")
    return ("?",) * 7


with open(os.path.join(OUT, "softmax.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["rows", "cols", "dtype", "time_us", "kernel", "grid", "block", "regs", "smem", "occupancy_pct", "kernel_us"])
    for cols in (256, 1024, 4096, 16384):
        for rows in (16, 132, 264, 1056, 4224, 16384):
            if rows * cols > 2**28: continue
            x = torch.randn(rows, cols, dtype=torch.float16, device="cuda")
            op = lambda: torch.softmax(x, dim=-1)
            t = timed(op)
            w.writerow([rows, cols, "fp16", "%.3f" % t] + list(kernel_of(op))); f.flush()
            del x
