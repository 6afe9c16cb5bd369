"""Session 8: the host side of a PyTorch MLP training step, per phase, on MLPs other than
../h100/mlp.csv's (the seed's 784-128-10 is measured too, to check that this machine's host
reproduces mlp.csv's seed rows; it is not used to fit).

Per model (Linear layers with ReLU between, a Softmax head, MSE loss, Adam (foreach, the CUDA
default), AMP for fp16 (GradScaler, and without one) and bf16 (no scaler)):
- step_us: mlp.csv's protocol: a 256 MiB fill on the stream, CUDA events around one training
  step (zero_grad, forward, loss, backward, optimizer step), median of 20, after 5 warm-ups;
- host_*_us: the host's wall time (perf_counter) in each phase of the same steps, no syncs
  inside the step: zero_grad, forward (with the loss), backward (loss.backward() returns when
  autograd has launched every kernel), step (optimizer step, and the scaler's unscale/update);
- n_*: launches in each phase (cudaLaunchKernel*, cuLaunchKernel*, memcpy/memset calls), from
  one step under the PyTorch profiler with record_function ranges around the phases.
Also launch_us: 100 one-element add_ kernels back to back, eager, events around them / 100
(../h100/launch.csv's row: this host against the one that measured the shared data).
Run as `OUT=dir python3 measure_host.py`; writes OUT/host_phases.csv."""
import csv, json, os, statistics, tempfile, time
import torch
from torch import nn
from torch.profiler import profile, ProfilerActivity, record_function

dev = "cuda"
flush_buf = torch.empty(128 * 1024 * 1024, dtype=torch.float16, device=dev)
LAUNCH = ("cudaLaunchKernel", "cudaLaunchKernelExC", "cuLaunchKernel", "cuLaunchKernelEx", "cudaMemcpyAsync",
          "cudaMemsetAsync", "cudaGraphLaunch")


def flush():
    flush_buf.fill_(1.0)


def launch_us():
    a = torch.zeros(1, device=dev)
    for _ in range(200):
        a.add_(1)
    torch.cuda.synchronize()
    res = []
    for _ in range(20):
        e0, e1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        torch.cuda.synchronize()
        e0.record()
        for _ in range(100):
            a.add_(1)
        e1.record()
        torch.cuda.synchronize()
        res.append(e0.elapsed_time(e1) * 1e3 / 100)
    return statistics.median(res)


def build(layers, dtype, scaler_on):
    mods = []
    for i in range(len(layers) - 1):
        mods.append(nn.Linear(layers[i], layers[i + 1]))
        if i < len(layers) - 2:
            mods.append(nn.ReLU())
    mods.append(nn.Softmax(dim=1))
    model = nn.Sequential(*mods).to(dev)   # fp32 master parameters (AMP for 16-bit)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    amp = dtype != torch.float32
    scaler = torch.amp.GradScaler("cuda") if (amp and scaler_on) else None
    return model, opt, amp, scaler


def phases(model, opt, amp, dtype, scaler, x, y, rec=False):
    t = [time.perf_counter()]
    with record_function("ph_zero_grad") if rec else nullctx():
        opt.zero_grad()
    t.append(time.perf_counter())
    with record_function("ph_forward") if rec else nullctx():
        with torch.autocast("cuda", dtype=dtype, enabled=amp):
            out = model(x)
            loss = nn.functional.mse_loss(out.float(), y)
    t.append(time.perf_counter())
    with record_function("ph_backward") if rec else nullctx():
        (scaler.scale(loss) if scaler else loss).backward()
    t.append(time.perf_counter())
    with record_function("ph_step") if rec else nullctx():
        if scaler:
            scaler.step(opt)
            scaler.update()
        else:
            opt.step()
    t.append(time.perf_counter())
    return [(t[i + 1] - t[i]) * 1e6 for i in range(4)]


class nullctx:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


def measure(layers, dtype, batch, scaler_on):
    torch.manual_seed(0)
    model, opt, amp, scaler = build(layers, dtype, scaler_on)
    x = torch.randn(batch, layers[0], device=dev)
    y = torch.softmax(torch.randn(batch, layers[-1], device=dev), dim=1)
    for _ in range(5):
        phases(model, opt, amp, dtype, scaler, x, y)
    torch.cuda.synchronize()
    ev, host = [], []
    for _ in range(20):
        torch.cuda.synchronize()
        flush()
        e0, e1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        e0.record()
        h = phases(model, opt, amp, dtype, scaler, x, y)
        e1.record()
        torch.cuda.synchronize()
        ev.append(e0.elapsed_time(e1) * 1e3)
        host.append(h)
    med = [statistics.median(c) for c in zip(*host)]
    # launches per phase, one profiled step
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        phases(model, opt, amp, dtype, scaler, x, y, rec=True)
        torch.cuda.synchronize()
    fd, path = tempfile.mkstemp(suffix=".json"); os.close(fd)
    prof.export_chrome_trace(path)
    evs = json.load(open(path))["traceEvents"]
    os.unlink(path)
    ranges = {e["name"]: (e["ts"], e["ts"] + e["dur"]) for e in evs
              if e.get("name", "").startswith("ph_") and e.get("cat") in ("user_annotation", "cpu_op")}
    n = {k: 0 for k in ranges}
    for e in evs:
        if e.get("cat") == "cuda_runtime" or e.get("cat") == "cuda_driver":
            if e.get("name") in LAUNCH:
                for k, (a, b) in ranges.items():
                    if a <= e["ts"] <= b:
                        n[k] += 1
    nk = sum(1 for e in evs if e.get("cat") in ("kernel", "gpu_memcpy", "gpu_memset"))
    params = sum(p.numel() for p in model.parameters())
    return dict(step_us=round(statistics.median(ev), 2), host_zero_grad_us=round(med[0], 2),
                host_forward_us=round(med[1], 2), host_backward_us=round(med[2], 2), host_step_us=round(med[3], 2),
                host_total_us=round(sum(med), 2), n_zero_grad=n.get("ph_zero_grad", -1),
                n_forward=n.get("ph_forward", -1), n_backward=n.get("ph_backward", -1), n_step=n.get("ph_step", -1),
                gpu_events=nk, params=params, tensors=2 * (len(layers) - 1))


rows = []
lu = launch_us()
print("launch_us %.2f" % lu, flush=True)
MODELS = [(784, 128, 10), (784, 256, 10), (784, 64, 10), (512, 512, 10), (784, 128, 64, 10),
          (256, 256, 256, 256, 10), (1024, 1024, 10), (784, 512, 256, 128, 64, 10)]
for layers in MODELS:
    for dname, dtype, sc in (("fp32", torch.float32, False), ("fp16", torch.float16, True),
                             ("fp16_noscaler", torch.float16, False), ("bf16", torch.bfloat16, False)):
        for batch in (64, 1000):
            r = dict(layers="-".join(map(str, layers)), dtype=dname, batch=batch)
            r.update(measure(layers, dtype, batch, sc))
            r["launch_us"] = round(lu, 2)
            rows.append(r)
            print(r, flush=True)
with open(os.path.join(os.environ.get("OUT", "."), "host_phases.csv"), "w", newline="") as fh:
    w = csv.DictWriter(fh, fieldnames=list(rows[0].keys())); w.writeheader(); w.writerows(rows)
print(torch.cuda.get_device_name(0), torch.__version__)
