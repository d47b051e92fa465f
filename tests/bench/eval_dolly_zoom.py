"""Dolly versus zoom on SynthCine, by how much depth the shot shows.

A dolly differs from a zoom in the pixels only where the visible scene has depth: the nearer content grows faster.
For each zoom_in/zoom_out/dolly_in/dolly_out clip (`sample_spec` draws everything else) this prints what
`camera_motion` calls it, and groups the clips by the spread of inverse depth over the first frame
(std / median of 1/z, from the renderer): below about 0.3 a dolly is a zoom in the pixels. A second, physical
grouping is the *visible parallax*: from the rendered depth and the camera path, where every edge pixel of the first
frame lands in the last one (pixels the last frame no longer sees, hidden behind nearer content, left out); a similarity (zoom, rotation, shift) is fitted to those motions, and what it leaves, as
the median over the edge pixels still in frame, is motion that no zoom can make (px over the clip). A zoom leaves 0.
Unlike the spread, it also sees a slanted surface (a facade from below, the ground from above), whose dolly
magnifies one side of the frame faster than the other.

    OMP_NUM_THREADS=1 .venv/bin/python tests/bench/eval_dolly_zoom.py --first-seed 3000 --n 40 [--json out.json]

Seeds 2000-2039 were used while developing the parallax step (session 3), the two-layer reading (session 7) and
the keystone threshold (session 8); 3000-3039 and 4000-4099 (--n 100) were measured before, and 5000-5099 were
first run in session 8, after the keystone threshold had been fixed. Session 10 developed the seen-still check and
the radial field on 6000-6099 and 7000-7099 and then ran 8000-8099, 9000-9099, 10000-10099 and 11000-11099 once, fresh.
Session 11 (the fine grid) checked 4000-7099 and then ran 12000-12099 and 13000-13099 once, fresh. Session 12 made the
visible parallax occlusion-aware (only pixels the last frame still sees; the old measure is kept as `visible_all` in the
JSON) and re-ran 4000, 6000, 12000 and 13000 with the estimator unchanged, then ran 14000-14099 and 15000-15099 fresh. Session 13
chose `still_threshold` (pixels seen to hold still) on 4000-7099, then ran 12000-15099 again and 16000-19099 fresh. `--keystone-threshold inf` measures without
the keystone cue.
"""
import os, json, math, time, argparse
os.environ.setdefault('OMP_NUM_THREADS', '1')
import numpy as np
from scipy import ndimage
from cinebench.synth import sample_spec, render_clip, render_layers, frame_times, camera_path
from cinebench.measure import camera_motion

BINS = [(0, 0.1), (0.1, 0.3), (0.3, 1.0), (1.0, np.inf)]
VIS_BINS = [(0, 0.5), (0.5, 2), (2, 4), (4, np.inf)]

def _homography_residual(u0, v0, u1, v1):
    "Distances (px) from (u1, v1) to the points (u0, v0) mapped by the least-squares homography (normalised DLT)."
    def norm(u, v):
        mu, mv = u.mean(), v.mean(); s = math.sqrt(2) / max(np.hypot(u - mu, v - mv).mean(), 1e-9)
        return np.array([[s, 0, -s * mu], [0, s, -s * mv], [0, 0, 1]])
    T0, T1 = norm(u0, v0), norm(u1, v1)
    p0 = T0 @ np.stack([u0, v0, np.ones_like(u0)]); p1 = T1 @ np.stack([u1, v1, np.ones_like(u1)])
    x, y, X, Y = p0[0], p0[1], p1[0], p1[1]; o, z = np.ones_like(x), np.zeros_like(x)
    A = np.concatenate([np.stack([x, y, o, z, z, z, -X * x, -X * y, -X], 1), np.stack([z, z, z, x, y, o, -Y * x, -Y * y, -Y], 1)])
    Hm = np.linalg.inv(T1) @ np.linalg.svd(A, full_matrices=False)[2][-1].reshape(3, 3) @ T0
    q = Hm @ np.stack([u0, v0, np.ones_like(u0)])
    return np.hypot(q[0] / q[2] - u1, q[1] / q[2] - v1)

def visible_parallax(spec, frame0, min_step=3.0, tol=0.02, model='similarity'):
    """`(seen, all)`: median over the first frame's edge pixels (Sobel step > `min_step` levels/px) still in the last
    frame of the motion over the clip that the best similarity leaves (px); with `model='homography'`, what the best
    homography leaves: a camera that only turns (pan, tilt, roll) moves the image by a homography, so that is the
    parallax of a truck or pedestal (`eval_truck_pan.py`).
    `seen` counts only pixels the last frame still sees: its rendered depth where the point lands is not nearer than the
    point (within `tol`). `all` also counts hidden ones, background that a dolly-in covers with the subject: parallax
    that no frame shows (the measure before session 12)."""
    t = frame_times(spec)[[0, -1]]
    _, dep, _ = render_layers(spec, t); z = dep[0].astype(np.float64)
    cam = camera_path(spec, t)
    H, W = z.shape; v, u = np.mgrid[0:H, 0:W].astype(np.float64)
    X = cam['position'][0] + z[..., None] * (np.stack([u, v, np.ones_like(u)], -1) @ cam['M'][0].T) # world points of frame 0
    xc = X @ cam['R'][1].T + cam['tvec'][1]; q = xc @ cam['K'][1].T # ... seen from the last frame's camera
    g = frame0[..., 1].astype(np.float32)
    ok = (xc[..., 2] > 0.05) & (np.hypot(ndimage.sobel(g, 0), ndimage.sobel(g, 1)) / 8 > min_step)
    u1, v1 = q[..., 0][ok] / q[..., 2][ok], q[..., 1][ok] / q[..., 2][ok]
    inside = (u1 >= 0) & (u1 <= W - 1) & (v1 >= 0) & (v1 <= H - 1)
    zi = dep[1][np.clip(np.rint(v1), 0, H - 1).astype(int), np.clip(np.rint(u1), 0, W - 1).astype(int)]
    seen = inside & (xc[..., 2][ok] <= zi * (1 + tol) + 1e-3) # the last frame's surface where the point lands is not in front of it
    def residual(m):
        u0, v0, ua, va = u[ok][m], v[ok][m], u1[m], v1[m]
        if u0.size < 50: return 0.0
        n = u0.size
        if model == 'homography': return float(np.median(_homography_residual(u0, v0, ua, va)))
        A = np.concatenate([np.stack([u0, -v0, np.ones(n), np.zeros(n)], 1), np.stack([v0, u0, np.zeros(n), np.ones(n)], 1)])
        y = np.concatenate([ua, va])
        p = np.linalg.lstsq(A, y, rcond=None)[0]
        return float(np.median(np.hypot(*(A @ p - y).reshape(2, -1))))
    return residual(seen), residual(inside)
