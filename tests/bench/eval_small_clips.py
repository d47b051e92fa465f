"""camera_motion on the embedded model's 32x32 clips: the direct pixel fit against the block fit on 4x upsampled frames.

* virtual camera over the three held-out photographs of `cinebench.pretrain` (12 clips each, 6 movements, 9 frames);
* SynthCine at 32x32 (9 frames) and 64x64 (16 frames), 8 clips per movement (seeds 500-507); at 32x32 the direct fit
  cannot tell dolly from zoom, so there dolly counts as zoom.

    OMP_NUM_THREADS=1 .venv/bin/python tests/bench/eval_small_clips.py
"""
import os
os.environ.setdefault('OMP_NUM_THREADS', '1')
import numpy as np, torch, torch.nn.functional as F
from cinebench.pretrain import heldout_clips
from cinebench.measure import camera_motion, confusion
from cinebench.synth import sample_spec, render_clip

def bicubic4(v):
    x = torch.from_numpy(np.ascontiguousarray(v)).permute(0, 3, 1, 2).float()
    return F.interpolate(x, scale_factor=4, mode='bicubic', align_corners=False).clamp(0, 255).round().byte().permute(0, 2, 3, 1).numpy()

def run(name, clips, truth, family=False):
    for method, prep in (('direct', lambda v: v), ('blocks on 4x bicubic', bicubic4)):
        pred = [camera_motion(prep(c), method='direct' if method == 'direct' else 'blocks') for c in clips]
        lab = [p.label.replace('dolly', 'zoom') if family else p.label for p in pred]
        tr = [t.replace('dolly', 'zoom') if family else t for t in truth]
        acc = np.mean([a == b for a, b in zip(lab, tr)])
        coh = np.mean([p.label != 'static' and p.confidence >= 0.5 for p, t in zip(pred, truth) if t != 'static'])
        print(f"{name}, {method}: accuracy {acc:.1%}, coherent (non-static clips) {coh:.1%}")
        if method == 'direct': print(confusion(tr, lab)['text'])

if __name__ == '__main__':
    clips, _, mv = heldout_clips(per_photo=12)
    run('virtual camera over held-out photographs, 32x32', clips, mv)
    moves = ('static', 'pan_left', 'pan_right', 'tilt_up', 'tilt_down', 'zoom_in', 'zoom_out', 'dolly_in', 'dolly_out', 'roll_cw', 'roll_ccw')
    x = [(render_clip(sample_spec(500 + s, movements=[m], size=(32, 32), frames=9))[0], m) for m in moves for s in range(8)]
    run('SynthCine 32x32 (dolly counted as zoom)', [a for a, _ in x], [m for _, m in x], family=True)
