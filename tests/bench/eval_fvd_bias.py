"""FVD against the number of clips, with the real I3D network on SynthCine clips: the small-sample bias users must know.

Renders three sets of SynthCine clips (16 frames, 64x64, 12 fps, every label drawn at random): A and B from the same
distribution (disjoint seeds), C from a shifted one (the 'bleach_bypass' look). Embeds them once with I3D (Kinetics-400
logits, 400-d; frames resized to 224x224) into a cache, then scores FVD(A, B) and FVD(A, C) on random subsets of N
clips per set. FVD(A, B) would be 0 with infinite samples; what it reads at N is bias.

    OMP_NUM_THREADS=1 .venv/bin/python tests/bench/eval_fvd_bias.py [--n 256] [--cache data/fvd_bias_features.npz]
"""
import argparse, os, json, time
os.environ.setdefault('OMP_NUM_THREADS', '1')
import numpy as np, torch
from tqdm.auto import tqdm
torch.set_num_threads(1)

def render(seeds, **kw):
    from cinebench.synth import sample_spec, render_clip
    return np.stack([render_clip(sample_spec(s, size=(64, 64), frames=16, **kw))[0] for s in seeds])

def features(n):
    from cinebench.metrics import I3DFeatures
    net = I3DFeatures().eval(); out = {}
    for name, seeds, kw in (('A', range(0, n), {}), ('B', range(10_000, 10_000 + n), {}),
                            ('C', range(20_000, 20_000 + n), dict(look='bleach_bypass'))):
        f = []
        for i in tqdm(range(0, n, 16), desc=f'set {name}: render + I3D'):
            f.append(net(torch.from_numpy(render(seeds[i:i + 16], **kw))).numpy())
        out[name] = np.concatenate(f)
    return out

def curve(F, ns=(16, 32, 64, 128, 256), reps=5, seed=0):
    from cinebench.metrics import frechet_distance_features
    g = np.random.default_rng(seed); rows = []
    for n in ns:
        if n > len(F['A']): continue
        for r in range(reps):
            ia, ib, ic = (g.choice(len(F[k]), n, replace=False) for k in 'ABC')
            rows.append(dict(n=n, rep=r, same=float(frechet_distance_features(F['A'][ia], F['B'][ib])),
                             shifted=float(frechet_distance_features(F['A'][ia], F['C'][ic]))))
    return rows

if __name__ == '__main__':
    ap = argparse.ArgumentParser(); ap.add_argument('--n', type=int, default=256)
    ap.add_argument('--cache', default='data/fvd_bias_features.npz'); ap.add_argument('--json')
    a = ap.parse_args()
    if os.path.exists(a.cache): F = dict(np.load(a.cache))
    else:
        t0 = time.perf_counter(); F = features(a.n)
        tmp = a.cache + '.tmp.npz'; os.makedirs(os.path.dirname(a.cache) or '.', exist_ok=True)
        np.savez(tmp, **F); os.replace(tmp, a.cache)
        print(f"features: {3 * a.n} clips in {time.perf_counter() - t0:.0f} s")
    rows = curve(F)
    for n in sorted({r['n'] for r in rows}):
        s = [r['same'] for r in rows if r['n'] == n]; d = [r['shifted'] for r in rows if r['n'] == n]
        print(f"N={n:4d}  FVD(same distribution) {np.mean(s):8.2f} +- {np.std(s):6.2f}   FVD(shifted look) {np.mean(d):8.2f} +- {np.std(d):6.2f}")
    if a.json: json.dump(rows, open(a.json, 'w'))
