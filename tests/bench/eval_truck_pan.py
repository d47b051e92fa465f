"""Truck versus pan (and pedestal versus tilt) on SynthCine, by how much parallax the shot shows.

`camera_motion(..., extended=True)` calls a pan- or tilt-like motion a truck or pedestal when `parallax_pan` (residual
motion along the translation, over the translation) is above `parallax_threshold`. A truck differs from a pan in the
pixels only where the visible scene has depth: nearer content drifts faster. The yardstick is the visible parallax of
`eval_dolly_zoom.py` with a homography in place of the similarity (a camera that only turns moves the image by a
homography; what the best one leaves over the clip, as the median over the first frame's edge pixels that the last
frame still sees, is parallax; a pan leaves 0). For each clip this prints what the estimator calls it; the family
(pan / truck, tilt / pedestal) is scored over the pans and tilts and over the trucks and pedestals with at least 2 px
of visible parallax.

    OMP_NUM_THREADS=1 .venv/bin/python tests/bench/eval_truck_pan.py --first-seed 20000 --n 50 [--json out.json]

Session 13 wrote it and ran it on 20000-20049 and 21000-21049 (first rendered for it) with the estimator of session 12:
230/307 and 213/293. Then it developed `PAN_TEXTURE` on 20000-20049 and ran 22000-22049 and 23000-23049 fresh
(notebook 06).
"""
import os, json, time, argparse
os.environ.setdefault('OMP_NUM_THREADS', '1')
import numpy as np
from cinebench.synth import sample_spec, render_clip
from cinebench.measure import camera_motion
from eval_dolly_zoom import visible_parallax, read_as, by_visible

MOVES = ('pan_left', 'pan_right', 'truck_left', 'truck_right', 'tilt_up', 'tilt_down', 'pedestal_up', 'pedestal_down')
FAMILY = {'pan': 'pan', 'truck': 'truck', 'tilt': 'pan', 'pedestal': 'truck'} # rotation vs translation
fam = lambda m: FAMILY.get(m.split('_')[0], m.split('_')[0])

def run(first_seed, n, size):
    rows = []
    for mv in MOVES:
        for seed in range(first_seed, first_seed + n):
            spec = sample_spec(seed, movements=[mv], size=size, frames=16)
            x = render_clip(spec)[0]
            m = camera_motion(x, extended=True)
            seen, _ = visible_parallax(spec, x[0], model='homography')
            rows.append(dict(movement=mv, seed=seed, pred=m.label, parallax_pan=m.parallax_pan, visible=seen,
                             angle=spec.angle, framing=spec.framing))
    return rows

def report(rows):
    read_as(rows, MOVES, fam) # family: 'pan' for pans and tilts (the camera turns), 'truck' for trucks and pedestals (it moves)
    by_visible(rows, fam, 'truck', 'pan')
    vis = [r for r in rows if fam(r['movement']) == 'pan' or r['visible'] >= 2]
    ok = sum(fam(r['pred']) == fam(r['movement']) for r in vis)
    print(f"pans and tilts, and trucks and pedestals with visible parallax >= 2 px, family right: {ok}/{len(vis)} = {ok / len(vis):.1%}")
    ex = sum(r['pred'] == r['movement'] for r in vis)
    print(f"the same, exact label (direction and axis too): {ex}/{len(vis)} = {ex / len(vis):.1%}")

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--first-seed', type=int, default=20000); ap.add_argument('--n', type=int, default=50)
    ap.add_argument('--size', default='256x144'); ap.add_argument('--json')
    a = ap.parse_args()
    t0 = time.perf_counter()
    rows = run(a.first_seed, a.n, tuple(map(int, a.size.split('x'))))
    print(f"SynthCine {a.size}, 16 frames, seeds {a.first_seed}-{a.first_seed + a.n - 1}, {time.perf_counter() - t0:.0f} s")
    report(rows)
    if a.json: json.dump(rows, open(a.json, 'w'), indent=1)
