#!/usr/bin/env python3
"""H100 cuBLAS GEMM measurements, second series (run on the device machine).

Sets (each one CSV under $OUT):
  misaligned.csv  A: fp16/bf16 GEMMs with N or K = base + d (d in 0,-1,-2,-4), and odd M
  fp32_skinny.csv B: fp32 (allow_tf32=False) and tf32 (allow_tf32=True) skinny GEMMs
  decode.csv      C: decode-like fp16/bf16 GEMMs, L2 flushed by a 256 MiB write or a 256 MiB read
  fp8.csv         D: torch._scaled_mm, float8_e4m3fn operands, fp16 output
  select.csv      E: aligned fp16 selection map M,N,K in (64,256,1024,4096,16384)
  layout.csv      F: fp16 operand layouts nn, nt, tn, tt

Method (same as shared/hw/h100/gemm_more.csv): row-major contiguous torch.randn inputs;
per repetition a flush (256 MiB write, or a 256 MiB read for decode's 'read' rows) on the
same stream right before the op, CUDA events around the op only; 3 warm-ups; repetitions
until ~0.3 s or 200 (at least 10); median -> time_us, min -> min_us.
Kernels: torch.profiler over one call (after a flush, outside the profiled region),
names (first 120 chars) joined by ' | ', each with grid, block and its duration.
"""
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import traceback

import torch
from torch.profiler import profile, ProfilerActivity

OUT = os.environ.get("OUT") or "/tmp/gemm_out"
os.makedirs(OUT, exist_ok=True)
DEV = "cuda"
T0 = time.time()
TARGET_S = 0.3
MAXREP, MINREP = 200, 10
NAME_CHARS = 120
TMPDIR = tempfile.mkdtemp()

NOTES = open(os.path.join(OUT, "notes.txt"), "w")


def note(msg):
    NOTES.write(msg.rstrip() + "\n")
    NOTES.flush()
    print(msg, flush=True)


def elapsed():
    return time.time() - T0


