"""analysis/harness.py: how the measurement harnesses ran each row, as gpusim settings (one source for
analysis/validate and analysis/check_gen).

A harness sweeps a file's rows back to back, so the card stays loaded: a row's 3 warm-ups and reps of
(256 MiB flush, op) follow the rows before it at once, and the reported median is the (3 + reps/2)-th
run of its own. The power controller's slow loop (power.slow_tau_ms, ~70 ms) is where those runs left
it; the rows before, of shapes near this one (files go in order of shape), count as 0.4 s more of this
row's loop (gemm_layout.csv's four layouts of a shape, measured in a row, run 5-12% slower each than the
one before at 8192^3). gpusim expresses it as sim.loops_before.
"""

FLUSH_US = 90  # the 256 MiB flush write on the H100 (~88 us simulated)


def reps_of(time_us, reps=None):
    """The repetitions behind a row's median: its own count where the file has one (or the script's fixed
    count), else the harness's rule: at least 10, at most 200, about 0.4 s of repetitions (the counts in
    gemm_kernels.csv: 133 of 2.9 ms, 44 of 9.1 ms, 19 of 21.3 ms)."""
    if reps:
        return int(reps)
    return int(max(10, min(200, 0.4e6 / (float(time_us) + FLUSH_US))))


def loops_before(time_us, reps=None):
    """--set value for a row measured at time_us (us) with reps repetitions (None: the rule above)."""
    per_us = float(time_us) + FLUSH_US
    n = reps_of(time_us, reps)
    return "sim.loops_before=%d" % (int(0.4e6 / per_us) + 3 + n // 2)
