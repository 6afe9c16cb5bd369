"""Session 9, three measurements on the H100, each kernel timed by the PyTorch profiler (CUPTI
durations, as the shared torch_traces are):
  math.csv    element-wise math that optimizers and norms use (sqrt, rsqrt, div, reciprocal, log,
              pow, addcdiv, addcmul, lerp, ...) on 4 Mi elements (L2-resident) and 64 Mi (DRAM),
              fp32 and fp16: the kernel's mean duration (as act.csv, series 8);
  idle.csv    a kernel's duration against the host's idle time before it (0 us to 10 ms of spin
              between launches): does the SM clock drop while the GPU waits for a slow host?
              Kernels: the seed's fp32 Linear (64x784 -> 128), a 1 Mi fp32 relu, a 4 Mi fp16 gelu;
              plus the SM clock nvml reports after each setting;
  reduce.csv  PyTorch reductions (sum / mean over a dim or all) of small and large fp32 tensors:
              duration, grid, block.
Run as `OUT=dir python3 measure_s9.py`."""
import csv, json, os, tempfile, time
import torch
import torch.nn.functional as F
from torch.profiler import profile, ProfilerActivity

OUT = os.environ.get("OUT", ".")


def kernels(fn, calls, between=None):
    """fn() `calls` times under the profiler (between() before each); the GPU events in order."""
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        for _ in range(calls):
            if between:
                between()
            fn()
        torch.cuda.synchronize()
    fd, path = tempfile.mkstemp(suffix=".json"); os.close(fd)
    prof.export_chrome_trace(path)
    ev = [e for e in json.load(open(path))["traceEvents"] if e.get("cat") in ("kernel", "gpu_memset")]
    os.unlink(path)
    return sorted(ev, key=lambda e: e["ts"])


def write(name, rows):
    with open(os.path.join(OUT, name), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0].keys())); w.writeheader(); w.writerows(rows)


# --- math.csv
MATH = {
    "mul": lambda x, g: x * g,
    "sqrt": lambda x, g: torch.sqrt(x),
    "rsqrt": lambda x, g: torch.rsqrt(x),
    "div": lambda x, g: x / g,
    "div_scalar": lambda x, g: x / 3.7,
    "reciprocal": lambda x, g: torch.reciprocal(x),
    "log": lambda x, g: torch.log(x),
    "exp": lambda x, g: torch.exp(x),
    "pow2": lambda x, g: torch.pow(x, 2),
    "pow_scalar": lambda x, g: torch.pow(x, 2.5),
    "addcmul": lambda x, g: torch.addcmul(x, x, g, value=0.5),
    "addcdiv": lambda x, g: torch.addcdiv(x, x, g, value=0.5),
    "lerp": lambda x, g: torch.lerp(x, g, 0.1),
    "abs": lambda x, g: torch.abs(x),
    "sin": lambda x, g: torch.sin(x),
    "erf": lambda x, g: torch.erf(x),
}
rows = []
for dt in (torch.float32, torch.float16):
    for n in (4 * 1024 * 1024, 64 * 1024 * 1024):
        x = torch.rand(n, device="cuda", dtype=dt) + 0.5
        g = torch.rand(n, device="cuda", dtype=dt) + 0.5
        for name, fn in MATH.items():
            for _ in range(20):
                fn(x, g)
            ev = kernels(lambda: fn(x, g), 10)
            k = ev[-1]
            rows.append(dict(op=name, dtype=str(dt).split(".")[-1], elems=n, kernels=len(ev) // 10,
                             dur_us=round(sum(e["dur"] for e in ev) / 10, 3), grid=k["args"].get("grid"),
                             block=k["args"].get("block"), kernel=k["name"][:100]))
            print(rows[-1], flush=True)
        del x, g
write("math.csv", rows)

# --- idle.csv
try:
    import pynvml
    pynvml.nvmlInit(); nv = pynvml.nvmlDeviceGetHandleByIndex(0)
    sm_clock = lambda: pynvml.nvmlDeviceGetClockInfo(nv, pynvml.NVML_CLOCK_SM)
except Exception:  # noqa: BLE001 (nvml is optional)
    sm_clock = lambda: -1

xin = torch.randn(64, 784, device="cuda"); w = torch.randn(128, 784, device="cuda"); b = torch.randn(128, device="cuda")
r1 = torch.randn(1 << 20, device="cuda"); g4 = torch.randn(4 << 20, device="cuda", dtype=torch.float16)
CASES = {"linear32_64x784x128": lambda: F.linear(xin, w, b), "relu32_1Mi": lambda: torch.relu(r1),
         "gelu16_4Mi": lambda: F.gelu(g4)}
rows = []
for gap_us in (0, 20, 100, 500, 2000, 10000):
    def spin(g=gap_us):
        t = time.perf_counter() + g * 1e-6
        while time.perf_counter() < t:
            pass
    for name, fn in CASES.items():
        for _ in range(10):
            fn()
        ev = kernels(fn, 30, spin if gap_us else None)
        by = {}
        for e in ev:
            by.setdefault(e["name"][:90], []).append(e["dur"])
        spin(); clk = sm_clock()
        for kname, d in by.items():
            d = sorted(d)
            rows.append(dict(case=name, gap_us=gap_us, kernel=kname, calls=len(d), min_us=round(d[0], 3),
                             median_us=round(d[len(d) // 2], 3), max_us=round(d[-1], 3), sm_clock_after_gap_mhz=clk))
            print(rows[-1], flush=True)
write("idle.csv", rows)

# --- reduce.csv
RED = [("sum_dim0", (64, 10)), ("sum_dim0", (64, 128)), ("sum_dim0", (1000, 128)), ("sum_dim0", (1000, 784)),
       ("sum_dim0", (4096, 4096)), ("sum_dim1", (64, 128)), ("sum_dim1", (4096, 4096)), ("mean_all", (64, 10)),
       ("mean_all", (1000, 10)), ("mean_all", (4096, 4096)), ("sum_all", (128, 784)), ("sum_dim0", (8192, 10)),
       ("sum_dim1", (8192, 10)), ("sum_dim0", (64, 4096)), ("sum_dim1", (65536, 128))]
rows = []
for op, shape in RED:
    t = torch.randn(*shape, device="cuda")
    fn = {"sum_dim0": lambda: t.sum(0), "sum_dim1": lambda: t.sum(1), "mean_all": lambda: t.mean(),
          "sum_all": lambda: t.sum()}[op]
    for _ in range(20):
        fn()
    ev = kernels(fn, 10)
    k = ev[-1]
    rows.append(dict(op=op, rows=shape[0], cols=shape[1], kernels=len(ev) // 10,
                     dur_us=round(sum(e["dur"] for e in ev) / 10, 3), grid=k["args"].get("grid"),
                     block=k["args"].get("block"), kernel=k["name"][:120]))
    print(rows[-1], flush=True)
write("reduce.csv", rows)
print(torch.cuda.get_device_name(0), torch.__version__, torch.version.cuda)
