import ctypes as C,time,threading,torch
nv=C.CDLL("libnvidia-ml.so.1");nv.nvmlInit_v2();h=C.c_void_p();nv.nvmlDeviceGetHandleByIndex_v2(0,C.byref(h))
def M():
 c=C.c_uint();nv.nvmlDeviceGetClockInfo(h,1,C.byref(c));return c.value
S=torch.cuda.synchronize;d="cuda"
for n in (2048,4096):
 a=torch.randn(n,n,device=d,dtype=torch.float16);fn=lambda:a@a
 s=torch.cuda.Stream();s.wait_stream(torch.cuda.current_stream())
 with torch.cuda.stream(s):
  for _ in range(3):fn()
 torch.cuda.current_stream().wait_stream(s);g=torch.cuda.CUDAGraph()
 with torch.cuda.graph(g):
  for _ in range(20):fn()
 for mode in ("graph","eager"):
  S();time.sleep(.3);cl=[];stop=[0]
  def samp():
   while not stop[0]:cl.append(M());time.sleep(.01)
  th=threading.Thread(target=samp);th.start();t0=time.perf_counter();k=0
  while time.perf_counter()-t0<1.5:
   if mode=="graph":g.replay();k+=20
   else:
    for _ in range(20):fn()
    k+=20
   if k%200==0:S()
  S();t=time.perf_counter()-t0;stop[0]=1;th.join()
  f=sum(cl[len(cl)//3:])/len(cl[len(cl)//3:]);us=t/k*1e6;mma=2*n**3/(132*4096*f*1e6)*1e6
  print("%d %s us/call %.2f mhz %.0f mma100 %.2f overhead %.2f"%(n,mode,us,f,mma,us-mma),flush=True)
