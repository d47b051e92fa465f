"""CameraCLIP speed on CPU: training clips/s and encoding clips/s of the embedded model's configuration, with the
paper's layout (4 RGB frames through a ViT image tower, mean pooled, no motion features) measured in the same run as the
baseline. With motion='camera' the classical camera-motion features are computed from every batch, as in training.

    OMP_NUM_THREADS=1 python tests/bench/bench_cameraclip.py [--threads 1] [--batch 32] [--steps 6]
"""
import argparse, time, os
os.environ.setdefault('OMP_NUM_THREADS', '1'); os.environ.setdefault('HF_HUB_OFFLINE', '1')
import numpy as np, torch
from cinebench.cameraclip import CameraCLIP, CameraCLIPModule, clip_loss, embedded_path, DEFAULT_CONFIG, motion_features
import torch.nn.functional as F

def synth_clips(n, frames=8, size=64):
    "Real content for the timings (the camera-motion fit converges differently on noise): SynthCine clips, uint8 (n, frames, size, size, 3)."
    import tempfile
    from cinebench.synth import synth
    from cinebench.cameraclip import read_metadata, clip_cache
    d = synth(n, tempfile.mkdtemp(), seed=12345, frames=frames, size=(size, size), progress=False)
    return np.asarray(clip_cache(d, read_metadata(d), frames, size))

CLIPS = None

def train_rate(cfg, batch, steps, seed=0):
    "Clips per second through forward, backward and an AdamW step (captions cached after the first step)."
    pl = CameraCLIPModule(cfg, seed=seed); m = pl.model.train()
    opt = pl.configure_optimizers()['optimizer']
    rng = np.random.default_rng(seed)
    x = torch.from_numpy(np.array(CLIPS[:batch]))
    texts = [f'Close-up, low angle; the camera pans left across subject {i}.' for i in range(batch)]
    keys = torch.arange(batch)
    times = []
    for s in range(steps + 1):
        t = time.perf_counter()
        phi = motion_features(x) if m.config.get('motion', 'none') == 'camera' else None # read from the batch, as in training
        v = F.normalize(m.video_features(m._prep(x), phi), dim=-1); tt = F.normalize(m.text_features(texts), dim=-1)
        loss = clip_loss(v, tt, m.logit_scale, keys); loss.backward(); opt.step(); opt.zero_grad()
        times.append(time.perf_counter() - t)
    return batch / np.median(times[1:]) # the first step pays for the caption cache

def encode_rate(m, n, seed=0):
    x = CLIPS[:n]
    m.encode_video(x[:8])
    t = time.perf_counter(); m.encode_video(x); return n / (time.perf_counter() - t)

if __name__ == '__main__':
    p = argparse.ArgumentParser(); p.add_argument('--threads', type=int, default=1); p.add_argument('--batch', type=int, default=32)
    p.add_argument('--steps', type=int, default=6); p.add_argument('--n', type=int, default=256)
    a = p.parse_args(); torch.set_num_threads(a.threads)
    CLIPS = synth_clips(max(a.n, a.batch))
    import json
    f = embedded_path()/'cameraclip.json'
    cfg = {k: v for k, v in json.loads(f.read_text()).items() if k in DEFAULT_CONFIG} if f.exists() else dict(DEFAULT_CONFIG)
    base = {**cfg, 'video_input': 'frames', 'pooling': 'mean', 'motion': 'none', 'vision': 'vit', 'frames': max(4, cfg['frames'])} # the paper's layout: a ViT over RGB frames
    tower = f"CNN width {cfg['cnn_width']}" if cfg.get('vision') == 'cnn' else f"ViT width {cfg['width']}, {cfg['layers']} layers"
    print(f"CPU threads {a.threads}; config: {cfg['image_size']}px, {cfg['frames']} frames, {tower}, "
          f"video_input={cfg['video_input']}, pooling={cfg['pooling']}, text={cfg['text']}, motion={cfg.get('motion', 'none')}")
    rt, rb = train_rate(cfg, a.batch, a.steps), train_rate(base, a.batch, a.steps)
    print(f"training:  {rt:7.1f} clips/s   baseline (RGB frames, mean pool) {rb:7.1f} clips/s   ratio {rt / rb:.2f}")
    m = CameraCLIP.from_pretrained() if (embedded_path()/'model.safetensors').exists() else CameraCLIP(cfg)
    et, eb = encode_rate(m, a.n), encode_rate(CameraCLIP(base), a.n)
    print(f"encoding:  {et:7.1f} clips/s   baseline (RGB frames, mean pool) {eb:7.1f} clips/s   ratio {et / eb:.2f}")
    caps = [f'Shot as half-body framing with looking up from below: our camera sweeps to the left over subject {i}.' for i in range(512)]
    t = time.perf_counter(); m.encode_text(caps); tt = time.perf_counter() - t
    print(f"text:      {len(caps) / tt:7.1f} captions/s (uncached)")
    x = CLIPS[:64]
    t = time.perf_counter(); motion_features(x); print(f"camera-motion features alone (8 frames, 64x64): {64 / (time.perf_counter() - t):7.1f} clips/s")
