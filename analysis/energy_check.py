#!/usr/bin/python3
"""analysis/energy_check.py: gpusim's power model against the H100's energy files.

Compares configs/h100.ini's predictions with ../shared/hw/h100 (a copy travels in
analysis/hw/h100): energy_gemm.csv, energy_mem.csv, energy_pcie.csv, power_idle.csv and
the settled clock of clock_trace.csv, timed as the data's "Energy method" times them:
each op looped back to back from a Python loop, as one op with repeat= the file's `calls`
in eager mode (the host pays each call's launch cost: a call shorter than that is
host-bound and the GPU idles between calls, as analysis/hw/loop_probe measured; a longer
one queues behind its predecessor). Time per call = the op's time / calls; energy per
call = the op's board energy (idle power and the gaps between calls included) / calls.

Each e_* function returns a list of dict(label, meas, pred, roof), like analysis/validate's
v_* functions; `roof` is the back-of-envelope a model-free architect would use (board power
= TDP while busy, clock = the maximum clock, idle = 20% of TDP).

  python3 analysis/energy_check.py          # the table (a few minutes: 8192^3 loops)
  python3 analysis/energy_check.py --fast   # skips the 16384^3 row and shortens loops
"""
import argparse, csv, json, os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HW = os.environ.get("GPUSIM_HW", os.path.join(ROOT, "analysis", "hw", "h100"))
BIN = os.environ.get("GPUSIM_BIN", os.path.join(ROOT, "build", "sim", "gpusim"))
CFG = os.environ.get("VALIDATE_CFG") or os.path.join(ROOT, "configs", "h100.ini")  # VALIDATE_CFG: as analysis/validate
TDP_W = 700.0
MAX_MHZ = 1980.0
TMP = tempfile.mkdtemp(prefix="gpusim_energy_")


def rows(name):
    with open(os.path.join(HW, name)) as f:
        return list(csv.DictReader(f))


def run(trace_text, sets=()):
    fd, path = tempfile.mkstemp(suffix=".trace", dir=TMP)
    with os.fdopen(fd, "w") as f:
        f.write(trace_text)
    cmd = [BIN, CFG, path, "--no-db", "--json"]
    for s in sets:
        cmd += ["--set", s]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError("gpusim failed: %s" % out.stderr.strip())
    return json.loads(out.stdout)


_idle = []


def idle_w():
    """Modeled idle board power (a run with nothing in it)."""
    if not _idle:
        _idle.append(run("sync\n")["avg_power_w"])
    return _idle[0]


def loop(op_line, calls):
    """The data's loop: op_line issued `calls` times back to back from the host (eager: the
    host pays each call's launch cost, so a call shorter than that leaves the GPU idle between
    calls), as one op with repeat=calls. Returns (us per call, J per call, mean MHz, res): the
    op's time and board energy (idle included, gaps between calls included) over its calls."""
    res = run("%s name=c repeat=%d\n" % (op_line, calls))
    op = [o for o in res["ops"] if o["name"] == "c"][0]
    return op["time_us"] / calls, op["energy_j"] / calls, op["clock_mhz"], res


# ---------------------------------------------------------------- one function per file
# Each file gives two checks: energy per call ("FILE") and time per call ("FILE time"), both
# from the same loop; _cache keeps the loop so that the second check does not rerun it.
_cache = {}


def cached_loop(op_line, calls):
    key = (op_line, calls)
    if key not in _cache:
        _cache[key] = loop(op_line, calls)
    return _cache[key]


def row_pair(label, r, us, j, what):
    """The time or the energy row of one loop."""
    if what == "time":
        us_meas = float(r["us_per_call"])
        return dict(label=label + " us/call", meas=us_meas, pred=us, roof=us_meas)
    return dict(label=label + " mJ/call", meas=float(r["mj_per_call"]), pred=j * 1e3, roof=TDP_W * us * 1e-3)


