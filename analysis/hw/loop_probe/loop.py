import ctypes as C,sys,time,torch
nv=C.CDLL("libnvidia-ml.so.1");nv.nvmlInit_v2();h=C.c_void_p();nv.nvmlDeviceGetHandleByIndex_v2(0,C.byref(h))
def E():
 e=C.c_ulonglong();nv.nvmlDeviceGetTotalEnergyConsumption(h,C.byref(e));return e.value
def M():
 c=C.c_uint();nv.nvmlDeviceGetClockInfo(h,1,C.byref(c));return c.value
S=torch.cuda.synchronize;d="cuda";f=torch.float16
a=torch.randn(1024,1024,device=d,dtype=f);a2=torch.randn(2048,2048,device=d,dtype=f)
s8=torch.randn(4<<20,device=d,dtype=f);d8=torch.empty_like(s8)
hp=torch.randn(64<<20);hq=torch.randn(64<<20).pin_memory();db=torch.empty(64<<20,device=d)
O=[("g1024",lambda:a@a),("g2048",lambda:a2@a2),("copy8",lambda:d8.copy_(s8)),("sum8",lambda:s8.sum()),
("h2d_pg",lambda:db.copy_(hp)),("h2d_pin",lambda:db.copy_(hq,non_blocking=True)),("d2h_pg",lambda:hp.copy_(db))]
def eager(fn):
 for _ in range(3):fn()
 S();time.sleep(.3);e0=E();t0=time.perf_counter();n=0;ls=t0
 while 1:
  fn();n+=1;t=time.perf_counter()
  if t-ls>.05:
   S();ls=time.perf_counter()
   if ls-t0>1.5:break
 S();m=M();t1=time.perf_counter();e1=E();return (t1-t0)/n*1e6,(e1-e0)/n,(e1-e0)/1e3/(t1-t0),m,n
def host(fn):
 S();torch.cuda._sleep(int(2e9));t0=time.perf_counter()
 for _ in range(200):fn()
 t=(time.perf_counter()-t0)/200*1e6;S();return t
def graph(fn):
 s=torch.cuda.Stream();s.wait_stream(torch.cuda.current_stream())
 with torch.cuda.stream(s):
  for _ in range(3):fn()
 torch.cuda.current_stream().wait_stream(s);g=torch.cuda.CUDAGraph()
 with torch.cuda.graph(g):
  for _ in range(20):fn()
 g.replay();S();a=torch.cuda.Event(enable_timing=True);b=torch.cuda.Event(enable_timing=True);a.record()
 for _ in range(20):g.replay()
 b.record();S();return a.elapsed_time(b)*1e3/400
def single(fn,r):
 o=[]
 for _ in range(r):
  S();a=torch.cuda.Event(enable_timing=True);b=torch.cuda.Event(enable_timing=True);a.record();fn();b.record();S();o.append(a.elapsed_time(b)*1e3)
 o.sort();return o[len(o)//2]
print("what,eager_us,eager_mj,eager_w,mhz,calls,host_us,graph_us,single_us")
time.sleep(1);e0=E();t0=time.perf_counter();time.sleep(2);print("idle,,,%.2f,%d"%((E()-e0)/1e3/(time.perf_counter()-t0),M()))
for nm,fn in O:
 if len(sys.argv)>1 and nm not in sys.argv[1:]:continue
 sm=nm[0] in "gcs";r=eager(fn);hu=host(fn) if sm else 0;gu=graph(fn) if sm else 0;su=single(fn,20 if sm else 5)
 print(nm+",%.3f,%.4f,%.2f,%d,%d"%r+",%.3f,%.3f,%.3f"%(hu,gu,su),flush=True)
