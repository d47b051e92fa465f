"""Throughput of a batch of prompts split across 2 processes vs 1, with accelerate (`generate_many`).

Run: `python tests/bench/bench_scaleout.py [--prompts 8] [--base PATH]` (default: the embedded model).
Workers are started with `torchrun --standalone --nproc_per_node N`; `generate_many` splits the prompts with
accelerate's `PartialState.split_between_processes` (torch.distributed, gloo backend on CPU, one torch thread per
process). Prints clips/s for 1 and 2 processes and their ratio, measured in the same run.
On a 2-core machine shared with other jobs the ratio is bounded by the free cores.
"""
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path

def worker(a):
    import torch
    torch.set_num_threads(1)
    from accelerate import PartialState
    from cinebench.backbone import generate_many, get_pipeline, generate
    st = PartialState(cpu=True)
    generate('warm-up', pipe=get_pipeline(a.base), progress=False) # load once, first-call costs out of the timing
    st.wait_for_everyone(); t0 = time.time()
    prompts = [f'a quiet street, take {i}' for i in range(a.prompts)]
    generate_many(prompts, a.out, base=a.base)
    st.wait_for_everyone()
    if st.is_main_process: Path(a.out, 'timing.json').write_text(json.dumps({'seconds': time.time() - t0}))

def launch(n, a, out):
    tr = os.path.join(os.path.dirname(sys.executable), 'torchrun')
    cmd = [tr, '--standalone', '--nproc_per_node', str(n), __file__, '--worker', '--out', out,
           '--prompts', str(a.prompts)] + (['--base', a.base] if a.base else [])
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'HF_HUB_OFFLINE': '1'}
    t0 = time.time(); r = subprocess.run(cmd, capture_output=True, text=True, env=env); dt = time.time() - t0
    if r.returncode: sys.exit(f"{n} process(es) failed:\n{r.stderr[-3000:]}")
    n_clips = len(list(Path(out).glob('clip_*.mp4')))
    ranks = sorted({json.loads(f.read_text())['rank'] for f in Path(out).glob('clip_*.json')})
    gen = json.loads(Path(out, 'timing.json').read_text())['seconds']
    return dt, gen, n_clips, ranks

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--prompts', type=int, default=8); ap.add_argument('--base')
    ap.add_argument('--worker', action='store_true'); ap.add_argument('--out')
    a = ap.parse_args()
    if a.worker: worker(a); sys.exit(0)
    res = {}
    with tempfile.TemporaryDirectory() as d:
        for n in (1, 2):
            dt, gen, k, ranks = launch(n, a, f'{d}/n{n}')
            res[n] = k/gen
            print(f"{n} process(es): {k} clips in {gen:.1f} s of generation = {k/gen:.2f} clips/s "
                  f"({dt:.1f} s wall incl. start-up and loading); ranks that wrote clips: {ranks}")
    print(f"throughput ratio 2 vs 1 processes: {res[2]/res[1]:.2f}x  (machine: {os.cpu_count()} CPU cores, load avg {os.getloadavg()[0]:.1f})")
