import os
# One torch thread per process: tests run beside other processes on 2 cores.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
try:
    import torch
    torch.set_num_threads(1)
except ImportError:
    pass
