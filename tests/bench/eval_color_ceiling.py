"""How far a statistics-based colour-temperature estimate can go on SynthCine pooled over random scenes.

Fits a ridge regression from 19 image statistics (log R/G, log B/G of grey-world, shades-of-grey p=2,4,8, max-RGB,
grey-edge p=1,2,6 and the geometric mean) to the light's mired value on 400 SynthCine scenes (seeds 1000-1399), then
scores Spearman rho on the 60 scenes `eval_physical.py` uses (seeds 0-59). The regression has seen the renderer's
scenes, so its rho is an optimistic ceiling for any estimator built on such statistics.

    OMP_NUM_THREADS=1 .venv/bin/python tests/bench/eval_color_ceiling.py
"""
import os
os.environ.setdefault('OMP_NUM_THREADS', '1')
import numpy as np
from scipy import ndimage
from scipy.stats import spearmanr
from cinebench.synth import sample_spec, render_clip
from cinebench.measure import to_linear, color_temperature

def stats(x, transfer=2.2):
    lin = to_linear(x, transfer).reshape((-1,) + x.shape[-3:])
    ok = (lin.max(-1) < 0.95) & (lin.max(-1) > 0.01)
    y = lin[ok].astype(np.float64) + 1e-6
    es = [y.mean(0)] + [(y ** p).mean(0) ** (1 / p) for p in (2, 4, 8)] + [y[y.sum(-1) >= np.quantile(y.sum(-1), 0.99)].mean(0)]
    g = [ndimage.gaussian_filter(lin[..., c], (0, 1, 1)) for c in range(3)]
    gm = np.stack([np.hypot(ndimage.sobel(q, 1), ndimage.sobel(q, 2))[ok] for q in g], -1).astype(np.float64) + 1e-9
    es += [(gm ** p).mean(0) ** (1 / p) for p in (1, 2, 6)] + [np.exp(np.log(y).mean(0))]
    return np.array([v for e in es for v in (np.log(e[0] / e[1]), np.log(e[2] / e[1]))])

def scenes(seeds, frames):
    X, y, est = [], [], []
    for s in seeds:
        spec = sample_spec(s, movements=['static'], size=(128, 72), frames=frames)
        x, _ = render_clip(spec)
        X.append(stats(x)); y.append(1e6 / spec.color_temp); est.append(color_temperature(x, transfer=2.2))
    return np.array(X), np.array(y), np.array(est)

if __name__ == '__main__':
    Xt, yt, _ = scenes(range(1000, 1400), 1)
    Xe, ye, est = scenes(range(60), 2)
    A = np.c_[Xt, np.ones(len(Xt))]
    for lam in (1e-3, 1e-1, 1.0):
        w = np.linalg.solve(A.T @ A + lam * np.eye(A.shape[1]), A.T @ yt)
        p = np.c_[Xe, np.ones(len(Xe))] @ w
        print(f"ridge (lambda {lam:g}) trained on 400 SynthCine scenes: pooled rho {spearmanr(ye, p)[0]:.3f}, "
              f"mean |error| {np.abs(p - ye).mean():.1f} mired")
    print(f"color_temperature (shades of grey), same 60 scenes: pooled rho {spearmanr(-ye, est)[0]:.3f}")
