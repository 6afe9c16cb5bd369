-- analysis/queries.sql: questions users ask of a gpusim database (sqlite3 gpusim.db < analysis/queries.sql)

-- Speedup of every run of each sweep against the sweep's first (baseline) point.
SELECT sweep_id, point_key, round(sim_time_us, 2) AS time_us, round(speedup, 3) AS speedup
  FROM speedup WHERE sweep_id IS NOT NULL ORDER BY sweep_id, speedup DESC;

-- Per-knob sensitivity: throughput change per step of each knob, others held fixed
-- (text knobs such as prefetch.policy step in the order --vary listed them).
SELECT sweep_id, knob, from_value, to_value, round(speedup, 3) AS speedup, pairs
  FROM sensitivity ORDER BY sweep_id, knob, CAST(from_value AS REAL);

-- Best point under a constraint: the fewest SMs within 5% of the sweep's best time.
SELECT r.sweep_id, min(CAST(p.value AS INTEGER)) AS fewest_sms
  FROM runs r JOIN run_params p ON p.run_id = r.id AND p.key = 'gpu.sm_count'
 WHERE r.sweep_id IS NOT NULL
   AND r.sim_time_us <= 1.05 * (SELECT min(x.sim_time_us) FROM runs x WHERE x.sweep_id = r.sweep_id)
 GROUP BY r.sweep_id;

-- Energy per design point (run_energy: board energy with idle power, average and peak power,
-- mean SM clock, TFLOP/s per watt, energy-delay product), with the die temperature at the end.
SELECT e.sweep_id, e.point_key, round(e.sim_time_us, 1) AS time_us, round(e.energy_j * 1e3, 3) AS energy_mj,
       round(e.avg_power_w, 1) AS avg_w, round(e.peak_power_w, 1) AS peak_w, round(e.clock_mhz) AS mhz,
       round(e.tflops_per_w, 4) AS tflops_per_w, e.edp_js, round(r.temp_c, 1) AS temp_c
  FROM run_energy e JOIN runs r ON r.id = e.id ORDER BY e.sweep_id, e.energy_j;

-- The energy-optimal (= perf/W-optimal for a fixed workload) and the EDP-optimal point of each sweep.
SELECT sweep_id, 'least energy' AS choice, point_key, round(energy_j * 1e3, 3) AS energy_mj, round(sim_time_us, 1) AS time_us
  FROM run_energy e WHERE sweep_id IS NOT NULL
   AND energy_j = (SELECT min(x.energy_j) FROM run_energy x WHERE x.sweep_id = e.sweep_id)
UNION ALL
SELECT sweep_id, 'best perf/W', point_key, round(energy_j * 1e3, 3), round(sim_time_us, 1)
  FROM run_energy e WHERE sweep_id IS NOT NULL
   AND tflops_per_w = (SELECT max(x.tflops_per_w) FROM run_energy x WHERE x.sweep_id = e.sweep_id)
UNION ALL
SELECT sweep_id, 'least EDP', point_key, round(energy_j * 1e3, 3), round(sim_time_us, 1)
  FROM run_energy e WHERE sweep_id IS NOT NULL
   AND edp_js = (SELECT min(x.edp_js) FROM run_energy x WHERE x.sweep_id = e.sweep_id)
 ORDER BY 1, 2;

-- Energy per op of a run (the last run here): where the joules went.
SELECT name, kind, round(time_us, 2) AS time_us, round(energy_j * 1e3, 4) AS energy_mj, round(avg_power_w, 1) AS avg_w,
       round(clock_mhz) AS mhz, round(temp_c, 1) AS temp_c
  FROM ops WHERE run_id = (SELECT max(id) FROM runs) ORDER BY energy_j DESC;
