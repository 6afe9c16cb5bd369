"""Session 8: which kernels cuBLAS runs for an fp32 nn.Linear with bias (F.linear: x @ W^T + b)
at small sizes, and how long each takes: M (batch) x N (out features) x K (in features) over a
grid other than the seed MLP's layers. Eager, inputs on the GPU, after warm-ups, 3 calls under the
PyTorch profiler; the last call's kernels. Run as `OUT=dir python3 measure_linear32.py`;
writes OUT/linear32.csv (shape, kernel, dur_us, grid, block, and the call's GPU span)."""
import csv, json, os, tempfile
import torch
import torch.nn.functional as F
from torch.profiler import profile, ProfilerActivity

rows = []
for m in (32, 256, 2048):
    for n in (16, 48, 200, 1024):
        for k in (96, 640, 3000):
            x = torch.randn(m, k, device="cuda")
            w = torch.randn(n, k, device="cuda")
            b = torch.randn(n, device="cuda")
            for _ in range(10):
                F.linear(x, w, b)
            torch.cuda.synchronize()
            with profile(activities=[ProfilerActivity.CUDA]) as prof:
                for _ in range(3):
                    F.linear(x, w, b)
                    torch.cuda.synchronize()
            fd, path = tempfile.mkstemp(suffix=".json"); os.close(fd)
            prof.export_chrome_trace(path)
            ev = json.load(open(path))["traceEvents"]
            os.unlink(path)
            ks = sorted([e for e in ev if e.get("cat") in ("kernel", "gpu_memset")], key=lambda e: e["ts"])
            per = len(ks) // 3
            last = ks[-per:]
            span = last[-1]["ts"] + last[-1]["dur"] - last[0]["ts"]
            for e in last:
                g = e.get("args", {})
                rows.append(dict(m=m, n=n, k=k, kernel=e["name"][:110], dur_us=e["dur"], grid=g.get("grid"),
                                 block=g.get("block"), span_us=round(span, 3)))
            print(m, n, k, "span %.2f" % span, [(e["name"][:40], e["dur"], e.get("args", {}).get("grid")) for e in last], flush=True)
with open(os.path.join(os.environ.get("OUT", "."), "linear32.csv"), "w", newline="") as fh:
    w = csv.DictWriter(fh, fieldnames=list(rows[0].keys())); w.writeheader(); w.writerows(rows)
