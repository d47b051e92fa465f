"""Accuracy of `cinebench.measure.camera_motion` on a virtual camera moving over real photographs.

9 movements (static, pan/tilt/zoom/roll both ways) x 8 scikit-image photographs x 3 conditions (clean; moving
subjects + noise; moving subjects + noise + JPEG + hand-held jitter), random speeds (seeded), 16 frames at 256x144.
Prints per-movement accuracy and the confusion matrix.

    OMP_NUM_THREADS=1 .venv/bin/python tests/bench/eval_camera_motion.py [--json out.json]
"""
import os, sys, json, time, argparse
os.environ.setdefault('OMP_NUM_THREADS', '1')
import numpy as np
from cinebench.measure import camera_motion, motion_testset, confusion

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--json', default=None)
    ap.add_argument('--photos', type=int, default=8)
    ap.add_argument('--seed', type=int, default=0, help='test-set seed (speeds, subjects, noise); 0 was used while developing, 1 is held out, 2-6 were first run in session 10; session 11 developed on 0, 2, 7, 8 and ran 13-18 fresh, then 19-24 after FINE_BELOW')
    ap.add_argument('--synth', type=int, default=0, help='also N SynthCine clips per movement (11 movements incl. dolly)')
    ap.add_argument('--size', default='128x72', help='SynthCine frame size WxH')
    ap.add_argument('--keystone-threshold', type=float, default=None, help="camera_motion's keystone_threshold (inf: without the keystone cue)")
    a = ap.parse_args()
    kw = {} if a.keystone_threshold is None else dict(keystone_threshold=a.keystone_threshold)
    if a.synth:
        from cinebench.synth import sample_spec, render_clip, render_layers, frame_times
        from cinebench.taxonomy import valid_keys
        W, H = map(int, a.size.split('x'))
        truth, pred, spread, angle = [], [], [], []
        t0 = time.perf_counter()
        for mv in valid_keys('movement'):
            for seed in range(a.synth):
                spec = sample_spec(1000 + seed, movements=[mv], size=(W, H), frames=16)
                x, _ = render_clip(spec)
                truth.append(mv); pred.append(camera_motion(x, **kw).label); angle.append(spec.angle)
                if mv.startswith(('zoom', 'dolly')): # how much depth there is to see: spread of inverse depth, first frame
                    _, dep, _ = render_layers(spec, frame_times(spec)[:1]); iz = 1 / dep[0]
                    spread.append((mv, pred[-1], float(iz.std() / np.median(iz)), spec.angle))
        tab = confusion(truth, pred)
        print(f"SynthCine {W}x{H}, 16 frames, {a.synth} clips per movement (seeds 1000+), {time.perf_counter() - t0:.0f} s")
        print(tab['text'])
        fam = lambda m: m.split('_')[0]
        dz = [(t, p) for t, p in zip(truth, pred) if fam(t) in ('zoom', 'dolly')]
        ok = sum(fam(p) == fam(t) for t, p in dz)
        print(f"dolly vs zoom (family correct) on SynthCine: {ok}/{len(dz)} = {ok / len(dz):.1%}")
        nb = [(t, p) for t, p, g in zip(truth, pred, angle) if g != 'birds_eye']
        print(f"without bird's-eye clips (a world-vertical pan looking straight down turns the image: a roll on screen): "
              f"{sum(t == p for t, p in nb)}/{len(nb)} = {sum(t == p for t, p in nb) / len(nb):.1%}")
        dzn = [(t, p) for t, p, s, g in spread if g != 'birds_eye']
        print(f"dolly vs zoom without bird's-eye clips (looking down at flat ground a dolly has no parallax): "
              f"{sum(fam(p) == fam(t) for t, p in dzn)}/{len(dzn)}")
        for lo in (0.1, 0.3, 1.0):
            sel = [(t, p) for t, p, s, g in spread if s >= lo]
            if sel: print(f"  clips whose inverse-depth spread >= {lo}: {sum(fam(p) == fam(t) for t, p in sel)}/{len(sel)}")
        if a.photos == 0: raise SystemExit(0)
    t0 = time.perf_counter()
    clips = motion_testset(n_photos=a.photos, seed=a.seed)
    t1 = time.perf_counter()
    pred = [camera_motion(c['frames'], **kw).label for c in clips]
    t2 = time.perf_counter()
    truth = [c['movement'] for c in clips]
    tab = confusion(truth, pred)
    print(tab['text'])
    print(f"{len(clips)} clips rendered in {t1 - t0:.1f}s, estimated in {t2 - t1:.2f}s")
    bad = [(c['movement'], p, c['photo'], c['condition'], round(c['speed'], 4)) for c, p in zip(clips, pred) if p != c['movement']]
    for b in bad: print('miss:', *b)
    if a.json: json.dump({'accuracy': tab['accuracy'], 'per_movement': tab['per_movement'], 'matrix': tab['matrix'], 'labels': tab['labels']}, open(a.json, 'w'), indent=1)
