"""Session 10: whether and when a burst of back-to-back fp16 GEMMs slows down (the power cap lowering the
SM clock), per shape, seen through each kernel's CUPTI duration (PyTorch profiler). After 50 ms of idle,
a burst of n GEMMs of one shape (n chosen for ~25 ms of work), 3 times per shape; every GEMM's duration
in order. bursts.csv: shape, rep, index in the burst, start (us from the burst's first kernel), dur_us.
Run as `OUT=dir python3 measure_burst2.py`."""
import csv, json, os, tempfile, time
import torch
from torch.profiler import profile, ProfilerActivity

OUT = os.environ.get("OUT", ".")
SHAPES = [(8192, 8192, 8192, 16), (4096, 4096, 4096, 128), (2048, 2048, 2048, 800), (512, 16384, 4096, 256),
          (4096, 16384, 4096, 32), (16384, 4096, 512, 256)]
rows = []
for (m, n, k, calls) in SHAPES:
    a = torch.randn(m, k, device="cuda", dtype=torch.float16)
    b = torch.randn(k, n, device="cuda", dtype=torch.float16)
    c = torch.empty(m, n, device="cuda", dtype=torch.float16)
    for _ in range(5):
        torch.matmul(a, b, out=c)
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        for rep in range(3):
            torch.cuda.synchronize()
            time.sleep(0.05)
            for _ in range(calls):
                torch.matmul(a, b, out=c)
            torch.cuda.synchronize()
    fd, path = tempfile.mkstemp(suffix=".json"); os.close(fd)
    prof.export_chrome_trace(path)
    ev = sorted([e for e in json.load(open(path))["traceEvents"] if e.get("cat") == "kernel"], key=lambda e: e["ts"])
    os.unlink(path)
    assert len(ev) == 3 * calls, (m, n, k, len(ev))
    for rep in range(3):
        burst = ev[rep * calls:(rep + 1) * calls]
        t0 = burst[0]["ts"]
        for i, e in enumerate(burst):
            rows.append(dict(M=m, N=n, K=k, rep=rep, i=i, start_us=round(e["ts"] - t0, 3), dur_us=e["dur"]))
        d = [e["dur"] for e in burst]
        q = max(1, calls // 8)
        print((m, n, k), rep, "first", d[:3], "eighths", [round(sum(d[j:j + q]) / q, 2) for j in range(0, calls, q)],
              flush=True)
    del a, b, c
with open(os.path.join(OUT, "bursts.csv"), "w", newline="") as fh:
    w = csv.DictWriter(fh, fieldnames=list(rows[0].keys())); w.writeheader(); w.writerows(rows)
