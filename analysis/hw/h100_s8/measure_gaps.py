"""Session 8: how far apart the GPU runs kernels that are already queued, eager and in a CUDA graph,
and what a CUDA-event pair adds around one kernel. A one-element add_ (the smallest kernel):
- graph: 100 add_ kernels captured in a graph, replayed; eager_queued: the same 100 launched eagerly
  behind a 256 MiB fill (the host is ahead: every launch is queued before the fill ends); both
  under the PyTorch profiler: each kernel's duration and the gap from one kernel's end to the next
  one's start (profiler timestamps), medians;
- event: CUDA events around one add_ right behind the fill (the data's protocol), median of 50,
  against the kernel's profiler duration.
Run as `OUT=dir python3 measure_gaps.py`; writes OUT/gaps.csv."""
import csv, json, os, statistics, tempfile
import torch
from torch.profiler import profile, ProfilerActivity

a = torch.zeros(1, device="cuda")
buf = torch.empty(128 * 1024 * 1024, dtype=torch.float16, device="cuda")


def kernels(fn):
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        fn()
        torch.cuda.synchronize()
    fd, path = tempfile.mkstemp(suffix=".json"); os.close(fd)
    prof.export_chrome_trace(path)
    ev = sorted([e for e in json.load(open(path))["traceEvents"] if e.get("cat") == "kernel"], key=lambda e: e["ts"])
    os.unlink(path)
    return ev


def hundred():
    for _ in range(100):
        a.add_(1)


rows = []
for _ in range(3):
    hundred()
g = torch.cuda.CUDAGraph()
s = torch.cuda.Stream()
s.wait_stream(torch.cuda.current_stream())
with torch.cuda.stream(s):
    hundred()
torch.cuda.current_stream().wait_stream(s)
with torch.cuda.graph(g):
    hundred()
g.replay(); torch.cuda.synchronize()
for what, fn in (("graph", lambda: g.replay()), ("eager_queued", lambda: (buf.fill_(1.0), hundred()))):
    ev = [e for e in kernels(fn) if "fill" not in e["name"].lower() or what == "graph"]
    ev = [e for e in ev if e["args"].get("grid") == [1, 1, 1]]
    durs = [e["dur"] for e in ev]
    gaps = [b["ts"] - (a_["ts"] + a_["dur"]) for a_, b in zip(ev, ev[1:])]
    span = ev[-1]["ts"] + ev[-1]["dur"] - ev[0]["ts"]
    rows.append(dict(what=what, kernels=len(ev), kernel_us=round(statistics.median(durs), 3),
                     gap_us=round(statistics.median(gaps), 3), gap_min_us=round(min(gaps), 3),
                     per_kernel_us=round(span / len(ev), 3)))
    print(rows[-1], flush=True)


def event_us(kernels_between):
    """Median over 50 (after 3 warm-ups) of CUDA events around `kernels_between` add_ kernels queued
    right behind the 256 MiB fill: the data's protocol."""
    res = []
    for _ in range(53):
        torch.cuda.synchronize()
        buf.fill_(1.0)
        e0, e1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        e0.record()
        for _ in range(kernels_between):
            a.add_(1)
        e1.record()
        torch.cuda.synchronize()
        res.append(e0.elapsed_time(e1) * 1e3)
    return statistics.median(res[3:]), min(res[3:])


ev = kernels(lambda: (buf.fill_(1.0), a.add_(1)))
k = [e for e in ev if e["args"].get("grid") == [1, 1, 1]][-1]
for n, what in ((1, "event_pair_one_kernel"), (2, "event_pair_two_kernels")):
    med, lo = event_us(n)
    rows.append(dict(what=what, kernels=n, kernel_us=k["dur"], gap_us=round(med, 3), gap_min_us=round(lo, 3),
                     per_kernel_us=round(med / n, 3)))
    print(rows[-1], flush=True)
with open(os.path.join(os.environ.get("OUT", "."), "gaps.csv"), "w", newline="") as fh:
    w = csv.DictWriter(fh, fieldnames=list(rows[0].keys())); w.writeheader(); w.writerows(rows)
print(torch.cuda.get_device_name(0))