def e_gemm(fast, what="energy"):
    """energy_gemm.csv: what = 'energy' (mJ per call) or 'time' (us per call)."""
    out = []
    for r in rows("energy_gemm.csv"):
        m, n, k = int(r["M"]), int(r["N"]), int(r["K"])
        if fast and m > 8192:
            continue
        us, j, _, _ = cached_loop("gemm m=%d n=%d k=%d dtype=%s" % (m, n, k, r["dtype"]), int(r["calls"]))
        out.append(row_pair("%s %dx%dx%d" % (r["dtype"], m, n, k), r, us, j, what))
    return out


def e_gemm_time(fast):
    return e_gemm(fast, "time")


MEM_OPS = {
    # a 1 GiB device copy: 1 GiB read + 1 GiB written per call
    "dram_copy_1GiB": "copy dir=d2d bytes=1073741824",
    # an 8 MiB copy (the same buffers every call: L2-resident)
    "l2_copy_8MiB": "copy dir=d2d bytes=8388608",
    # an 8 MiB read-reduce: torch.sum of 4 Mi fp16, PyTorch's full reduction (512 CTAs of 512
    # threads, partials met through global memory: ops/op_reduce.c)
    "l2_read_sum_8MiB": "reduce elems=4194304 dtype=fp16",
}


def e_mem(fast, what="energy"):
    out = []
    for r in rows("energy_mem.csv"):
        if r["what"] not in MEM_OPS:
            continue
        us, j, _, _ = cached_loop(MEM_OPS[r["what"]], int(r["calls"]))
        out.append(row_pair(r["what"], r, us, j, what))
    return out


def e_mem_time(fast):
    return e_mem(fast, "time")


def pcie_line(r):
    line = "copy dir=%s bytes=%s pinned=%s" % (r["what"], r["bytes"], r["pinned"])
    # The pageable H2D loop's source was never written (torch.empty): its pages all map the
    # kernel's zero page, so the staging memcpy reads cached data (analysis/hw/loop_probe:
    # a written source copies 2.3x slower on the same host, as pcie.csv's 256 MiB row does).
    if r["what"] == "h2d" and r["pinned"] == "0":
        line += " zero_page=1"
    return line


def e_pcie(fast, what="energy"):
    out = []
    for r in rows("energy_pcie.csv"):
        us, j, _, _ = cached_loop(pcie_line(r), int(r["calls"]))
        label = "%s %s 256MiB" % (r["what"], "pinned" if r["pinned"] == "1" else "pageable")
        out.append(row_pair(label, r, us, j, what))
    return out


def e_pcie_time(fast):
    return e_pcie(fast, "time")


def e_idle(fast):
    r = rows("power_idle.csv")[0]
    return [dict(label="idle board power W", meas=float(r["avg_power_w"]), pred=idle_w(), roof=0.2 * TDP_W)]


def settled_clock_mhz():
    """clock_trace.csv: mean SM clock after the first 4 s (the controller has settled)."""
    s = [float(r["sm_mhz"]) for r in rows("clock_trace.csv") if float(r["t_s"]) > 4.0]
    return sum(s) / len(s)


def e_clock(fast):
    """The sustained SM clock under back-to-back 8192^3 fp16 GEMMs, and the burst/sustained split."""
    g = {r["M"]: r for r in rows("energy_gemm.csv")}.get("8192")
    us, j, mhz, res = cached_loop("gemm m=8192 n=8192 k=8192 dtype=fp16", int(g["calls"]) if g else 1480)
    out = [dict(label="sustained SM clock MHz (8192^3 loop)", meas=settled_clock_mhz(), pred=mhz, roof=MAX_MHZ)]
    if g:
        out.append(dict(label="8192^3 mean SM clock MHz (energy_gemm)", meas=float(g["sm_mhz"]), pred=mhz, roof=MAX_MHZ))
        out.append(dict(label="8192^3 board power W (energy_gemm)", meas=float(g["avg_power_w"]),
                        pred=j / (us * 1e-6), roof=TDP_W))
    return out


