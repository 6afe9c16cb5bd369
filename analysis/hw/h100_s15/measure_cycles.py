"""Session 15, third call: what a cuBLAS GEMM costs in SM cycles, apart from the clock the power limit
sets. Each shape runs as a burst: a CUDA graph of 40 back-to-back torch.matmul calls (no flush between:
operands warm in the L2), replayed until ~20 ms have passed (the card's bursts keep one speed that long,
h100_s10/bursts.csv), after 300 ms idle. CUDA events time the replays; a host thread reads the SM clock
from NVML (nvmlDeviceGetClockInfo, SM) every ~0.5 ms meanwhile. cycles = time a GEMM x clock.

A first try (measure_cublas_clock.py) probed the clock from a one-warp kernel beside the GEMM: no cuBLAS
kernel's CTA fits beside another (the GEMM waited ~1 ms for the probe to end), so its rows are not kept.

  cycles.csv  dtype, M, N, K, calls, us_per_call, nvml_mhz (median over the burst, first 2 ms left out),
              nvml_min, nvml_max, samples, kcycles_per_call

Run as `OUT=dir python3 analysis/hw/h100_s15/measure_cycles.py`."""
import csv, os, statistics, threading, time
import torch

OUT = os.environ.get("OUT", ".")
try:
    import pynvml
    pynvml.nvmlInit()
    H = pynvml.nvmlDeviceGetHandleByIndex(torch.cuda.current_device())
    read_clock = lambda: pynvml.nvmlDeviceGetClockInfo(H, pynvml.NVML_CLOCK_SM)
except Exception:  # torch's wrapper (pynvml underneath too)
    read_clock = lambda: torch.cuda.clock_rate()

SHAPES = [("fp16", 1024, 1024, 1024), ("fp16", 1536, 1536, 1536), ("fp16", 2048, 2048, 2048),
          ("fp16", 3072, 3072, 3072), ("fp16", 4096, 4096, 4096),
          ("bf16", 2496, 2496, 1088), ("fp16", 960, 11008, 640), ("bf16", 4224, 4224, 192),
          ("fp16", 1024, 5504, 896), ("bf16", 1216, 1856, 6528), ("bf16", 2304, 10368, 448),
          ("fp16", 5312, 1664, 704), ("bf16", 5312, 1408, 1088), ("fp16", 3008, 832, 2944),
          ("bf16", 1856, 4416, 640), ("bf16", 6208, 7360, 128), ("fp16", 7040, 2112, 2624),
          ("fp16", 2752, 4096, 12416), ("fp16", 640, 960, 1984), ("bf16", 128, 4544, 1728),
          ("fp16", 16, 4096, 11008), ("tf32", 2048, 2048, 2048), ("fp32", 2048, 2048, 2048)]
TY = {"fp16": torch.float16, "bf16": torch.bfloat16, "tf32": torch.float32, "fp32": torch.float32}
CALLS = 40


def main():
    rows = []
    print("clock now", read_clock(), flush=True)
    for dt, m, n, k in SHAPES:
        torch.backends.cuda.matmul.allow_tf32 = dt == "tf32"
        A = torch.randn(m, k, device="cuda", dtype=TY[dt])
        B = torch.randn(k, n, device="cuda", dtype=TY[dt])
        C = torch.matmul(A, B)
        for _ in range(3):
            torch.matmul(A, B, out=C)
        torch.cuda.synchronize()
        g = torch.cuda.CUDAGraph()
        with torch.cuda.graph(g):
            for _ in range(CALLS):
                torch.matmul(A, B, out=C)
        g.replay(); torch.cuda.synchronize()
        st = torch.cuda.Event(enable_timing=True); en = torch.cuda.Event(enable_timing=True)
        st.record(); g.replay(); en.record(); torch.cuda.synchronize()
        per = st.elapsed_time(en) / CALLS  # ms a call
        reps = max(1, int(20.0 / (per * CALLS)))
        time.sleep(0.3)
        samples, stop = [], threading.Event()
        def sample():
            t0 = time.perf_counter()
            while not stop.is_set():
                samples.append((time.perf_counter() - t0, read_clock()))
                time.sleep(0.0005)
        th = threading.Thread(target=sample); th.start()
        st.record()
        for _ in range(reps):
            g.replay()
        en.record(); torch.cuda.synchronize()
        stop.set(); th.join()
        us = st.elapsed_time(en) * 1e3 / (reps * CALLS)
        burst_s = st.elapsed_time(en) / 1e3
        mh = [c for t, c in samples if 0.002 <= t <= burst_s]
        mhz = statistics.median(mh) if mh else float("nan")
        rows.append(dict(dtype=dt, M=m, N=n, K=k, calls=reps * CALLS, us_per_call=round(us, 3),
                         nvml_mhz=mhz, nvml_min=min(mh) if mh else "", nvml_max=max(mh) if mh else "",
                         samples=len(mh), kcycles_per_call=round(us * mhz / 1e3, 2)))
        print(rows[-1], flush=True)
        del A, B, C, g
    with open(os.path.join(OUT, "cycles.csv"), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0].keys())); w.writeheader(); w.writerows(rows)


if __name__ == "__main__":
    main()
