"""Seconds per clip of the embedded model on one CPU core (target: at most 1 s).

Run: `OMP_NUM_THREADS=1 python tests/bench/bench_generate.py [--n 5] [--base PATH] [--steps N] [--scheduler S]`.
Loads the pipeline once, generates one warm-up clip, then times `n` clips (different seeds) end to end through
`cinebench.backbone.generate` (prompt and image encoding, denoising, decoding); prints the median, the ratio to the
1-second budget, and for comparison the same model at 4 steps measured in the same run.

`--realsize` (needs a CUDA GPU; not run in a CPU-only task): the Wan2.1-T2V-1.3B transformer architecture with
random weights, 33 frames at 480x832 (latents 16x9x60x104), bf16: seconds per denoising step (one transformer
forward, batch 1, no CFG) and peak memory, and one LoRA training step (rank 32 on to_q/to_k/to_v/to_out.0,
forward + backward + AdamW) with its peak memory.
"""
import argparse, os, statistics, time
import torch

def realsize(steps=5):
    if not torch.cuda.is_available():
        print("--realsize: no CUDA GPU on this machine; real-size figures not measured"); return
    from diffusers import WanTransformer3DModel
    from peft import LoraConfig
    dev, dt = 'cuda', torch.bfloat16
    tr = WanTransformer3DModel(patch_size=(1, 2, 2), num_attention_heads=12, attention_head_dim=128, in_channels=16,
                               out_channels=16, text_dim=4096, freq_dim=256, ffn_dim=8960, num_layers=30,
                               cross_attn_norm=True, qk_norm='rms_norm_across_heads', eps=1e-6).to(dev, dt)
    x = torch.randn(1, 16, 9, 60, 104, device=dev, dtype=dt); e = torch.randn(1, 512, 4096, device=dev, dtype=dt)
    t = torch.tensor([500.], device=dev)
    with torch.no_grad():
        for i in range(2): tr(x, t, e)
        torch.cuda.synchronize(); torch.cuda.reset_peak_memory_stats(); t0 = time.time()
        for i in range(steps): tr(x, t, e)
        torch.cuda.synchronize()
    print(f"Wan2.1-T2V-1.3B arch, 33 frames 480x832, bf16, {torch.cuda.get_device_name()}: "
          f"{(time.time()-t0)/steps:.3f} s per denoising step, peak {torch.cuda.max_memory_allocated()/2**30:.2f} GiB")
    tr.requires_grad_(False)
    tr.add_adapter(LoraConfig(r=32, lora_alpha=32, target_modules=['to_q', 'to_k', 'to_v', 'to_out.0']))
    tr.enable_gradient_checkpointing() if hasattr(tr, 'enable_gradient_checkpointing') else None
    params = [p for p in tr.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, 1e-4)
    for i in range(2 + steps):
        if i == 2: torch.cuda.synchronize(); torch.cuda.reset_peak_memory_stats(); t0 = time.time()
        loss = tr(x, t, e, return_dict=False)[0].float().pow(2).mean(); loss.backward(); opt.step(); opt.zero_grad()
    torch.cuda.synchronize()
    print(f"LoRA r32 training step (gradient checkpointing): {(time.time()-t0)/steps:.3f} s, "
          f"peak {torch.cuda.max_memory_allocated()/2**30:.2f} GiB")

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--n', type=int, default=5); ap.add_argument('--base'); ap.add_argument('--steps', type=int)
    ap.add_argument('--scheduler'); ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--realsize', action='store_true', help='real-size figures on a CUDA GPU')
    a = ap.parse_args()
    if a.realsize: realsize(); raise SystemExit(0)
    torch.set_num_threads(a.threads)
    from cinebench.backbone import get_pipeline, generate
    t0 = time.time(); pipe = get_pipeline(a.base); load = time.time() - t0
    def run(steps, sched):
        generate('a quiet street', pipe=pipe, steps=steps, scheduler=sched, seed=0, progress=False)
        ts = []
        for i in range(a.n):
            t = time.time(); v, s = generate('a quiet street', pipe=pipe, steps=steps, scheduler=sched, seed=i + 1,
                                            progress=False, return_settings=True); ts.append(time.time() - t)
        return statistics.median(ts), v, s
    med, v, s = run(a.steps, a.scheduler)
    print(f"embedded model: {s['frames']} frames {s['size']}, {s['steps']} steps {s['scheduler']}, guidance {s['guidance']}, "
          f"{a.threads} thread(s): median {med:.3f} s/clip over {a.n} clips = {med/1.0:.2f}x the 1 s budget "
          f"(pipeline load {load:.1f} s, once)")
    m4, _, s4 = run(4, a.scheduler)
    print(f"same model at 4 steps: median {m4:.3f} s/clip ({m4/med:.2f}x the default)")
    print(f"machine: {os.cpu_count()} CPU cores, load avg {os.getloadavg()[0]:.1f}; torch {torch.__version__}")