# ---------------------------------------------------------------- flush buffers
FLUSH_BYTES = 256 << 20
flush_w = torch.empty(FLUSH_BYTES // 4, dtype=torch.int32, device=DEV)
flush_r = torch.ones(FLUSH_BYTES // 4, dtype=torch.float32, device=DEV)
rsum = torch.empty((), dtype=torch.float32, device=DEV)


def do_flush(kind):
    if kind == "write":
        flush_w.fill_(1)
    elif kind == "read":
        torch.sum(flush_r, dim=0, out=rsum)
    else:
        raise ValueError(kind)


# ---------------------------------------------------------------- timing
def bench(fn, flush="write"):
    target = TARGET_S if elapsed() < 400 else 0.12
    do_flush(flush)
    fn()                      # warm-up 1 (may include cuBLAS heuristics / lazy init)
    torch.cuda.synchronize()
    t = time.perf_counter()
    for _ in range(2):        # warm-ups 2, 3: also estimate the time per repetition
        do_flush(flush)
        fn()
    torch.cuda.synchronize()
    per = (time.perf_counter() - t) / 2
    reps = int(max(MINREP, min(MAXREP, target / max(per, 1e-6))))
    st = [torch.cuda.Event(enable_timing=True) for _ in range(reps)]
    en = [torch.cuda.Event(enable_timing=True) for _ in range(reps)]
    for i in range(reps):
        do_flush(flush)
        st[i].record()
        fn()
        en[i].record()
    torch.cuda.synchronize()
    us = [s.elapsed_time(e) * 1000.0 for s, e in zip(st, en)]
    return statistics.median(us), min(us), reps


def _fmt3(v):
    return "[" + ",".join(str(x) for x in v) + "]" if isinstance(v, (list, tuple)) else ("" if v is None else str(v))


def kernels_of(fn, flush="write"):
    do_flush(flush)
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        fn()
        torch.cuda.synchronize()
    path = os.path.join(TMPDIR, "trace.json")
    prof.export_chrome_trace(path)
    with open(path) as f:
        tr = json.load(f)
    evs = [e for e in tr.get("traceEvents", [])
           if e.get("ph") == "X" and e.get("cat") in ("kernel", "gpu_memset", "gpu_memcpy")]
    evs.sort(key=lambda e: float(e.get("ts", 0)))
    parts = []
    for e in evs:
        a = e.get("args", {}) or {}
        nm = str(e.get("name", ""))[:NAME_CHARS]
        parts.append("%s grid=%s block=%s dur_us=%.2f" % (
            nm, _fmt3(a.get("grid")), _fmt3(a.get("block")), float(e.get("dur", 0.0))))
    return " | ".join(parts)


_kcache = {}


class Writer:
    def __init__(self, name, extra_col=None):
        self.name = name
        self.f = open(os.path.join(OUT, name), "w", newline="")
        self.w = csv.writer(self.f)
        cols = ["dtype", "M", "N", "K"] + ([extra_col] if extra_col else []) + \
               ["time_us", "min_us", "reps", "tflops", "kernels"]
        self.w.writerow(cols)
        self.f.flush()
        self.rows = 0
        self.errors = 0

    def row(self, r):
        self.w.writerow(r)
        self.f.flush()
        self.rows += 1


def point(wr, dtype, M, N, K, make, extra=None, flush="write", kkey=None):
    """make() -> zero-arg closure running the op once."""
    fn = None
    try:
        fn = make()
        med, mn, reps = bench(fn, flush)
        if kkey is not None and kkey in _kcache:
            kern = _kcache[kkey]
        else:
            try:
                kern = kernels_of(fn, flush)
            except Exception as ex:  # keep the timing even if the profiler fails
                kern = "PROFILER_ERROR: %s" % (str(ex)[:200],)
                note("profiler error %s %s %d %d %d: %r" % (wr.name, dtype, M, N, K, ex))
            if kkey is not None:
                _kcache[kkey] = kern
        tflops = 2.0 * M * N * K / (med * 1e-6) / 1e12
        r = [dtype, M, N, K] + ([extra] if extra is not None else []) + \
            [round(med, 3), round(mn, 3), reps, round(tflops, 2), kern]
        wr.row(r)
        short = kern.split(" grid=")[0][:70] if kern else ""
        print("[%6.1fs] %s %s %d %d %d %s: %.3f us (min %.3f, %d reps) %.2f TF | %s" % (
            elapsed(), wr.name, dtype, M, N, K, extra or "", med, mn, reps, tflops, short), flush=True)
    except Exception as ex:
        wr.errors += 1
        note("ERROR %s %s M=%d N=%d K=%d %s: %s\n%s" % (
            wr.name, dtype, M, N, K, extra or "", repr(ex)[:500],
            "".join(traceback.format_exc().splitlines(True)[-4:])))
    finally:
        del fn
        if wr.errors and wr.errors % 5 == 0:
            torch.cuda.empty_cache()


DT = {"fp16": torch.float16, "bf16": torch.bfloat16, "fp32": torch.float32, "tf32": torch.float32}


def set_tf32(on):
    try:
        torch.backends.cuda.matmul.allow_tf32 = bool(on)
    except Exception as ex:
        note("allow_tf32 setter failed (%r); using fp32_precision" % (ex,))
        torch.backends.cuda.matmul.fp32_precision = "tf32" if on else "ieee"


def mk_mm(dtype, M, N, K, layout="nn"):
    def make():
        t = DT[dtype]
        if layout[0] == "n":
            a = torch.randn(M, K, device=DEV, dtype=t)
        else:
            a = torch.randn(K, M, device=DEV, dtype=t).t()
        if layout[1] == "n":
            b = torch.randn(K, N, device=DEV, dtype=t)
        else:
            b = torch.randn(N, K, device=DEV, dtype=t).t()
        return lambda: torch.matmul(a, b)
    return make


def smi(args):
    try:
        return subprocess.run(["nvidia-smi"] + args, capture_output=True, text=True, timeout=30).stdout
    except Exception as ex:
        return "nvidia-smi failed: %r\n" % (ex,)


CLK_Q = ["--query-gpu=name,clocks.sm,clocks.mem,power.draw,temperature.gpu,clocks_throttle_reasons.active",
         "--format=csv,noheader"]


# ---------------------------------------------------------------- device info
def device_info():
    lines = []
    lines.append("date_utc: " + time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()))
    lines.append(smi(["--query-gpu=name,pci.bus_id,driver_version,vbios_version,memory.total,"
                      "clocks.sm,clocks.max.sm,clocks.mem,clocks.max.mem,power.limit,"
                      "power.default_limit,power.max_limit,temperature.gpu,persistence_mode",
                      "--format=csv"]))
    lines.append(smi([]))
    lines.append(smi(["-q", "-d", "CLOCK,POWER,PERFORMANCE"]))
    lines.append("python: " + sys.version.replace("\n", " "))
    lines.append("torch: %s  cuda(compiled): %s  cudnn: %s" % (
        torch.__version__, torch.version.cuda, torch.backends.cudnn.version()))
    p = torch.cuda.get_device_properties(0)
    lines.append("device: %s  sms=%d  mem=%d  cc=%d.%d  L2=%s" % (
        p.name, p.multi_processor_count, p.total_memory, p.major, p.minor,
        getattr(p, "L2_cache_size", "?")))
    try:
        lines.append("preferred_blas_library: %s" % (torch.backends.cuda.preferred_blas_library(),))
    except Exception as ex:
        lines.append("preferred_blas_library: ? (%r)" % (ex,))
    try:
        import importlib.metadata as md
        for d in md.distributions():
            n = (d.metadata.get("Name") or "")
            if n.lower().startswith("nvidia") or n.lower() in ("triton",):
                lines.append("pkg %s==%s" % (n, d.version))
    except Exception as ex:
        lines.append("package list failed: %r" % (ex,))
    try:
        import ctypes, glob
        cands = []
        for sp in sys.path:
            cands += glob.glob(os.path.join(sp, "nvidia", "*", "lib", "libcublasLt.so*"))
            cands += glob.glob(os.path.join(sp, "nvidia", "cublas", "lib", "libcublasLt.so*"))
        lib = ctypes.CDLL(cands[0] if cands else "libcublasLt.so")
        lib.cublasLtGetVersion.restype = ctypes.c_size_t
        lines.append("cublasLtGetVersion: %d (%s)" % (lib.cublasLtGetVersion(), cands[0] if cands else "libcublasLt.so"))
    except Exception as ex:
        lines.append("cublasLt version lookup failed: %r" % (ex,))
    with open(os.path.join(OUT, "device.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines[:3]), flush=True)
    return p.name


# ---------------------------------------------------------------- sets
def set_A():
    wr = Writer("misaligned.csv")
    for base in (1024, 2048, 4096, 8192):
        dts = ("fp16", "bf16") if base == 4096 else ("fp16",)
        for dt in dts:
            shapes = [(base, base, base)]
            for d in (-1, -2, -4):
                shapes.append((base, base + d, base))   # N misaligned
                shapes.append((base, base, base + d))   # K misaligned
            shapes.append((base - 1, base, base))       # odd M
            shapes.append((base - 2, base, base))
            for (M, N, K) in shapes:
                point(wr, dt, M, N, K, mk_mm(dt, M, N, K))
    return wr


def set_B():
    wr = Writer("fp32_skinny.csv")
    shapes = []
    for M in (1, 4, 16, 64):
        for N in (1024, 4096, 16384):
            for K in (1024, 4096, 16384):
                if M * N * K <= 1e12:
                    shapes.append((M, N, K))
    for MN in (64, 128, 256):
        for K in (16384, 65536):
            shapes.append((MN, MN, K))
    for dt in ("fp32", "tf32"):
        set_tf32(dt == "tf32")
        note("set B %s: allow_tf32=%s" % (dt, torch.backends.cuda.matmul.allow_tf32))
        for (M, N, K) in shapes:
            point(wr, dt, M, N, K, mk_mm(dt, M, N, K))
    set_tf32(False)
    return wr


def set_C():
    wr = Writer("decode.csv", "flush")
    for dt in ("fp16", "bf16"):
        for (N, K) in ((4096, 4096), (11008, 4096), (4096, 11008), (16384, 4096), (8192, 8192)):
            for M in (1, 8, 16, 32, 64, 128, 256):
                for fl in ("write", "read"):
                    point(wr, dt, M, N, K, mk_mm(dt, M, N, K), extra=fl, flush=fl,
                          kkey=("C", dt, M, N, K))
    return wr


def set_D():
    wr = Writer("fp8.csv")
    f8 = getattr(torch, "float8_e4m3fn", None)
    if f8 is None or not hasattr(torch, "_scaled_mm"):
        note("fp8: torch.float8_e4m3fn or torch._scaled_mm missing; set D skipped")
        return wr
    # probe once
    try:
        a = torch.randn(64, 64, device=DEV).to(f8)
        b = torch.randn(64, 64, device=DEV).to(f8).t()
        one = torch.tensor(1.0, device=DEV)
        r = torch._scaled_mm(a, b, scale_a=one, scale_b=one, out_dtype=torch.float16)
        torch.cuda.synchronize()
        note("fp8 probe ok: out %s %s" % (tuple(r.shape), r.dtype))
    except Exception as ex:
        note("fp8 probe FAILED: %r\n%s" % (ex, traceback.format_exc()))
        return wr
    shapes = [(s, s, s) for s in (1024, 2048, 4096, 8192, 16384)]
    shapes += [(4096, 11008, 4096), (8192, 4096, 11008), (64, 8192, 8192), (16384, 8192, 1024)]

    def mk(M, N, K):
        def make():
            a = torch.randn(M, K, device=DEV).to(f8)
            bt = torch.randn(N, K, device=DEV).to(f8)
            b = bt.t()
            sa = torch.tensor(1.0, device=DEV)
            sb = torch.tensor(1.0, device=DEV)
            return lambda: torch._scaled_mm(a, b, scale_a=sa, scale_b=sb, out_dtype=torch.float16)
        return make
    for (M, N, K) in shapes:
        point(wr, "fp8e4m3", M, N, K, mk(M, N, K))
    return wr


def set_E():
    wr = Writer("select.csv")
    vals = (64, 256, 1024, 4096, 16384)
    for M in vals:
        for N in vals:
            for K in vals:
                if M * N * K > 2 ** 38:
                    continue
                point(wr, "fp16", M, N, K, mk_mm("fp16", M, N, K))
    return wr


def set_F():
    wr = Writer("layout.csv", "layout")
    shapes = [(1024, 1024, 1024), (4096, 4096, 4096), (8192, 8192, 8192), (8192, 4096, 11008)]
    for (M, N, K) in shapes:
        for lay in ("nn", "nt", "tn", "tt"):
            point(wr, "fp16", M, N, K, mk_mm("fp16", M, N, K, lay), extra=lay)
    return wr


def main():
    name = device_info()
    note("device: %s" % name)
    if "H100" not in name:
        note("WARNING: device is not an H100: %s -- stopping" % name)
        return
    try:  # initialise CUPTI / the profiler once, so the first real point is not special
        a = torch.randn(512, 512, device=DEV, dtype=torch.float16)
        note("profiler warm-up: " + kernels_of(lambda: torch.matmul(a, a)))
        note("profiler check: " + kernels_of(lambda: torch.matmul(a, a)))
    except Exception as ex:
        note("profiler warm-up failed: %r" % (ex,))
    torch.manual_seed(0)
    set_tf32(False)
    summary = []
    for fn in (set_A, set_B, set_C, set_D, set_E, set_F):
        if elapsed() > 540:
            note("time budget exhausted; skipping %s" % fn.__name__)
            continue
        t = elapsed()
        try:
            wr = fn()
            summary.append("%s: %s rows=%d errors=%d %.1fs" % (fn.__name__, wr.name, wr.rows, wr.errors, elapsed() - t))
            wr.f.close()
        except Exception as ex:
            summary.append("%s: FAILED %r" % (fn.__name__, ex))
            note("set %s failed: %s" % (fn.__name__, traceback.format_exc()))
        note("after %s: %s" % (fn.__name__, smi(CLK_Q).strip()))
    with open(os.path.join(OUT, "device.txt"), "a") as f:
        f.write("\n# after the run\n" + smi(CLK_Q))
    note("SUMMARY\n" + "\n".join(summary) + "\ntotal %.1fs" % elapsed())


if __name__ == "__main__":
    main()
