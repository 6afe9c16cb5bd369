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
