"""Session 8: the element-wise kernels' own cost per element when their data stay in L2: PyTorch's
activations and their backward kernels on 4 Mi elements (8 MiB fp16 / 16 MiB fp32 per tensor:
L2-resident, so a kernel that issues many instructions per element shows it), and on 64 Mi
(DRAM-bound, for reference). Eager, warm (20 calls), then 10 calls under the PyTorch profiler:
the kernel's mean duration. Run as `OUT=dir python3 measure_act.py`; writes OUT/act.csv."""
import csv, json, os, tempfile
import torch
import torch.nn.functional as F
from torch.profiler import profile, ProfilerActivity

OPS = {
    "relu": lambda x, g: torch.relu(x),
    "add": lambda x, g: x + g,
    "mul": lambda x, g: x * g,
    "gelu": lambda x, g: F.gelu(x),
    "gelu_tanh": lambda x, g: F.gelu(x, approximate="tanh"),
    "silu": lambda x, g: F.silu(x),
    "sigmoid": lambda x, g: torch.sigmoid(x),
    "tanh": lambda x, g: torch.tanh(x),
    "exp": lambda x, g: torch.exp(x),
    "gelu_backward": lambda x, g: torch.ops.aten.gelu_backward(g, x),
    "silu_backward": lambda x, g: torch.ops.aten.silu_backward(g, x),
    "threshold_backward": lambda x, g: torch.ops.aten.threshold_backward(g, x, 0.0),
}
rows = []
for dt in (torch.float16, torch.float32):
    for n in (4 * 1024 * 1024, 64 * 1024 * 1024):
        x = torch.randn(n, device="cuda", dtype=dt)
        g = torch.randn(n, device="cuda", dtype=dt)
        for name, fn in OPS.items():
            for _ in range(20):
                fn(x, g)
            torch.cuda.synchronize()
            with profile(activities=[ProfilerActivity.CUDA]) as prof:
                for _ in range(10):
                    fn(x, g)
                torch.cuda.synchronize()
            fd, path = tempfile.mkstemp(suffix=".json"); os.close(fd)
            prof.export_chrome_trace(path)
            ev = [e for e in json.load(open(path))["traceEvents"] if e.get("cat") == "kernel"]
            os.unlink(path)
            durs = [e["dur"] for e in ev]
            k = ev[-1]
            rows.append(dict(op=name, dtype=str(dt).split(".")[-1], elems=n, kernels=len(ev) // 10,
                             dur_us=round(sum(durs) / 10, 3), grid=k["args"].get("grid"), block=k["args"].get("block"),
                             kernel=k["name"][:100]))
            print(rows[-1], flush=True)
with open(os.path.join(os.environ.get("OUT", "."), "act.csv"), "w", newline="") as fh:
    w = csv.DictWriter(fh, fieldnames=list(rows[0].keys())); w.writeheader(); w.writerows(rows)
print(torch.cuda.get_device_name(0))
