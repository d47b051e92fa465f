"""Speed of `cinebench.measure.camera_motion` at 256x144 on one core, against the 500 frames/s target and against a
baseline measured in the same run: the same estimator without the reduction to 128x72 (analysis at full resolution).
`zoom+subj` (two moving subjects over `moon`) is the worst case: there the 32-px fit holds under FINE_BELOW of its
blocks and the 16-px grid is fitted too.

    OMP_NUM_THREADS=1 .venv/bin/python tests/bench/bench_camera_motion.py [--frames 96] [--repeats 5]
"""
import os, time, argparse
os.environ.setdefault('OMP_NUM_THREADS', '1')
import numpy as np
from cinebench.measure import camera_motion, virtual_camera, photo

TARGET = 500.0 # frames/s at 256x144, one core (issue 3)

def rate(fn, clip, repeats):
    fn(clip) # warm-up (caches, FFT plans)
    best = 0.0
    for _ in range(repeats):
        t0 = time.perf_counter(); fn(clip); dt = time.perf_counter() - t0
        best = max(best, len(clip) / dt)
    return best

if __name__ == '__main__':
    ap = argparse.ArgumentParser(); ap.add_argument('--frames', type=int, default=96); ap.add_argument('--repeats', type=int, default=5)
    a = ap.parse_args()
    clips = {mv: virtual_camera(photo('astronaut'), mv, sp, frames=a.frames, seed=0)
             for mv, sp in [('pan_left', 0.5), ('zoom_in', 0.01), ('static', 0)]}
    # the worst case: two moving subjects over a plain photograph, where camera_motion also fits its fine grid
    clips['zoom+subj'] = virtual_camera(photo('moon'), 'zoom_in', 0.005, frames=a.frames, subjects=[photo('rocket'), photo('coffee')],
                                        subject_speed=0.006, noise=3, seed=1) # its 32-px fit holds a median 0.56 of the blocks
    print(f"camera_motion, 256x144 uint8 clips of {a.frames} frames, 1 thread, best of {a.repeats}")
    for mv, clip in clips.items():
        ours = rate(camera_motion, clip, a.repeats)
        base = rate(lambda c: camera_motion(c, size=(256, 144)), clip, a.repeats)
        print(f"  {mv:9s} {ours:7.0f} frames/s  = {ours / TARGET:4.2f}x target ({TARGET:.0f})   "
              f"full-resolution baseline {base:6.0f} frames/s  -> reduction is {ours / base:4.1f}x faster")
