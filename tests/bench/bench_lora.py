"""LoRA training speed (issue 6 §4), ratios measured in the same run:

1. steps/s with the latent cache vs encoding every batch (decode clip, fit to bucket, VAE + text + image encoders),
   both through the Lightning Trainer; target >= 3x.
2. the Lightning loop vs a bare PyTorch loop over the same step (`LoraFinetune.step_loss`, AdamW), both from cached
   batches; target overhead <= 5 %.

Model: the embedded model's architecture (tiny Wan2.1 I2V, `cinebench.pretrain.MODEL`, random weights) with its
PackVAE codec, and the same transformer with a tiny random `AutoencoderKLWan` (a real VAE class, whose encoder costs
what VAEs cost). 9 frames at 32x32, batch 2, LoRA rank 16 on attention, compact prompt attention as `train_lora` uses. Timings are the minimum per step over
interleaved repeats (the machine is shared).

    OMP_NUM_THREADS=1 python tests/bench/bench_lora.py [--steps 40] [--repeats 3]
"""
import argparse, copy, os, sys, tempfile, time, warnings, logging
from pathlib import Path
os.environ.setdefault('OMP_NUM_THREADS', '1')
import numpy as np
import torch
torch.set_num_threads(1)
warnings.simplefilter('ignore')
logging.getLogger('lightning.pytorch').setLevel(logging.ERROR)
import lightning as L
from diffusers import WanImageToVideoPipeline
from cinebench.backbone import tiny_wan_components
from cinebench.lora import write_demo_dataset, Encoder, ClipDataModule, LoraFinetune, trainer

def model_kwargs():
    try:
        from cinebench.pretrain import MODEL
        return dict(MODEL)
    except Exception: return dict(width=192, heads=3, layers=4, ffn=384, text_dim=32, image_dim=32, image_size=32)

def make_pipe(vae):
    pipe = WanImageToVideoPipeline(**tiny_wan_components('i2v', vae=vae, seed=0, **model_kwargs()))
    pipe._pristine = copy.deepcopy(pipe.transformer)
    return pipe

def fresh(pipe):
    "A fresh copy of the base transformer (no adapter) for each run."
    return copy.deepcopy(pipe._pristine)

def clock():
    "(CPU seconds of this process, wall seconds): CPU time is what the shared machine cannot steal."
    return time.process_time(), time.perf_counter()

class StepTimer(L.Callback):
    "Time from the start of step `start` to the end of training (excludes setup, cache filling, warm-up steps)."
    def __init__(self, start): self.start = start
    def on_train_batch_start(self, trainer, *a):
        if trainer.global_step == self.start and not hasattr(self, 't0'): self.t0 = clock()
    def on_train_end(self, trainer, *a): self.t1 = clock()

def lightning_run(pipe, data, cache, steps, warm=3):
    "Seconds per optimizer step through the Trainer (after `warm` steps)."
    enc = Encoder(pipe, max_sequence_length=512)
    dm = ClipDataModule(data, enc, frames=9, batch_size=2, cache=cache, progress=False)
    dm.setup() # fill the cache (not timed)
    torch.manual_seed(0)
    mod = LoraFinetune(fresh(pipe), dict(rank=16), 'bench', compact_text=True, verbose=False)
    tm = StepTimer(warm)
    trainer(warm + steps, progress=False, callbacks=[tm]).fit(mod, dm)
    return [(b - a)/steps for a, b in zip(tm.t0, tm.t1)]

def bare_run(pipe, data, cache, steps, warm=3):
    "Seconds per step of a plain PyTorch loop over the same batches and the same `step_loss`."
    enc = Encoder(pipe, max_sequence_length=512)
    dm = ClipDataModule(data, enc, frames=9, batch_size=2, cache=cache, progress=False)
    dm.setup()
    torch.manual_seed(0)
    mod = LoraFinetune(fresh(pipe), dict(rank=16), 'bench', compact_text=True, verbose=False)
    opt = mod.configure_optimizers()
    it = iter(dm.train_dataloader())
    for i in range(warm + steps):
        if i == warm: t0 = clock()
        batch = next(it)
        loss = mod.step_loss(batch, i)
        loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
    t1 = clock()
    return [(b - a)/steps for a, b in zip(t0, t1)]

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--steps', type=int, default=40); p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--clips', type=int, default=16)
    a = p.parse_args(argv)
    tmp = Path(tempfile.mkdtemp())
    data = write_demo_dataset(tmp/'data', n=a.clips)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, {os.cpu_count()} CPUs (shared), "
          f"{a.clips} clips 9x32x32, batch 2, {a.steps} timed steps x {a.repeats} repeats")
    for vae in ('pack', 'wan'):
        pipe = make_pipe(vae)
        n = sum(p.numel() for p in pipe.transformer.parameters())
        cache = tmp/f'cache_{vae}'
        t = {'cached': [], 'uncached': [], 'lightning': [], 'bare': []}
        for r in range(a.repeats):
            t['cached'].append(lightning_run(pipe, data, cache, a.steps))
            t['uncached'].append(lightning_run(pipe, data, None, a.steps))
            t['bare'].append(bare_run(pipe, data, cache, a.steps))
            t['lightning'].append(lightning_run(pipe, data, cache, a.steps))
        print(f"\n[{'PackVAE (embedded model)' if vae == 'pack' else 'tiny AutoencoderKLWan'}] transformer {n/1e6:.2f} M params")
        for j, what in ((0, 'CPU time'), (1, 'wall time')):
            m = {k: min(x[j] for x in v) for k, v in t.items()}
            print(f"  {what} per step (min over repeats):")
            for k in ('uncached', 'cached', 'bare', 'lightning'):
                print(f"    {k:10s} {1/m[k]:7.2f} steps/s  ({1000*m[k]:.1f} ms/step; repeats: {', '.join(f'{1000*x[j]:.1f}' for x in t[k])} ms)")
            print(f"    caching speed-up: {m['uncached']/m['cached']:.2f}x  (target >= 3x)")
            print(f"    Lightning overhead vs bare loop: {100*(m['lightning']/m['bare'] - 1):+.1f} %  (target <= 5 %)")
    return 0

if __name__ == '__main__': sys.exit(main())
