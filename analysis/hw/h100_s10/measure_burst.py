"""Session 10: how the H100's clock follows a burst of GEMMs, seen through kernel durations (CUPTI, the
PyTorch profiler). For n in 0..32: n back-to-back fp16 GEMMs of ffn4k's first layer (512x4096 @
4096x16384, ~86 us each at full clock), then at once a GELU over their 512x16384 output (8 Mi fp16,
arithmetic-bound: its time follows the SM clock), then a sync and 20 ms of idle. Each n 5 times.
burst.csv: n, rep, the GEMMs' durations (first, last, mean), the GELU's duration, and the gap between
the last GEMM's end and the GELU's start. Run as `OUT=dir python3 measure_burst.py`."""
import csv, json, os, tempfile, time
import torch
import torch.nn.functional as F
from torch.profiler import profile, ProfilerActivity

OUT = os.environ.get("OUT", ".")
x = torch.randn(512, 4096, device="cuda", dtype=torch.float16)
w = torch.randn(4096, 16384, device="cuda", dtype=torch.float16)
y = torch.empty(512, 16384, device="cuda", dtype=torch.float16)
for _ in range(20):
    torch.matmul(x, w, out=y); F.gelu(y)
torch.cuda.synchronize()


def run(n):
    torch.cuda.synchronize()
    time.sleep(0.02)
    for _ in range(n):
        torch.matmul(x, w, out=y)
    F.gelu(y)
    torch.cuda.synchronize()


rows = []
with profile(activities=[ProfilerActivity.CUDA]) as prof:
    for rep in range(5):
        for n in (0, 1, 2, 4, 8, 16, 32):
            run(n)
fd, path = tempfile.mkstemp(suffix=".json"); os.close(fd)
prof.export_chrome_trace(path)
ev = sorted([e for e in json.load(open(path))["traceEvents"] if e.get("cat") == "kernel"], key=lambda e: e["ts"])
os.unlink(path)
i = 0
for rep in range(5):
    for n in (0, 1, 2, 4, 8, 16, 32):
        g = ev[i:i + n]; gl = ev[i + n]; i += n + 1
        assert all("gelu" not in e["name"].lower() for e in g) and "gelu" in gl["name"].lower(), (n, gl["name"])
        d = [e["dur"] for e in g]
        rows.append(dict(n=n, rep=rep, gemm_first_us=d[0] if d else "", gemm_last_us=d[-1] if d else "",
                         gemm_mean_us=round(sum(d) / len(d), 3) if d else "", gelu_us=gl["dur"],
                         gap_us=round(gl["ts"] - (g[-1]["ts"] + g[-1]["dur"]), 3) if g else "",
                         gemm_kernel=g[0]["name"][:60] if g else "", gelu_kernel=gl["name"][:60]))
        print(rows[-1], flush=True)
with open(os.path.join(OUT, "burst.csv"), "w", newline="") as fh:
    wr = csv.DictWriter(fh, fieldnames=list(rows[0].keys())); wr.writeheader(); wr.writerows(rows)
