"""Session 7: the kernels of the seed MLP's forward pass (784-128-10, ReLU, softmax; nn.Linear =
x @ W^T + b) in fp32 and fp16 at batch 64 and 1000, as ../h100/mlp.csv's forward rows run them:
the inputs on the GPU, eager, under the PyTorch profiler after warm-ups. Each kernel's name, grid,
block and duration, and the forward's GPU span (first kernel start to last kernel end). Run as
`OUT=dir python3 measure_seed_fwd.py`; writes OUT/seed_fwd.csv."""
import csv, json, os, tempfile
import torch
from torch import nn
from torch.profiler import profile, ProfilerActivity

rows = []
for dt in (torch.float32, torch.float16):
    for batch in (64, 1000):
        model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10), nn.Softmax(dim=1)).cuda().to(dt)
        x = torch.randn(batch, 784, device="cuda", dtype=dt)
        with torch.no_grad():
            for _ in range(20):
                model(x)
            torch.cuda.synchronize()
            with profile(activities=[ProfilerActivity.CUDA]) as prof:
                for _ in range(5):
                    model(x)
                    torch.cuda.synchronize()
        fd, path = tempfile.mkstemp(suffix=".json"); os.close(fd)
        prof.export_chrome_trace(path)
        ev = json.load(open(path))["traceEvents"]
        os.unlink(path)
        ks = sorted([e for e in ev if e.get("cat") == "kernel"], key=lambda e: e["ts"])
        per = len(ks) // 5
        last = ks[-per:]
        span = last[-1]["ts"] + last[-1]["dur"] - last[0]["ts"]
        name = "%s b%d" % (str(dt).split(".")[-1], batch)
        for e in last:
            g = e.get("args", {})
            rows.append(dict(what=name, kernel=e["name"][:110], start_us=round(e["ts"] - last[0]["ts"], 3), dur_us=e["dur"],
                             grid=g.get("grid"), block=g.get("block"), span_us=round(span, 3)))
        print(name, "span %.2f us" % span, [(e["name"][:50], e["dur"], e.get("args", {}).get("grid")) for e in last], flush=True)
with open(os.path.join(os.environ.get("OUT", "."), "seed_fwd.csv"), "w", newline="") as fh:
    w = csv.DictWriter(fh, fieldnames=list(rows[0].keys())); w.writeheader(); w.writerows(rows)
print(torch.cuda.get_device_name(0))