MOVES = ('zoom_in', 'zoom_out', 'dolly_in', 'dolly_out')
fam = lambda m: m.split('_')[0]

def run(first_seed, n, size, **kw):
    rows = []
    for mv in MOVES:
        for seed in range(first_seed, first_seed + n):
            spec = sample_spec(seed, movements=[mv], size=size, frames=16)
            x = render_clip(spec)[0]
            m = camera_motion(x, **kw)
            _, dep, _ = render_layers(spec, frame_times(spec)[:1]); iz = 1 / dep[0] # frame 0 alone: SynthCine culls roofs by the batch's highest camera
            seen, hidden_too = visible_parallax(spec, x[0])
            rows.append(dict(movement=mv, seed=seed, pred=m.label, parallax_zoom=m.parallax_zoom, keystone=m.keystone, still_share=m.still_share, zoom=m.zoom,
                             spread=float(iz.std() / np.median(iz)), visible=seen, visible_all=hidden_too, angle=spec.angle,
                             framing=spec.framing))
    return rows

def read_as(rows, moves, fam):
    "Per movement: how many read as its family, and what each was read as."
    for mv in moves:
        xs = [r for r in rows if r['movement'] == mv]
        got = {p: sum(r['pred'] == p for r in xs) for p in sorted({r['pred'] for r in xs})}
        print(f"{mv:13s} right family {sum(fam(r['pred']) == fam(mv) for r in xs)}/{len(xs)}  read as {got}")

def by_visible(rows, fam, par, rot, bins=VIS_BINS):
    "Per visible-parallax bin: how many clips of the parallax family `par` and of the rotation family `rot` read as their family."
    print(f'visible parallax (px) | {par} read as {par} | {rot} read as {rot}')
    for lo, hi in bins:
        d = [r for r in rows if lo <= r['visible'] < hi and fam(r['movement']) == par]
        z = [r for r in rows if lo <= r['visible'] < hi and fam(r['movement']) == rot]
        print(f"[{lo}, {hi}) | {sum(fam(r['pred']) == par for r in d)}/{len(d)} | {sum(fam(r['pred']) == rot for r in z)}/{len(z)}")

def report(rows):
    read_as(rows, MOVES, fam)
    print('inverse-depth spread | dollies read as dolly | dollies read as static | zooms read as zoom')
    for lo, hi in BINS:
        d = [r for r in rows if lo <= r['spread'] < hi and fam(r['movement']) == 'dolly']
        z = [r for r in rows if lo <= r['spread'] < hi and fam(r['movement']) == 'zoom']
        print(f"[{lo}, {hi}) | {sum(fam(r['pred']) == 'dolly' for r in d)}/{len(d)} | {sum(r['pred'] == 'static' for r in d)}"
              f" | {sum(fam(r['pred']) == 'zoom' for r in z)}/{len(z)}")
    by_visible(rows, fam, 'dolly', 'zoom')
    ok = sum(fam(r['pred']) == fam(r['movement']) for r in rows)
    deep = [r for r in rows if r['spread'] >= 0.3]
    print(f"dolly vs zoom (family right): all clips {ok}/{len(rows)} = {ok / len(rows):.1%}; "
          f"spread >= 0.3: {sum(fam(r['pred']) == fam(r['movement']) for r in deep)}/{len(deep)}")
    vis = [r for r in rows if fam(r['movement']) == 'zoom' or r['visible'] >= 2]
    print(f"zooms, and dollies with visible parallax >= 2 px: {sum(fam(r['pred']) == fam(r['movement']) for r in vis)}/{len(vis)}"
          f" = {sum(fam(r['pred']) == fam(r['movement']) for r in vis) / len(vis):.1%}")

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--first-seed', type=int, default=3000); ap.add_argument('--n', type=int, default=40)
    ap.add_argument('--size', default='256x144'); ap.add_argument('--json')
    ap.add_argument('--keystone-threshold', type=float, default=None, help="camera_motion's keystone_threshold (inf: without the keystone cue)")
    a = ap.parse_args()
    t0 = time.perf_counter()
    kw = {} if a.keystone_threshold is None else dict(keystone_threshold=a.keystone_threshold)
    rows = run(a.first_seed, a.n, tuple(map(int, a.size.split('x'))), **kw)
    print(f"SynthCine {a.size}, 16 frames, seeds {a.first_seed}-{a.first_seed + a.n - 1}, {time.perf_counter() - t0:.0f} s")
    report(rows)
    if a.json: json.dump(rows, open(a.json, 'w'), indent=1)
