import time,torch
S=torch.cuda.synchronize;d="cuda";f=torch.float16
t=torch.randn(128,device=d,dtype=f);a=torch.randn(1024,1024,device=d,dtype=f);b=torch.randn(64,64,device=d,dtype=f)
s8=torch.randn(4<<20,device=d,dtype=f);d8=torch.empty_like(s8);t2=torch.empty_like(t)
O=[("tiny_add_",lambda:t.add_(1)),("tiny_relu",lambda:torch.relu(t)),("mm1024",lambda:a@a),("mm64",lambda:b@b),
("copy_tiny",lambda:t2.copy_(t)),("copy8",lambda:d8.copy_(s8)),("sum8",lambda:s8.sum()),("sum_tiny",lambda:t.sum())]
def host(fn,n=300):
 S();torch.cuda._sleep(int(3e9));t0=time.perf_counter()
 for _ in range(n):fn()
 r=(time.perf_counter()-t0)/n*1e6;S();return r
def eager(fn,n=3000):
 S();t0=time.perf_counter()
 for _ in range(n):fn()
 S();return (time.perf_counter()-t0)/n*1e6
for nm,fn in O:
 for _ in range(5):fn()
 h=sorted(host(fn) for _ in range(5));e=sorted(eager(fn) for _ in range(3))
 print("%s host_us %.2f eager_us %.2f"%(nm,h[2],e[1]),flush=True)
