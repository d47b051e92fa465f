"""Physical-property estimators of `cinebench.measure` against known parameters: Spearman rho per property.

* colour temperature: real photographs re-lit from 6500 K to K (Bradford), 8 photographs x 8 temperatures; and
  SynthCine clips (random scenes, `color_temp` drawn by `sample_spec`, 3000-10000 K), plus per-scene sweeps;
* motion blur: SynthCine pans/tilts (seeds 100-139) with the shutter swept over its range (1/2000-1/24 s at 24 fps),
  against the renderer's image motion during the exposure (px), per scene and pooled; scenes with too little fine
  detail for blur to be seen (the estimator returns nan) are counted and left out; real photographs panned with a box
  blur of known length;
* defocus: real photographs with one half blurred by a known Gaussian; SynthCine close/medium/long shots of a figure,
  85 mm, focus on the subject, aperture swept f/1.4-f/22, per region against the rendered circle of confusion / 4 at
  the pixels where the all-sharp render has edges (768x432, and 256x144 where most of the blur is below a pixel);
  also against the *occlusion-aware* truth, the least rendered sigma within 1 px of the edge pixel: the renderer blurs
  each pixel by its own circle of confusion, so the edge between a sharp and a blurred surface is drawn sharp;
* defocus by depth band (`defocus_by_depth` with the rendered depth map): the same sweeps, per band of equal width in
  inverse depth, truth the median rendered sigma of the band's pixels off depth discontinuities.

    OMP_NUM_THREADS=1 .venv/bin/python tests/bench/eval_physical.py --only defocus --first-seed 12 --scenes 24 [--calibration texture]

    OMP_NUM_THREADS=1 .venv/bin/python tests/bench/eval_physical.py [--quick] [--json out.json]
"""
import os, json, time, argparse
os.environ.setdefault('OMP_NUM_THREADS', '1')
import numpy as np
from scipy import ndimage
from scipy.stats import spearmanr
from cinebench.measure import (PHOTOS, photo, relight, color_temperature, motion_blur, defocus, _edge_var,
                               defocus_by_depth, depth_bands)

def rho(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float); ok = np.isfinite(a) & np.isfinite(b)
    return float(spearmanr(a[ok], b[ok])[0]) if ok.sum() > 2 else float('nan')

def color_photos(n):
    Ks = [2500, 3000, 3500, 4500, 5500, 6500, 8000, 10000]
    t, e, per = [], [], []
    for name in PHOTOS[:n]:
        im = photo(name); est = [color_temperature(relight(im, K)) for K in Ks]
        t += Ks; e += est; per.append(rho(Ks, est))
    err = 1e6 / np.array(e) - 1e6 / np.array(t)
    return dict(rho=rho(t, e), rho_per_photo_min=min(per), mae_mired=float(np.abs(err).mean()),
                median_err_mired=float(np.median(err)), n=len(t))

def color_synth(n, sweeps):
    from cinebench.synth import sample_spec, render_clip
    K, E = [], []
    for seed in range(n):
        spec = sample_spec(seed, movements=['static'], size=(128, 72), frames=2)
        x, _ = render_clip(spec); K.append(spec.color_temp); E.append(color_temperature(x, transfer=2.2))
    err = 1e6 / np.array(E) - 1e6 / np.array(K)
    per = []
    for seed in range(sweeps):
        Ks = [3000, 4000, 5000, 6500, 8000, 10000]
        per.append(rho(Ks, [color_temperature(render_clip(sample_spec(seed, movements=['static'], size=(128, 72), frames=2, color_temp=k))[0], transfer=2.2) for k in Ks]))
    return dict(rho_pooled=rho(K, E), mae_mired=float(np.abs(err).mean()), n=n, rho_per_scene_sweep_min=min(per),
                rho_per_scene_sweep_mean=float(np.mean(per)), sweeps=sweeps)

def blur_synth(scenes, first_seed=100):
    "Shutter sweeps over random SynthCine pans/tilts: estimate vs the renderer's own image motion in one exposure (px)."
    from cinebench.synth import sample_spec, render_clip, _probe_motion
    SH = [1/2000, 1/1000, 1/500, 1/250, 1/125, 1/60, 1/30, 1/24]
    rows, per, skipped = [], [], 0
    for seed in range(first_seed, first_seed + scenes):
        mv = ['pan_left', 'tilt_up', 'pan_right', 'tilt_down'][seed % 4]
        r = []
        for sh in SH:
            spec = sample_spec(seed, movements=[mv], size=(256, 144), frames=6, fps=24, shutter=sh, move_amount=0.5 * 5 / 15)
            q = motion_blur(render_clip(spec)[0], fps=24); r.append((seed, sh, _probe_motion(spec), q.blur))
        ok = [x for x in r if np.isfinite(x[3])]
        if len(ok) < 5: skipped += 1; continue # too little fine detail to see blur (the estimator says nan)
        per.append(rho([x[2] for x in ok], [x[3] for x in ok])); rows += ok
    a = np.array(rows); big = a[:, 2] >= 1.0
    per = np.nan_to_num(per, nan=0.0) # a sweep read as constant counts as a failure
    return dict(rho_per_scene_mean=float(np.mean(per)), rho_per_scene_median=float(np.median(per)),
                share_scenes_rho_ge_0_9=float(np.mean(per >= 0.9)), rho_pooled_true_blur=rho(a[:, 2], a[:, 3]),
                rho_pooled_true_blur_ge_1px=rho(a[big, 2], a[big, 3]), rho_pooled_shutter=rho(a[:, 1], a[:, 3]),
                scenes=scenes, scenes_not_measurable=skipped, clips=len(rows))

