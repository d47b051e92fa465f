"""CameraCLIP's text tower with its LoRA update scaled by alpha (weight-space interpolation between MiniLM and the tuned
tower, as in WiSE-FT; alpha = 1 is the shipped model), t2v/v2t retrieval on a held-out SynthCine pool.

    OMP_NUM_THREADS=1 .venv/bin/python tests/bench/eval_lora_scale.py DATA_DIR 1.0,0.8,0.6

DATA_DIR: a `synth` folder with no training scene; session 7 measured on the model-choosing set,
`cinebench synth --out val3 --seed 3 --n 1000 --frames 8` (64x64, like the seed-2 pool). Prints one line per alpha and wording.
"""
import sys, numpy as np, torch, warnings; warnings.filterwarnings('ignore'); torch.set_num_threads(1)
from cinebench.cameraclip import *
from cinebench.cameraclip import _pool
m = CameraCLIP.from_pretrained(None)
B = {n: p.detach().clone() for n, p in m.named_parameters() if 'lora_B' in n}
print(len(B), 'lora_B tensors')
d = sys.argv[1]; alphas = [float(a) for a in sys.argv[2].split(',')]
ec, er, _ = _pool(d, m, 1000, 0)
for a in alphas:
    with torch.no_grad():
        for n, p in m.named_parameters():
            if n in B: p.copy_(B[n] * a)
    for w in ('heldout', 'train'):
        r = evaluate(m, ec, er, w)
        print(d.split('/')[-1], 'alpha', a, w, {k: round(v, 3) for k, v in r.items() if k in ('t2v_R@1', 't2v_R@5', 'v2t_R@1', 't2v_top1_framing_acc', 't2v_top1_angle_acc', 't2v_top1_movement_acc')}, flush=True)
