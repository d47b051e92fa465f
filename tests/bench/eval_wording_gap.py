"""Where CameraCLIP's held-out-wording gap comes from: vocabulary or sentence shape, and which group's words.

Queries for every clip of a held-out pool are worded in mixed families: training synonyms in the held-out sentence
shapes, held-out synonyms in the training shapes, and held-out synonyms for one group only (framing, angle or
movement; the others and the shapes from training). Label-level t2v R@1 and the top clip's per-group accuracy for
each. The mixed families exist only in this script. Then, for each group, the top clip's accuracy on that group per
held-out phrase (queries with held-out words for that group only).

    OMP_NUM_THREADS=1 .venv/bin/python tests/bench/eval_wording_gap.py DATA_DIR [MODEL]

DATA_DIR: a held-out `synth` folder (the reported pool is seed 2); MODEL: a CameraCLIP folder (default: embedded).
"""
import os, sys, warnings
os.environ.setdefault('OMP_NUM_THREADS', '1')
warnings.filterwarnings('ignore')
import torch; torch.set_num_threads(1)
from cinebench import taxonomy as tx
from cinebench.taxonomy import valid_keys
from cinebench.cameraclip import CameraCLIP, evaluate, _pool, heldout_captions, clip_labels

def add_family(name, framing, angle, movement, templates):
    "A caption family: each group's synonyms from the named family, the sentence shapes from `templates`."
    src = {'framing': framing, 'angle': angle, 'movement': movement}
    tx._SYN[name] = {k: tx._SYN[src[g]][k] for g in src for k in valid_keys(g)}
    tx._TEMPLATES[name] = tx._TEMPLATES[templates]

FAMILIES = {  # name: (framing words, angle words, movement words, sentence shapes)
    'train': ('train', 'train', 'train', 'train'),
    'train words, held-out shapes': ('train', 'train', 'train', 'heldout'),
    'held-out words, training shapes': ('heldout', 'heldout', 'heldout', 'train'),
    'held-out framing words only': ('heldout', 'train', 'train', 'train'),
    'held-out angle words only': ('train', 'heldout', 'train', 'train'),
    'held-out movement words only': ('train', 'train', 'heldout', 'train'),
    'heldout': ('heldout', 'heldout', 'heldout', 'heldout'),
}

if __name__ == '__main__':
    data = sys.argv[1]; model = sys.argv[2] if len(sys.argv) > 2 else None
    m = CameraCLIP.from_pretrained(model)
    ec, er, _ = _pool(data, m, 1000, 0)
    print(f"pool {data}: {len(er)} clips, label-level t2v")
    print(f"{'queries':34s} R@1    framing angle  movement (top clip right)")
    for name, fam in FAMILIES.items():
        key = name if name in ('train', 'heldout') else 'mix:' + name
        if key not in tx._TEMPLATES: add_family(key, *fam)
        r = evaluate(m, ec, er, key)
        print(f"{name:34s} {r['t2v_R@1']:.3f}  {r['t2v_top1_framing_acc']:.3f}  {r['t2v_top1_angle_acc']:.3f}  {r['t2v_top1_movement_acc']:.3f}", flush=True)

    V = m.encode_video(ec)
    for g in ('framing', 'angle', 'movement'):
        key = f'mix:held-out {g} words only'
        caps = heldout_captions(er, key, 0)
        top = (m.encode_text(caps) @ V.T).argmax(1).tolist()
        truth = [getattr(clip_labels(r), g) for r in er]
        stats = {}
        for i, (c, t) in enumerate(zip(caps, truth)):
            ph = max((p for p in tx._SYN['heldout'][t] if p.lower() in c.lower()), key=len)
            ok, n = stats.get((t, ph), (0, 0)); stats[(t, ph)] = (ok + (truth[top[i]] == t), n + 1)
        print(f"\n{g}: top clip right, per held-out phrase")
        for (t, ph), (ok, n) in sorted(stats.items(), key=lambda kv: kv[1][0] / kv[1][1]):
            print(f"  {ok / n:.2f}  ({ok:3d}/{n:3d})  {ph!r} = {t}")
