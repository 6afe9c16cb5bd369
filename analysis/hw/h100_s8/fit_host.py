#!/usr/bin/env python3
"""Fits `gpusim gen mlp`'s host costs of a PyTorch training step (sim/import/gen_mlp.c,
HOST_*) on host_phases.csv: this session's own MLPs, never the seed's 784-128-10 (that shape
is mlp.csv's, kept as a check).

For each measured step, the generator's trace for the same model (`--train --loss mse --softmax
--warm --data-on-device`, the host constants set to ~0) gives the launches in each phase;
gpusim's runner charges each launch its host cost (configs/common.ini: host.eager_gap_us 11,
eager_gemm_us 12.4 per GEMM, eager_copy_us 7.6 per copy; repeat=n: n launches). What the host
measured beyond those charges is the framework's own work (Python, the dispatcher, autograd's
bookkeeping), fitted per phase as a constant plus a per-layer or per-parameter-tensor cost:
  zero_grad  = z0 + zt * tensors          backward = b0 + bl * layers
  forward    = f0 + fl * layers           step     = o0 + ot * tensors (+ s0 with a GradScaler)
Least squares over every fit row (four dtypes, batch 64 and 1000); a negative constant is
dropped and the slope refitted alone.
Usage: python3 analysis/hw/h100_s8/fit_host.py   (GPUSIM_BIN overrides build/sim/gpusim)"""
import csv, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
BIN = os.environ.get("GPUSIM_BIN", os.path.join(ROOT, "build", "sim", "gpusim"))
CHARGE = {"gemm": 12.4, "copy": 7.6}
EPS = "0.001"


def launches(layers, dtype, batch):
    a = ["--layers", layers.replace("-", ","), "--act", "relu", "--softmax", "--batch", str(batch),
         "--dtype", "fp16" if dtype.startswith("fp16") else dtype, "--data-on-device", "--train",
         "--optimizer", "adam", "--loss", "mse", "--warm", "--zero-grad-us", EPS, "--backward-us", EPS,
         "--optim-us", EPS, "--scaler-us", EPS, "--forward-us", EPS]
    if dtype == "fp16_noscaler":
        a.append("--no-scaler")
    out = subprocess.run([BIN, "gen", "mlp"] + a, capture_output=True, text=True, check=True).stdout
    ph, n = "pre", {"pre": 0.0, "forward": 0.0, "backward": 0.0, "step": 0.0}
    for line in out.splitlines():
        w = line.split()
        if not w or w[0].startswith("#") or w[0] in ("mode", "sync"):
            continue
        kv = dict(x.split("=", 1) for x in w[1:] if "=" in x)
        if kv.get("name") == "loss_ones_like":  # backward()'s first kernel (a zero backward_start is not written)
            ph = "backward"
        if w[0] == "cpu":
            nm = kv["name"]
            ph = {"zero_grad": "forward", "forward_start": "forward", "forward_layer": "forward",
                  "backward_start": "backward", "backward_layer": "backward", "scaler_host": "step",
                  "optimizer_step": "step"}.get(nm, ph)
            continue
        n[ph] += CHARGE.get(w[0], 11.0) * int(kv.get("repeat", "1"))
    return n


def solve(X, y):
    """Least squares by the normal equations (2 or 3 unknowns)."""
    k = len(X[0])
    A = [[sum(r[i] * r[j] for r in X) for j in range(k)] + [sum(r[i] * v for r, v in zip(X, y))] for i in range(k)]
    for c in range(k):
        p = max(range(c, k), key=lambda r: abs(A[r][c]))
        A[c], A[p] = A[p], A[c]
        for r in range(k):
            if r != c:
                f = A[r][c] / A[c][c]
                A[r] = [a - f * b for a, b in zip(A[r], A[c])]
    return [A[i][k] / A[i][i] for i in range(k)]


rows = [r for r in csv.DictReader(open(os.path.join(HERE, "host_phases.csv"))) if r["layers"] != "784-128-10"]
data = []
for r in rows:
    L = r["layers"].count("-")
    n = launches(r["layers"], r["dtype"], int(r["batch"]))
    data.append(dict(r=r, L=L, T=2 * L, sc=1 if r["dtype"] == "fp16" else 0,
                     zg=float(r["host_zero_grad_us"]), fw=float(r["host_forward_us"]) - n["forward"],
                     bw=float(r["host_backward_us"]) - n["backward"], st=float(r["host_step_us"]) - n["step"]))
fit = {}
fit["zero_grad"] = solve([[1, d["T"]] for d in data], [d["zg"] for d in data])
fit["forward"] = solve([[1, d["L"]] for d in data], [d["fw"] for d in data])
fit["backward"] = solve([[1, d["L"]] for d in data], [d["bw"] for d in data])
if fit["backward"][0] < 0:  # no negative start: the per-layer cost alone
    fit["backward"] = [0.0] + solve([[d["L"]] for d in data], [d["bw"] for d in data])
fit["step"] = solve([[1, d["T"], d["sc"]] for d in data], [d["st"] for d in data])
print("fit rows: %d (models other than 784-128-10, fp32/fp16/fp16_noscaler/bf16, batch 64 and 1000)" % len(data))
print("zero_grad = %.1f + %.2f * tensors" % tuple(fit["zero_grad"]))
print("forward   = %.1f + %.1f * layers   (beyond the launches' charges)" % tuple(fit["forward"]))
print("backward  = %.1f + %.1f * layers   (beyond the launches' charges)" % tuple(fit["backward"]))
print("step      = %.1f + %.1f * tensors + %.1f with a GradScaler   (beyond the launches' charges)" % tuple(fit["step"]))
for ph, key, var in (("forward", "fw", "L"), ("backward", "bw", "L")):
    res = [d[key] - fit[ph][0] - fit[ph][1] * d[var] for d in data]
    print("%s residual: mean abs %.0f us" % (ph, sum(map(abs, res)) / len(res)))
