import ctypes as C,time,torch
nv=C.CDLL("libnvidia-ml.so.1");nv.nvmlInit_v2();h=C.c_void_p();nv.nvmlDeviceGetHandleByIndex_v2(0,C.byref(h))
def E():
 e=C.c_ulonglong();nv.nvmlDeviceGetTotalEnergyConsumption(h,C.byref(e));return e.value
S=torch.cuda.synchronize
db=torch.empty(64<<20,device="cuda")
for nm in ("randn","empty","zeros"):
 hp=getattr(torch,nm)(64<<20)
 for _ in range(3):db.copy_(hp)
 S();time.sleep(.3);e0=E();t0=time.perf_counter();n=0
 while time.perf_counter()-t0<1.5:
  db.copy_(hp);n+=1
 S();t=time.perf_counter()-t0;e=E()-e0
 print(nm,"us/call %.0f GB/s %.2f mJ/call %.1f W %.1f"%(t/n*1e6,268435456/(t/n)/1e9,e/n,e/1e3/t),flush=True)
