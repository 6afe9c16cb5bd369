"""Session 7: what the energy loops of ../h100/energy_mem.csv run on the GPU: the kernels of an 8 MiB
L2-resident copy and of torch.sum over 4 Mi fp16 (8 MiB), looped back to back as the energy method
does (the host ahead of the GPU), under the PyTorch profiler: each kernel's name, grid, block and
duration, and the start-to-start period of consecutive calls. Run as `OUT=dir python3
measure_loop_kernels.py`; writes OUT/loop_kernels.csv."""
import csv, json, os, tempfile
import torch
from torch.profiler import profile, ProfilerActivity

x = torch.randn(4 * 1024 * 1024, device="cuda", dtype=torch.float16)
src = torch.randn(2 * 1024 * 1024, device="cuda")   # 8 MiB fp32
dst = torch.empty_like(src)
ops = {"l2_copy_8MiB": lambda: dst.copy_(src), "l2_read_sum_8MiB": lambda: x.sum()}
rows = []
for name, f in ops.items():
    for _ in range(200):
        f()
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA, ProfilerActivity.CPU]) as prof:
        for _ in range(60):
            f()
        torch.cuda.synchronize()
    fd, path = tempfile.mkstemp(suffix=".json"); os.close(fd)
    prof.export_chrome_trace(path)
    ev = json.load(open(path))["traceEvents"]
    os.unlink(path)
    ks = sorted([e for e in ev if e.get("cat") in ("kernel", "gpu_memcpy", "gpu_memset")], key=lambda e: e["ts"])
    for i, e in enumerate(ks):
        g = e.get("args", {})
        rows.append(dict(what=name, i=i, kernel=e["name"][:100], ts_us=round(e["ts"] - ks[0]["ts"], 3), dur_us=e.get("dur"),
                         grid=g.get("grid"), block=g.get("block"), regs=g.get("registers per thread"),
                         smem=g.get("shared memory")))
    d = [e["dur"] for e in ks[10:]]
    per = (ks[-1]["ts"] - ks[10]["ts"]) / (len(ks) - 11)
    print(name, len(ks), "kernels; mean dur %.3f us; start-to-start %.3f us" % (sum(d) / len(d), per), ks[0]["name"][:80],
          ks[0].get("args", {}).get("grid"), ks[0].get("args", {}).get("block"), flush=True)
with open(os.path.join(os.environ.get("OUT", "."), "loop_kernels.csv"), "w", newline="") as fh:
    w = csv.DictWriter(fh, fieldnames=list(rows[0].keys())); w.writeheader(); w.writerows(rows)
print(torch.cuda.get_device_name(0))
