"""Does a much wider *training* vocabulary carry CameraCLIP over to held-out wordings? (#7, session 14)

Session 9 widened the training captions from `'train'` (3 phrases per label) to `'train_wide'` (165 phrases, 15 shapes)
and the held-out-wording R@1 rose by 0.03-0.07. This script asks whether more of the same keeps paying: three more
helper agents, each told to read no file of the machine and shown only the label definitions and the `'train_wide'`
phrases (never a held-out list), wrote 30 new phrases per label and 20 sentence shapes each (`wordings/`; two in the
voice of working crew, one in the voice of viewers and critics; the prompts are in `wordings/README.md`).
`taxonomy.heldout_clean` then keeps only what shares no content word with a held-out phrase of the same label, as for
`'train_wide'`. `train` adds the kept phrases and shapes of the given files to `'train_wide'` and runs `cinebench
train-clip` with the arguments that follow; `kept` prints what the rule keeps.

    .venv/bin/python tests/bench/eval_vocab_scale.py kept [FILE ...]
    OMP_NUM_THREADS=1 .venv/bin/python tests/bench/eval_vocab_scale.py train --vocab FILE [FILE ...] -- \\
        --data D1 D2 ... --out DIR --text-from M --text minilm_lora --motion camera --definitions 2 --steps 300 \\
        --batch-size 48 --bank-size 48 --lr 3e-4 --half --train-wording train_wide --word-dropout 0.15

Then `cinebench retrieve --data POOL --model DIR --pool 1000 --wording W` for W = heldout, heldout2, train. Session 14's
runs and figures are in notebook 11 (*A six-fold wider training vocabulary*).
"""
import os, sys, json
from pathlib import Path
os.environ.setdefault('OMP_NUM_THREADS', '1')
from cinebench import taxonomy as T

HERE = Path(__file__).parent/'wordings'
FILES = [HERE/f'blind_{n}.json' for n in ('crew1', 'viewers', 'crew2')]  # the order of session 14's run

def widen(files) -> tuple:
    "`'train_wide'` plus the phrases and shapes of `files` that `heldout_clean` keeps: `(synonyms, templates, report)`."
    syn = {k: list(v) for k, v in T._SYN['train_wide'].items()}; tpl, report = list(T._TEMPLATES['train_wide']), []
    for f in map(Path, files):
        kept, dropped = T.heldout_clean(json.loads(f.read_text()), base='train_wide')
        seen = {k: {p.lower() for p in v} for k, v in syn.items()}
        new = {k: [p for p in v if p.lower() not in seen[k]] for k, v in kept['synonyms'].items()}
        for k, v in new.items(): syn[k] += v
        nt = [t for t in kept['templates'] if t not in tpl]; tpl += nt
        report.append(f"{f.name}: kept {sum(map(len, kept['synonyms'].values()))} of "
                      f"{sum(map(len, kept['synonyms'].values())) + sum(map(len, dropped['synonyms'].values()))} phrases "
                      f"({sum(map(len, new.values()))} new), {len(nt)} of {len(kept['templates']) + len(dropped['templates'])} shapes")
    return syn, tpl, report

def kept(argv):
    syn, tpl, report = widen(argv or FILES)
    print('\n'.join(report))
    print(f"training family: {sum(map(len, syn.values()))} phrases, {len(tpl)} shapes "
          f"('train_wide': {sum(map(len, T._SYN['train_wide'].values()))}, {len(T._TEMPLATES['train_wide'])})")
    return 0

def train(argv):
    from cinebench.cameraclip import train_clip_cli
    if '--vocab' not in argv or '--' not in argv: sys.exit(__doc__)
    files, rest = argv[argv.index('--vocab') + 1:argv.index('--')], argv[argv.index('--') + 1:]
    syn, tpl, report = widen(files)
    print('\n'.join(report), flush=True)
    T._SYN['train_wide'], T._TEMPLATES['train_wide'] = syn, tpl
    return train_clip_cli(rest)

if __name__ == '__main__':
    if len(sys.argv) < 2 or sys.argv[1] not in ('kept', 'train'): sys.exit(__doc__)
    sys.exit({'kept': kept, 'train': train}[sys.argv[1]](sys.argv[2:]))
