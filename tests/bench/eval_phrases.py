"""Which words of a wording family CameraCLIP understands: per-phrase accuracy on a held-out pool.

For every phrase of the family (framing, angle and movement), 20 captions use it, with the other two groups' phrases
and the sentence shape drawn at random from the same family (subject 'the scene'). A caption scores 1 when the top
clip of the pool has that phrase's label in its group. Prints the mean per group and the phrases below 0.5; writes
every phrase's score with --json.

    OMP_NUM_THREADS=1 .venv/bin/python tests/bench/eval_phrases.py DATA_DIR [--model DIR] [--wording heldout2] [--json F]

DATA_DIR: a held-out `synth` folder (e.g. seed 3 for choosing, seed 2 for reporting); --model: a CameraCLIP folder
(default: the embedded model).
"""
import os, sys, json, random, argparse, warnings
os.environ.setdefault('OMP_NUM_THREADS', '1')
warnings.filterwarnings('ignore')
import numpy as np, torch; torch.set_num_threads(1)
from cinebench.cameraclip import CameraCLIP, _pool, clip_labels
from cinebench.taxonomy import _SYN, _TEMPLATES, _a, valid_keys, WORDINGS

def phrase_scores(model, clips, recs, wording:str, n:int=20, seed:int=0) -> dict:
    "`{'group|label|phrase': accuracy}` over `n` captions per phrase."
    with torch.no_grad(): V = model.encode_video(clips)
    labs, syn, tem, rng, out = [clip_labels(r) for r in recs], _SYN[wording], _TEMPLATES[wording], random.Random(seed), {}
    keys = {g: valid_keys(g) for g in ('framing', 'angle', 'movement')}
    for g in keys:
        for k in keys[g]:
            for p in syn[k]:
                caps = []
                for _ in range(n):
                    w = {h: p if h == g else rng.choice(syn[rng.choice(keys[h])]) for h in keys}
                    t = rng.choice(tem).format(F=w['framing'], A=w['angle'], aF=_a(w['framing']), aA=_a(w['angle']), M=w['movement'], S='the scene')
                    caps.append(t[:1].upper() + t[1:])
                with torch.no_grad(): top = (model.encode_text(caps) @ V.T).argmax(1).tolist()
                out[f"{g}|{k}|{p}"] = float(np.mean([getattr(labs[j], g) == k for j in top]))
    return out

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('data'); ap.add_argument('--model', default=None); ap.add_argument('--wording', default='heldout2', choices=list(WORDINGS))
    ap.add_argument('--pool', type=int, default=1000); ap.add_argument('--json', default=None)
    a = ap.parse_args()
    m = CameraCLIP.from_pretrained(a.model)
    clips, recs, _ = _pool(a.data, m, a.pool, 0)
    s = phrase_scores(m, clips, recs, a.wording)
    for g in ('framing', 'angle', 'movement'):
        v = {k: x for k, x in s.items() if k.startswith(g + '|')}
        print(f"{g:9} mean {np.mean(list(v.values())):.3f}; below 0.5: " + ', '.join(f"{k.split('|')[2]} ({x:.2f})" for k, x in sorted(v.items(), key=lambda t: t[1]) if x < 0.5))
    if a.json: open(a.json, 'w').write(json.dumps(s, indent=1))
