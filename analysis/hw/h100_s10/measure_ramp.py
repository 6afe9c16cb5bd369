"""Session 10: the power cap's dynamics, seen through every kernel's duration over 2 s of back-to-back fp16
GEMMs after 2 s of idle (8192^3: ~1400 GEMMs; 4096^3: ~11000), with NVML's SM clock and board power
sampled every 5 ms by a thread meanwhile. ramp.csv: shape, kernel index, start (ms from the first
kernel), dur_us; ramp_nvml.csv: shape, t_ms (same origin, host clock), sm_mhz, power_w.
Run as `OUT=dir python3 measure_ramp.py`."""
import csv, json, os, tempfile, threading, time
import torch
import pynvml
from torch.profiler import profile, ProfilerActivity

OUT = os.environ.get("OUT", ".")
pynvml.nvmlInit()
h = pynvml.nvmlDeviceGetHandleByIndex(0)
rows, nv = [], []
for (m, calls) in ((8192, 1400), (4096, 11000)):
    a = torch.randn(m, m, device="cuda", dtype=torch.float16)
    b = torch.randn(m, m, device="cuda", dtype=torch.float16)
    c = torch.empty(m, m, device="cuda", dtype=torch.float16)
    for _ in range(3):
        torch.matmul(a, b, out=c)
    torch.cuda.synchronize()
    time.sleep(2.0)
    samples, stop = [], threading.Event()
    def sample():
        while not stop.is_set():
            samples.append((time.perf_counter(), pynvml.nvmlDeviceGetClockInfo(h, pynvml.NVML_CLOCK_SM),
                            pynvml.nvmlDeviceGetPowerUsage(h) / 1000.0))
            time.sleep(0.005)
    th = threading.Thread(target=sample); th.start()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        t0 = time.perf_counter()
        for _ in range(calls):
            torch.matmul(a, b, out=c)
        torch.cuda.synchronize()
    stop.set(); th.join()
    fd, path = tempfile.mkstemp(suffix=".json"); os.close(fd)
    prof.export_chrome_trace(path)
    ev = sorted([e for e in json.load(open(path))["traceEvents"] if e.get("cat") == "kernel"], key=lambda e: e["ts"])
    os.unlink(path)
    k0 = ev[0]["ts"]
    for i, e in enumerate(ev):
        rows.append(dict(M=m, i=i, start_ms=round((e["ts"] - k0) / 1000, 4), dur_us=e["dur"]))
    for (t, mhz, w) in samples:
        nv.append(dict(M=m, t_ms=round((t - t0) * 1000, 2), sm_mhz=mhz, power_w=w))
    d = [e["dur"] for e in ev]
    q = len(d) // 20
    print(m, len(d), [round(sum(d[j:j + q]) / q, 1) for j in range(0, len(d) - q + 1, q)], flush=True)
    del a, b, c
for name, rs in (("ramp.csv", rows), ("ramp_nvml.csv", nv)):
    with open(os.path.join(OUT, name), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rs[0].keys())); w.writeheader(); w.writerows(rs)
