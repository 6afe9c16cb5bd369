"""Session 7: board energy of L2-resident element-wise kernels on the SMs, by the energy method of
../h100/README.md (3 warm-up calls, then the op looped back to back for ~2.5 s, synchronising every
~50 ms; energy = the delta of NVML's total-energy counter / calls; SM clock sampled every 20 ms),
plus each kernel's duration and grid under the PyTorch profiler (after the loop). Ops: relu_ in place
on 8 MiB and 2 MiB of fp16, an out-of-place add of two 8 MiB fp16 tensors, and torch.sum over 4 Mi
fp16 again (../h100/energy_mem.csv's l2_read_sum_8MiB, to tie this run to that file). Idle power is
measured first (1 s, a context open, nothing running). Run as `OUT=dir python3
measure_sm_energy.py`; writes OUT/sm_energy.csv."""
import csv, json, os, tempfile, threading, time
import torch
import pynvml
from torch.profiler import profile, ProfilerActivity

pynvml.nvmlInit()
h = pynvml.nvmlDeviceGetHandleByIndex(0)
energy_mj = lambda: pynvml.nvmlDeviceGetTotalEnergyConsumption(h)

a8 = torch.randn(4 << 20, device="cuda", dtype=torch.float16)
b8 = torch.randn(4 << 20, device="cuda", dtype=torch.float16)
c8 = torch.empty_like(a8)
a2 = torch.randn(1 << 20, device="cuda", dtype=torch.float16)
ops = {
    "relu_inplace_8MiB": (lambda: a8.relu_(), 2 * 8 << 20),
    "relu_inplace_2MiB": (lambda: a2.relu_(), 2 * 2 << 20),
    "add_8MiB": (lambda: torch.add(a8, b8, out=c8), 3 * 8 << 20),
    "read_sum_8MiB": (lambda: a8.sum(), 8 << 20),
}

def sample_clock(stop, out):
    while not stop.is_set():
        out.append(pynvml.nvmlDeviceGetClockInfo(h, pynvml.NVML_CLOCK_SM))
        time.sleep(0.02)

torch.cuda.synchronize()
time.sleep(0.5)
e0, t0 = energy_mj(), time.time()
time.sleep(1.0)
idle_w = (energy_mj() - e0) / 1e3 / (time.time() - t0)
rows = [dict(what="idle", bytes=0, calls=0, us_per_call="", mj_per_call="", avg_power_w=round(idle_w, 2), sm_mhz="",
             kernel="", kernel_us="", grid="", block="")]
print("idle %.1f W" % idle_w, flush=True)
for name, (f, nbytes) in ops.items():
    for _ in range(3):
        f()
    torch.cuda.synchronize()
    time.sleep(0.3)
    clocks, stop = [], threading.Event()
    th = threading.Thread(target=sample_clock, args=(stop, clocks)); th.start()
    calls, e0, t0 = 0, energy_mj(), time.time()
    while time.time() - t0 < 2.5:
        t1 = time.time()
        while time.time() - t1 < 0.05:
            f(); calls += 1
        torch.cuda.synchronize()
    wall = time.time() - t0
    e1 = energy_mj()
    stop.set(); th.join()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        for _ in range(5):
            f()
        torch.cuda.synchronize()
    fd, path = tempfile.mkstemp(suffix=".json"); os.close(fd)
    prof.export_chrome_trace(path)
    ks = [e for e in json.load(open(path))["traceEvents"] if e.get("cat") in ("kernel", "gpu_memset", "gpu_memcpy")]
    os.unlink(path)
    per = len(ks) // 5
    for k in ks[-per:]:
        g = k.get("args", {})
        rows.append(dict(what=name, bytes=nbytes, calls=calls, us_per_call=round(wall / calls * 1e6, 3),
                         mj_per_call=round((e1 - e0) / calls, 5), avg_power_w=round((e1 - e0) / 1e3 / wall, 2),
                         sm_mhz=round(sum(clocks) / max(len(clocks), 1), 1), kernel=k["name"][:90], kernel_us=k.get("dur"),
                         grid=g.get("grid"), block=g.get("block")))
    print(name, calls, "calls, %.3f us/call, %.4f mJ/call, %.1f W, %.0f MHz" % (
        wall / calls * 1e6, (e1 - e0) / calls, (e1 - e0) / 1e3 / wall, sum(clocks) / max(len(clocks), 1)),
        [(k["name"][:40], k.get("dur"), k.get("args", {}).get("grid")) for k in ks[-per:]], flush=True)
with open(os.path.join(os.environ.get("OUT", "."), "sm_energy.csv"), "w", newline="") as fh:
    w = csv.DictWriter(fh, fieldnames=list(rows[-1].keys())); w.writeheader(); w.writerows(rows)
print(torch.cuda.get_device_name(0))
