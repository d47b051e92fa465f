"""Do text towers carry camera language over to new wordings? Text only, no video.

Captions of random label combinations (5 framings x 5 angles x 11 movements, SynthCine-style subjects) in the
*training* wording family train three linear heads (framing, angle, movement) on a sentence encoder; captions in the
disjoint *held-out* family (new synonyms and sentence shapes, `cinebench.taxonomy.paraphrase(wording='heldout')`)
test them. Printed: held-out accuracy per group and for all three at once, and the same on fresh training-wording
captions. Modes: `frozen` (all-MiniLM-L6-v2 frozen, mean pooled), `lora` (LoRA adapters, rank 16, on its attention
and feed-forward layers), `finetune` (every weight); `--defs N` adds N captions written from the taxonomy's label
definitions (`definition_caption`).

    OMP_NUM_THREADS=1 .venv/bin/python tests/bench/eval_text_towers.py lora --steps 225 --defs 2000

`--encoder DIR` puts another sentence encoder from a local folder in MiniLM's place (e.g. all-mpnet-base-v2, see
`eval_text_knowledge.py`).
"""
import os, argparse, random, time
os.environ.setdefault('OMP_NUM_THREADS', '1')
import numpy as np, torch, torch.nn as nn
from cinebench.taxonomy import paraphrase, ShotLabels, valid_keys
from cinebench.cameraclip import minilm_path, _load_tokenizer, definition_caption

SUBJECTS = ['a grey tower in a paved plaza at night', 'a red car on a desert road', 'a woman on a city street at dusk',
            'an old tree in a misty forest', 'a lighthouse on a rocky coast', 'a child in a sunlit kitchen',
            'a blue boat on a calm lake', 'a statue in a snowy park']

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('mode', choices=['frozen', 'lora', 'finetune'])
    ap.add_argument('--steps', type=int, default=225); ap.add_argument('--defs', type=int, default=0)
    ap.add_argument('--batch', type=int, default=32); ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--encoder', help='a local sentence-encoder folder instead of the packaged all-MiniLM-L6-v2')
    a = ap.parse_args()
    torch.set_num_threads(1); torch.manual_seed(a.seed); rng = random.Random(a.seed)
    from transformers import AutoModel
    F_, A_, M_ = valid_keys('framing'), valid_keys('angle'), valid_keys('movement')
    def make(n, wording, seed):
        out = []
        for k in range(n):
            c = ShotLabels(rng.choice(F_), rng.choice(A_), rng.choice(M_)); s = rng.choice(SUBJECTS)
            t = definition_caption(c, s, seed=seed + k) if wording == 'def' else paraphrase(c, s, seed=seed + k, wording=wording)[0]
            out.append((t, F_.index(c.framing), A_.index(c.angle), M_.index(c.movement)))
        return out
    train = make(6000, 'train', 0) + (make(a.defs, 'def', 10**6) if a.defs else [])
    test_ho, test_tr = make(1000, 'heldout', 5 * 10**6), make(1000, 'train', 7 * 10**6)
    p = a.encoder or minilm_path(); tok = _load_tokenizer(p); enc = AutoModel.from_pretrained(str(p))
    if a.mode == 'lora':
        from peft import LoraConfig, get_peft_model
        enc = get_peft_model(enc, LoraConfig(r=16, lora_alpha=16, lora_dropout=0.1, target_modules=['query', 'key', 'value', 'dense']))
    elif a.mode == 'frozen': enc.requires_grad_(False)
    heads = nn.ModuleList([nn.Linear(enc.config.hidden_size, n) for n in (len(F_), len(A_), len(M_))])
    groups = [{'params': heads.parameters(), 'lr': 3e-3}]
    if a.mode != 'frozen': groups.append({'params': [p for p in enc.parameters() if p.requires_grad], 'lr': 1e-3 if a.mode == 'lora' else 3e-5})
    opt = torch.optim.AdamW(groups, weight_decay=0.01)
    def run(b):
        t = tok([r[0] for r in b], padding=True, truncation=True, max_length=64, return_tensors='pt')
        h = enc(**t).last_hidden_state; m = t['attention_mask'].unsqueeze(-1).float()
        z = (h * m).sum(1) / m.sum(1)
        return [hd(z) for hd in heads]
    @torch.no_grad()
    def acc(data):
        enc.eval(); c = np.zeros(4)
        for i in range(0, len(data), 200):
            b = data[i:i + 200]; o = run(b)
            ok = [o[g].argmax(-1).numpy() == np.array([r[g + 1] for r in b]) for g in range(3)]
            c[:3] += [x.sum() for x in ok]; c[3] += (ok[0] & ok[1] & ok[2]).sum()
        enc.train(); return c / len(data)
    t0 = time.time()
    print(f"text towers: {a.mode}, {len(train)} training captions ({a.defs} from definitions), batch {a.batch}, 1000 test captions per wording")
    for s in range(a.steps):
        b = rng.sample(train, a.batch); o = run(b)
        loss = sum(nn.functional.cross_entropy(o[g], torch.tensor([r[g + 1] for r in b])) for g in range(3))
        opt.zero_grad(); loss.backward(); opt.step()
        if (s + 1) % max(1, a.steps // 3) == 0 or s + 1 == a.steps:
            ho, tr = acc(test_ho), acc(test_tr)
            print(f"step {s + 1:4d}  held-out wording: framing {ho[0]:.3f} angle {ho[1]:.3f} movement {ho[2]:.3f} all three {ho[3]:.3f}"
                  f"  | training wording: all three {tr[3]:.3f}  ({time.time() - t0:.0f} s)", flush=True)
