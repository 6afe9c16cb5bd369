"""Session 7: instructions the energy loops' kernels issue, under Nsight Compute: torch.sum over
1 Mi, 4 Mi (energy_mem.csv's l2_read_sum_8MiB) and 64 Mi fp16 and 4 Mi fp32, and an 8 MiB
device-to-device copy_ (which runs no kernel: it is a copy-engine memcpy), one call each after
warm-ups. Run as
  ncu --metrics smsp__inst_executed.sum,smsp__cycles_active.avg,sm__cycles_elapsed.avg,gpu__time_duration.sum \\
      --csv python3 measure_reduce_instrs.py > reduce_instrs_ncu.csv
(the first kernels listed are torch.randn's)."""
import torch
xs = [torch.randn(n, device="cuda", dtype=dt) for n, dt in
      ((1 << 20, torch.float16), (4 << 20, torch.float16), (64 << 20, torch.float16), (4 << 20, torch.float32))]
src = torch.randn(2 * 1024 * 1024, device="cuda")
dst = torch.empty_like(src)
torch.cuda.synchronize()
for x in xs:
    x.sum()
torch.cuda.synchronize()
dst.copy_(src)
torch.cuda.synchronize()