def op_temp(res):
    return [o for o in res["ops"] if o["name"] == "c"][0]["temp_c"]


def e_temp(fast):
    """The thermal model (reported only): mean die temperature of each loop (the data's temp_c,
    NVML samples over the loop), idle, and the settled part of clock_trace.csv. The data's
    loops start 55-70 C depending on the loop before (the heat sink's slow response, not
    modeled), so the low-power loops read several degrees above a steady state."""
    r = rows("power_idle.csv")[0]
    out = [dict(label="idle temperature C", meas=float(r["temp_c"]), pred=run("sync\n")["temp_c"], roof=None)]
    for r in rows("energy_gemm.csv"):
        m = int(r["M"])
        if fast and m > 8192:
            continue
        res = cached_loop("gemm m=%d n=%d k=%d dtype=%s" % (m, m, m, r["dtype"]), int(r["calls"]))[3]
        out.append(dict(label="%s %d^3 loop temperature C" % (r["dtype"], m), meas=float(r["temp_c"]), pred=op_temp(res), roof=None))
    for r in rows("energy_mem.csv"):
        if r["what"] in MEM_OPS:
            res = cached_loop(MEM_OPS[r["what"]], int(r["calls"]))[3]
            out.append(dict(label="%s loop temperature C" % r["what"], meas=float(r["temp_c"]), pred=op_temp(res), roof=None))
    for r in rows("energy_pcie.csv"):
        res = cached_loop(pcie_line(r), int(r["calls"]))[3]
        out.append(dict(label="%s %s loop temperature C" % (r["what"], "pinned" if r["pinned"] == "1" else "pageable"),
                        meas=float(r["temp_c"]), pred=op_temp(res), roof=None))
    s = [float(r["temp_c"]) for r in rows("clock_trace.csv") if float(r["t_s"]) > 4.0]
    g = {r["M"]: r for r in rows("energy_gemm.csv")}.get("8192")
    res = cached_loop("gemm m=8192 n=8192 k=8192 dtype=fp16", int(g["calls"]) if g else 1480)[3]
    out.append(dict(label="settled temperature C (8192^3 loop)", meas=sum(s) / len(s), pred=res["temp_c"], roof=None))
    return out


CHECKS = [("power_idle.csv", e_idle), ("clock_trace.csv", e_clock), ("energy_gemm.csv time", e_gemm_time),
          ("energy_gemm.csv", e_gemm), ("energy_mem.csv time", e_mem_time), ("energy_mem.csv", e_mem),
          ("energy_pcie.csv time", e_pcie_time), ("energy_pcie.csv", e_pcie), ("temp_c", e_temp)]


def err_pct(r, key="pred"):
    return 100.0 * (r[key] - r["meas"]) / r["meas"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fast", action="store_true")
    ap.add_argument("--only", default="", help="comma-separated check names (file names above)")
    a = ap.parse_args()
    only = [s for s in a.only.split(",") if s]
    print("%-44s %12s %12s %8s %12s %8s" % ("check", "measured", "gpusim", "err", "roof", "err"))
    for name, fn in CHECKS:
        if only and name not in only:
            continue
        rs = fn(a.fast)
        for r in rs:
            roof = r["roof"] if r["roof"] is not None else float("nan")
            print("%-44s %12.3f %12.3f %+7.1f%% %12.3f %+7.1f%%" % (r["label"], r["meas"], r["pred"], err_pct(r),
                                                                    roof, err_pct(dict(r, roof=roof), "roof")))
        mape = sum(abs(err_pct(r)) for r in rs) / len(rs)
        mape_roof = sum(abs(err_pct(dict(r, roof=r["roof"] if r["roof"] is not None else float("nan")), "roof"))
                        for r in rs) / len(rs)
        print("%-44s %12s %12s %7.1f%% %12s %7.1f%%" % ("  " + name + " MAPE", "", "", mape, "", mape_roof))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