def blur_photos(n):
    rows, per = [], []
    for name in PHOTOS[:n]:
        img = photo(name); h, w = img.shape[:2]
        img = img[h // 2 - 72:h // 2 + 72, w // 2 - 128:w // 2 + 128].astype(np.float32)
        es = [0.0, 0.1, 0.25, 0.5, 0.75, 1.0]
        est = []
        for e in es:
            fr = [np.mean([ndimage.shift(img, (0, -6 * (t + (k + .5) / 16 * e), 0), order=1, mode='mirror') for k in range(16)], 0) for t in range(4)]
            est.append(motion_blur(np.clip(np.stack(fr), 0, 255).round().astype(np.uint8), fps=24).blur)
        per.append(rho(es, est)); rows += list(zip([6 * e for e in es], est))
    a = np.array(rows)
    return dict(rho_blur_px_pooled=rho(a[:, 0], a[:, 1]), rho_per_photo_min=min(per), n=len(rows))

def defocus_photos(n, calibration='edge'):
    t, e = [], []
    for name in PHOTOS[:n]:
        im = photo(name)[::2, ::2].copy(); W = im.shape[1] // 2
        for s in (0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0):
            b = im.copy(); b[:, W:] = ndimage.gaussian_filter(im.astype(np.float32), (s, s, 0))[:, W:].round().astype(np.uint8)
            m = defocus(b, grid=(2, 2), calibration=calibration); t += [s, s, 0, 0]; e += [m[0, 1], m[1, 1], m[0, 0], m[1, 0]]
    t, e = np.array(t), np.array(e); ok = np.isfinite(e)
    rel = np.abs(e[ok & (t > 0)] - t[ok & (t > 0)]) / t[ok & (t > 0)]
    return dict(rho=rho(t, e), median_rel_error_blurred=float(np.median(rel)), n=int(ok.sum()))

def _sweep_stats(rows, key, est, truth, prefix=''):
    "Spearman rho per sweep (rows sharing `key`), over sweeps whose truth spans at least 0.5 px; a constant estimate counts as 0."
    groups = {}
    for r in rows: groups.setdefault(tuple(r[k] for k in key), []).append(r)
    per, reach1 = [], []
    for g in groups.values():
        g = [r for r in g if np.isfinite(r[est]) and np.isfinite(r[truth])]
        if len(g) < 5: continue
        t, e = np.array([r[truth] for r in g]), np.array([r[est] for r in g])
        if np.ptp(t) < 0.5: continue
        per.append(rho(t, e) if np.ptp(e) > 0 else 0.0); reach1.append(t.max() >= 1.0)
    per, reach1 = np.array(per), np.array(reach1, bool)
    return {f'{prefix}sweeps': len(per), f'{prefix}rho_mean': float(np.mean(per)), f'{prefix}rho_median': float(np.median(per)),
            f'{prefix}share_rho_ge_0_9': float(np.mean(per >= 0.9)),
            f'{prefix}rho_mean_sweeps_reaching_1px': float(np.mean(per[reach1])) if reach1.any() else float('nan'),
            f'{prefix}sweeps_reaching_1px': int(reach1.sum())}

def _aperture_sweeps(scenes, size, first_seed):
    "Yield (seed, f-number, frames, depth (H,W), rendered sigma (H,W), all-sharp edge mask) over aperture sweeps."
    from cinebench.synth import sample_spec, render_clip, render_layers, frame_times, coc_pixels, SENSOR_HEIGHT_MM
    NS = [1.4, 2, 2.8, 4, 5.6, 8, 11, 16, 22]
    for seed in range(first_seed, first_seed + scenes):
        kw = dict(movements=['static'], size=size, frames=1, shutter=1/1000, focus_distance='subject', focal_mm=85.0,
                  framing=['medium_shot', 'close_up', 'long_shot'][seed % 3], subject='figure')
        s0 = sample_spec(seed, aperture=22, **kw)
        _, depth, _ = render_layers(s0, frame_times(s0)[:1])
        seen = np.isfinite(_edge_var(render_clip(s0)[0][0, ..., 1].astype(np.float32)))
        for N in NS:
            spec = sample_spec(seed, aperture=N, **kw)
            st = coc_pixels(depth[0], spec.focal_mm / SENSOR_HEIGHT_MM * spec.height, spec.height, N, spec.focus_distance) / 4
            yield seed, N, render_clip(spec)[0], depth[0], st, seen

def defocus_synth(scenes, size=(768, 432), first_seed=0, calibration='edge'):
    """Aperture sweeps (f/1.4-f/22, 85 mm, focus on the subject) over random SynthCine scenes, per region of a 3x4 grid.
    Truth per region: the rendered blur sigma (circle of confusion / 4) at the pixels where the all-sharp render has edges,
    i.e. the blur of the content an estimator can see; regions without such edges are left out. The occlusion-aware
    truth takes, at each of those pixels, the least sigma within 1 px (the sharp side of an occlusion edge)."""
    grid = (3, 4); rows = []
    for seed, N, x, depth, st, seen in _aperture_sweeps(scenes, size, first_seed):
        m = defocus(x, grid, calibration=calibration); H, W = st.shape; st3 = ndimage.minimum_filter(st, 3)
        for i in range(grid[0]):
            for j in range(grid[1]):
                sl = (slice(i * H // grid[0], (i + 1) * H // grid[0]), slice(j * W // grid[1], (j + 1) * W // grid[1]))
                e = seen[sl]; ok = e.sum() >= 20
                rows.append(dict(seed=seed, i=i, j=j, N=N, est=m[i, j], truth=np.median(st[sl][e]) if ok else np.nan,
                                 occl=np.median(st3[sl][e]) if ok else np.nan))
    a = np.array([(r['est'], r['truth']) for r in rows]); ok = np.isfinite(a).all(1)
    return dict(**_sweep_stats(rows, ('seed', 'i', 'j'), 'est', 'truth', 'region_'), **_sweep_stats(rows, ('seed', 'i', 'j'), 'est', 'occl', 'region_occlusion_aware_'),
                rho_pooled=rho(a[ok, 1], a[ok, 0]), n=int(ok.sum()), size=f'{size[0]}x{size[1]}', seeds=f'{first_seed}-{first_seed + scenes - 1}')

def defocus_depth_synth(scenes, size=(768, 432), first_seed=0, bands=10, calibration='edge'):
    "The same sweeps measured by depth band (`defocus_by_depth` given the rendered depth): truth is each band's median rendered sigma."
    rows = []
    for seed, N, x, depth, st, seen in _aperture_sweeps(scenes, size, first_seed):
        d = defocus_by_depth(x, depth, bands=bands, calibration=calibration); b, _ = depth_bands(depth, bands)
        for k in range(bands):
            m = b == k
            rows.append(dict(seed=seed, band=k, N=N, est=d.sigma[k], truth=np.median(st[m]) if m.any() else np.nan))
    return dict(**_sweep_stats(rows, ('seed', 'band'), 'est', 'truth', 'band_'), size=f'{size[0]}x{size[1]}', seeds=f'{first_seed}-{first_seed + scenes - 1}')

if __name__ == '__main__':
    ap = argparse.ArgumentParser(); ap.add_argument('--quick', action='store_true'); ap.add_argument('--json')
    ap.add_argument('--only', default='', help='run only the checks whose name contains this, e.g. defocus')
    ap.add_argument('--first-seed', type=int, default=0, help='first SynthCine scene of the defocus sweeps')
    ap.add_argument('--scenes', type=int, default=None, help='defocus sweep scenes (default 12, 2 with --quick)')
    ap.add_argument('--calibration', default='edge', help="defocus calibration: 'edge' (ideal step) or 'texture' (fine textures)")
    a = ap.parse_args()
    q = a.quick
    nd = a.scenes or (2 if q else 12)
    out = {}
    for name, fn in [('color_temperature/photos', lambda: color_photos(3 if q else 8)),
                     ('color_temperature/synthcine', lambda: color_synth(12 if q else 60, 2 if q else 20)),
                     ('motion_blur/photos', lambda: blur_photos(2 if q else 8)),
                     ('motion_blur/synthcine', lambda: blur_synth(4 if q else 40)),
                     ('defocus/photos', lambda: defocus_photos(2 if q else 8, a.calibration)),
                     ('defocus/synthcine', lambda: defocus_synth(nd, first_seed=a.first_seed, calibration=a.calibration)),
                     ('defocus/synthcine@256x144', lambda: defocus_synth(nd, size=(256, 144), first_seed=a.first_seed, calibration=a.calibration)),
                     ('defocus/synthcine-by-depth', lambda: defocus_depth_synth(nd, first_seed=a.first_seed, calibration=a.calibration))]:
        if a.only not in name: continue
        t0 = time.perf_counter(); out[name] = fn()
        print(f"{name:28s} {json.dumps(out[name])}  ({time.perf_counter() - t0:.0f} s)", flush=True)
    if a.json: json.dump(out, open(a.json, 'w'), indent=1)
