"""Summarises clock_stamps.csv.gz (measure_clock.py's per-program stamps) into
  clock_bins.csv     case, rep, kernel, K, t_us, mhz: the clock in 3 us bins from the kernel's first stamp
                     (sum of d(clock64) over sum of d(globaltimer) of the stamp pairs whose midpoint falls in the bin)
  clock_summary.csv  case, rep, kernel, K, span_us, mean_mhz, first_6us_mhz, min_10us_mhz, last_30us_mhz
Run as `python3 analysis/hw/h100_s15/summarize_clock.py` (writes beside itself)."""
import collections, csv, gzip, os

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    runs = collections.defaultdict(lambda: collections.defaultdict(list))
    with gzip.open(os.path.join(HERE, "clock_stamps.csv.gz"), "rt") as fh:
        for r in csv.DictReader(fh):
            key = (r["case"], int(r["rep"]), r["kernel"], int(r["K"]))
            runs[key][int(r["prog"])].append((int(r["idx"]), int(r["gt_ns"]), int(r["clk"])))
    bins_out, summ = [], []
    for key in sorted(runs):
        progs = runs[key]
        t0 = min(s[1] for st in progs.values() for s in st)
        pairs = []  # (mid_ns, dgt, dclk)
        for st in progs.values():
            st.sort()
            for a, b in zip(st, st[1:]):
                if b[1] > a[1]:
                    pairs.append(((a[1] + b[1]) / 2 - t0, b[1] - a[1], b[2] - a[2]))
        span = max(s[1] for st in progs.values() for s in st) - t0
        def mhz(lo, hi):
            sel = [p for p in pairs if lo <= p[0] < hi]
            g = sum(p[1] for p in sel)
            return round(sum(p[2] for p in sel) / g * 1e3, 1) if g else ""
        b = collections.defaultdict(lambda: [0, 0])
        for mid, dg, dc in pairs:
            i = int(mid // 3000)
            b[i][0] += dc; b[i][1] += dg
        for i in sorted(b):
            bins_out.append(dict(case=key[0], rep=key[1], kernel=key[2], K=key[3], t_us=3 * i,
                                 mhz=round(b[i][0] / b[i][1] * 1e3, 1)))
        tens = [mhz(t, t + 10000) for t in range(0, int(span) - 10000, 10000)]
        summ.append(dict(case=key[0], rep=key[1], kernel=key[2], K=key[3], span_us=round(span / 1e3, 1),
                         mean_mhz=mhz(0, span + 1), first_6us_mhz=mhz(0, 6000),
                         min_10us_mhz=min(x for x in tens if x != "") if tens else "",
                         last_30us_mhz=mhz(span - 30000, span + 1)))
    for name, data in (("clock_bins.csv", bins_out), ("clock_summary.csv", summ)):
        with open(os.path.join(HERE, name), "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(data[0].keys()))
            w.writeheader(); w.writerows(data)


if __name__ == "__main__":
    main()
