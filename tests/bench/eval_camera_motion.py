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
    a = ap.parse_args()
    t0 = time.perf_counter()
    clips = motion_testset(n_photos=a.photos, seed=0)
    t1 = time.perf_counter()
    pred = [camera_motion(c['frames']).label for c in clips]
    t2 = time.perf_counter()
    truth = [c['movement'] for c in clips]
    tab = confusion(truth, pred)
    print(tab['text'])
    print(f"{len(clips)} clips rendered in {t1 - t0:.1f}s, estimated in {t2 - t1:.2f}s")
    bad = [(c['movement'], p, c['photo'], c['condition'], round(c['speed'], 4)) for c, p in zip(clips, pred) if p != c['movement']]
    for b in bad: print('miss:', *b)
    if a.json: json.dump({'accuracy': tab['accuracy'], 'per_movement': tab['per_movement'], 'matrix': tab['matrix'], 'labels': tab['labels']}, open(a.json, 'w'), indent=1)
