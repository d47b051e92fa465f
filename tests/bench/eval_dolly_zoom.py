"""Dolly versus zoom on SynthCine, by how much depth the shot shows.

A dolly differs from a zoom in the pixels only where the visible scene has depth: the nearer content grows faster.
For each zoom_in/zoom_out/dolly_in/dolly_out clip (`sample_spec` draws everything else) this prints what
`camera_motion` calls it, and groups the clips by the spread of inverse depth over the first frame
(std / median of 1/z, from the renderer): below about 0.3 a dolly is a zoom in the pixels.

    OMP_NUM_THREADS=1 .venv/bin/python tests/bench/eval_dolly_zoom.py --first-seed 3000 --n 40 [--json out.json]

Seeds 2000-2039 were used while developing the parallax step (session 3) and the two-layer reading (session 7);
3000-3039 and 4000-4099 (--n 100) were only measured.
"""
import os, json, time, argparse
os.environ.setdefault('OMP_NUM_THREADS', '1')
import numpy as np
from cinebench.synth import sample_spec, render_clip, render_layers, frame_times
from cinebench.measure import camera_motion

BINS = [(0, 0.1), (0.1, 0.3), (0.3, 1.0), (1.0, np.inf)]
MOVES = ('zoom_in', 'zoom_out', 'dolly_in', 'dolly_out')
fam = lambda m: m.split('_')[0]

def run(first_seed, n, size):
    rows = []
    for mv in MOVES:
        for seed in range(first_seed, first_seed + n):
            spec = sample_spec(seed, movements=[mv], size=size, frames=16)
            m = camera_motion(render_clip(spec)[0])
            _, dep, _ = render_layers(spec, frame_times(spec)[:1]); iz = 1 / dep[0]
            rows.append(dict(movement=mv, seed=seed, pred=m.label, parallax_zoom=m.parallax_zoom, zoom=m.zoom,
                             spread=float(iz.std() / np.median(iz)), angle=spec.angle, framing=spec.framing))
    return rows

def report(rows):
    for mv in MOVES:
        xs = [r for r in rows if r['movement'] == mv]
        got = {p: sum(r['pred'] == p for r in xs) for p in sorted({r['pred'] for r in xs})}
        print(f"{mv:9s} right family {sum(fam(r['pred']) == fam(mv) for r in xs)}/{len(xs)}  read as {got}")
    print('inverse-depth spread | dollies read as dolly | dollies read as static | zooms read as zoom')
    for lo, hi in BINS:
        d = [r for r in rows if lo <= r['spread'] < hi and fam(r['movement']) == 'dolly']
        z = [r for r in rows if lo <= r['spread'] < hi and fam(r['movement']) == 'zoom']
        print(f"[{lo}, {hi}) | {sum(fam(r['pred']) == 'dolly' for r in d)}/{len(d)} | {sum(r['pred'] == 'static' for r in d)}"
              f" | {sum(fam(r['pred']) == 'zoom' for r in z)}/{len(z)}")
    ok = sum(fam(r['pred']) == fam(r['movement']) for r in rows)
    deep = [r for r in rows if r['spread'] >= 0.3]
    print(f"dolly vs zoom (family right): all clips {ok}/{len(rows)} = {ok / len(rows):.1%}; "
          f"spread >= 0.3: {sum(fam(r['pred']) == fam(r['movement']) for r in deep)}/{len(deep)}")

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--first-seed', type=int, default=3000); ap.add_argument('--n', type=int, default=40)
    ap.add_argument('--size', default='256x144'); ap.add_argument('--json')
    a = ap.parse_args()
    t0 = time.perf_counter()
    rows = run(a.first_seed, a.n, tuple(map(int, a.size.split('x'))))
    print(f"SynthCine {a.size}, 16 frames, seeds {a.first_seed}-{a.first_seed + a.n - 1}, {time.perf_counter() - t0:.0f} s")
    report(rows)
    if a.json: json.dump(rows, open(a.json, 'w'), indent=1)
