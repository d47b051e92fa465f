"""What shot-list abbreviations (ECU, CU, MS, LS, HA, LA...) cost CameraCLIP, and what teaching them would buy.

11 of the 108 `'heldout2'` phrases (real usage, written blind) are abbreviations. The held-out rule keeps them out of
training, so no text tower here has seen them, and no general sentence encoder knows that MS means medium shot.

`retrieve` runs `cinebench retrieve` twice on a pool: with the `'heldout2'` queries as they are, and with the family
less its abbreviations (`'heldout2'` minus 11 phrases: the rest of the real-usage test). `train` runs `cinebench
train-clip` with those 11 abbreviations added to the `'train_wide'` family, for a candidate that knows them; its
`'heldout2'` figure is then no longer held out, and only the figure without abbreviations is.

    OMP_NUM_THREADS=1 .venv/bin/python tests/bench/eval_abbreviations.py retrieve --data DIR [--model M] [--json F]
    OMP_NUM_THREADS=1 .venv/bin/python tests/bench/eval_abbreviations.py train --data D1 D2 ... --out DIR --text-from M \\
        --text minilm_lora --motion camera --definitions 2 --steps 300 --batch-size 48 --bank-size 48 --lr 3e-4 --half \\
        --train-wording train_wide --word-dropout 0.15

Session 10 (2-core CPU, one thread): the candidate was the session-9 recipe (model card) with the abbreviations
added, from the session-6 model, 21 min. Figures are in notebook 11's evaluation section.
"""
import os, re, sys, json, argparse, tempfile
os.environ.setdefault('OMP_NUM_THREADS', '1')
from cinebench import taxonomy as T

def _is_abbreviation(p): return re.fullmatch(r'[A-Z]{2,4}', p) is not None

def abbreviations(wording='heldout2') -> dict:
    "label -> the family's phrases that are shot-list abbreviations (2-4 capitals)."
    return {k: ab for k, v in T._SYN[wording].items() if (ab := [p for p in v if _is_abbreviation(p)])}

def retrieve(argv):
    from cinebench.cameraclip import retrieve_cli
    ap = argparse.ArgumentParser(add_help=False); ap.add_argument('--json')
    a, argv = ap.parse_known_args(argv) # everything else goes to `cinebench retrieve`
    full, out = T._SYN['heldout2'], {}
    try:
        for name, syn in (('heldout2', full), ('heldout2 without abbreviations', {k: [p for p in v if not _is_abbreviation(p)] for k, v in full.items()})):
            T._SYN['heldout2'] = syn
            with tempfile.NamedTemporaryFile(suffix='.json') as f:
                print(f"== {name} ({sum(map(len, syn.values()))} phrases)", flush=True)
                rc = retrieve_cli(argv + ['--wording', 'heldout2', '--json', f.name])
                if rc: return rc
                out[name] = json.load(open(f.name))['model']
    finally: T._SYN['heldout2'] = full
    for name, r in out.items():
        print(f"{name}: t2v R@1 {r['t2v_R@1']:.3f}, v2t R@1 {r['v2t_R@1']:.3f}; top clip right: framing {r['t2v_top1_framing_acc']:.2f}, "
              f"angle {r['t2v_top1_angle_acc']:.2f}, movement {r['t2v_top1_movement_acc']:.2f}")
    if a.json: json.dump(out, open(a.json, 'w'), indent=1)
    return 0

def train(argv):
    from cinebench.cameraclip import train_clip_cli
    ab = abbreviations()
    T._SYN['train_wide'] = {k: v + ab.get(k, []) for k, v in T._SYN['train_wide'].items()}
    print(f"train_wide + abbreviations: {ab}", flush=True)
    return train_clip_cli(argv)

if __name__ == '__main__':
    if len(sys.argv) < 2 or sys.argv[1] not in ('retrieve', 'train'): sys.exit(__doc__)
    sys.exit({'retrieve': retrieve, 'train': train}[sys.argv[1]](sys.argv[2:]))
