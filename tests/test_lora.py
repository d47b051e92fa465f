"""LoRA training (cinebench.lora): exact resume after a hard kill, LoRA file round trip through the Wan loader, caching, T2V, CLI errors."""
import json, os, subprocess, sys, textwrap
from pathlib import Path
import numpy as np
import pytest
import torch
torch.set_num_threads(1)
from safetensors import safe_open
from safetensors.torch import load_file
from cinebench.backbone import tiny_wan_pipeline, load_pipeline, generate
from cinebench.lora import (write_demo_dataset, train_lora, Encoder, LatentCache, make_items, ClipDataModule,
                            LoraFinetune, transformer_probe, LORA_FILE, read_metadata, DataError)

ENV = {**os.environ, 'OMP_NUM_THREADS': '1', 'HF_HUB_OFFLINE': '1'}

@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    "A saved tiny Wan2.1 I2V pipeline (embedded-style settings: clean frame 0 substituted) and a 4-clip dataset."
    d = tmp_path_factory.mktemp('lora')
    p = tiny_wan_pipeline('i2v', vae='pack')
    p.save_pretrained(d/'base')
    (d/'base'/'cinebench.json').write_text(json.dumps(dict(frames=9, width=32, height=32, steps=2, guidance=1.0,
        scheduler='unipc', flow_shift=3.0, fps=8, max_sequence_length=16, first_frame='substitute')))
    write_demo_dataset(d/'data', n=4)
    return d

def _weights(f): return load_file(str(f))

def test_resume_after_kill_matches_uninterrupted(tiny, tmp_path):
    kw = dict(stage='motion', steps=6, rank=2, batch_size=2, checkpoint_every=2, lr=1e-3, seed=3, progress=False)
    a = train_lora(tiny/'data', 'r', tmp_path/'a', base=tiny/'base', **kw)
    # the same run, killed hard (os._exit, no cleanup) during step 4, after the step-2 checkpoint
    code = textwrap.dedent(f"""
        import os, torch, lightning as L
        torch.set_num_threads(1)
        from cinebench.lora import train_lora
        class Kill(L.Callback):
            def on_train_batch_end(self, trainer, *a):
                if trainer.global_step == 3: os._exit(9)
        train_lora({str(tiny/'data')!r}, 'r', {str(tmp_path/'b')!r}, base={str(tiny/'base')!r}, callbacks=[Kill()], **{kw!r})
        """)
    r = subprocess.run([sys.executable, '-c', code], env=ENV, capture_output=True, text=True)
    assert r.returncode == 9, r.stderr[-2000:]
    ck = sorted(p.name for p in (tmp_path/'b'/'motion'/'checkpoints').glob('*.ckpt'))
    assert 'step000002.ckpt' in ck and 'step000004.ckpt' not in ck and not (tmp_path/'b'/'r').exists()
    b = train_lora(tiny/'data', 'r', tmp_path/'b', base=tiny/'base', **kw) # resumes from last.ckpt
    wa, wb = _weights(a), _weights(b)
    assert set(wa) == set(wb)
    assert max(float((wa[k] - wb[k]).abs().max()) for k in wa) < 1e-6
    assert max(float(wa[k].abs().max()) for k in wa if 'lora_B' in k) > 1e-4 # it did train
    # a checkpoint holds the adapter only, not the frozen base
    sd = torch.load(tmp_path/'b'/'motion'/'checkpoints'/'last.ckpt', map_location='cpu', weights_only=False)['state_dict']
    assert sd and all('lora_' in k for k in sd)

def test_lora_file_round_trip_and_generation(tiny, tmp_path):
    pipe = load_pipeline(tiny/'base')
    f = train_lora(tiny/'data', 'look', tmp_path/'run', pipe=pipe, stage='both', steps=2, rank=4, alpha=8,
                   targets='cross_attn', frames_per_clip=1, progress=False, lr=1e-2)
    with safe_open(str(f), 'pt') as sf:
        keys, meta = list(sf.keys()), sf.metadata()
    assert keys and all(k.startswith('transformer.') and ('.lora_A.' in k or '.lora_B.' in k) for k in keys)
    assert all('.attn2.' in k for k in keys) # cross-attention only
    card = (f.parent/'README.md').read_text()
    assert card.startswith('---\nbase_model:') and 'cinebench train-lora' in card and 'steps: 4' in card
    # a fresh pipeline loads it with load_lora_weights (through cinebench.backbone) and generates the same clip
    fresh = load_pipeline(tiny/'base')
    from cinebench.lora import bundled_photo
    img = bundled_photo('rocket')
    g_trained = generate('a photograph of rocket', pipe=pipe, image=img, steps=2, frames=9, size=(32, 32), seed=1, progress=False)
    g_loaded = generate('a photograph of rocket', pipe=fresh, lora=[f'{f}:1.0'], image=img, steps=2, frames=9, size=(32, 32), seed=1, progress=False)
    g_base = generate('a photograph of rocket', pipe=fresh, lora=[], image=img, steps=2, frames=9, size=(32, 32), seed=1, progress=False)
    assert np.array_equal(g_trained, g_loaded)
    assert np.abs(g_trained.astype(int) - g_base).max() > 0 # the adapter changes the output
    # alpha/rank scale (8/4) survives the file: the loaded adapter's config says so
    assert fresh.transformer.peft_config['look'].lora_alpha == 8

def test_cache_hits_and_invalidation(tiny, tmp_path):
    import shutil
    data = tmp_path/'data'; shutil.copytree(tiny/'data', data)
    pipe = load_pipeline(tiny/'base')
    enc = Encoder(pipe)
    items = make_items(data, frames=9)
    c = LatentCache(tmp_path/'c', enc)
    c.prepare(items, progress=False); assert c.last['encoded'] == 4
    c = LatentCache(tmp_path/'c', enc); c.prepare(items, progress=False); assert c.last['hits'] == 4
    write_demo_dataset(tmp_path/'other', n=1, seed=5) # replace one clip's bytes
    shutil.copy(tmp_path/'other'/'clip_000.mp4', data/'clip_000.mp4')
    c = LatentCache(tmp_path/'c', enc); c.prepare(make_items(data, frames=9), progress=False)
    assert (c.last['hits'], c.last['encoded']) == (3, 1)
    pipe.vae.register_to_config(latents_std=[2.0]*48) # a different model config invalidates everything
    enc2 = Encoder(pipe); c = LatentCache(tmp_path/'c', enc2); c.prepare(items, progress=False)
    assert c.last['encoded'] == 4

def test_t2v_and_gradient_checkpointing(tmp_path):
    data = write_demo_dataset(tmp_path/'d', n=2)
    pipe = tiny_wan_pipeline('t2v', vae='pack')
    enc = Encoder(pipe, max_sequence_length=16)
    dm = ClipDataModule(data, enc, frames=5, batch_size=2, cache=None, progress=False)
    batch = next(iter(dm.train_dataloader()))
    assert set(batch) == {'z', 'text', 'still', 'movement'} and batch['z'].shape == (2, 48, 2, 16, 16)
    torch.manual_seed(0); m1 = LoraFinetune(pipe.transformer, dict(rank=2, targets='attn+ffn'), 'x', verbose=False)
    l1 = m1.step_loss(batch, 0); l1.backward()
    g1 = {n: p.grad.clone() for n, p in m1.trainable().items()}
    pipe2 = tiny_wan_pipeline('t2v', vae='pack'); pipe2.transformer.load_state_dict(pipe.transformer.state_dict(), strict=False)
    torch.manual_seed(0); m2 = LoraFinetune(pipe2.transformer, dict(rank=2, targets='attn+ffn'), 'x', gradient_checkpointing=True, verbose=False)
    m2.load_state_dict(m1.state_dict())
    l2 = m2.step_loss(batch, 0); l2.backward()
    assert torch.allclose(l1, l2) and all(torch.allclose(g1[n], p.grad, atol=1e-6) for n, p in m2.trainable().items())
    assert any('ffn' in n for n in g1)

def test_bad_input(tmp_path):
    (tmp_path/'m').mkdir()
    with pytest.raises(DataError, match='no metadata.jsonl'): read_metadata(tmp_path/'m')
    (tmp_path/'m'/'metadata.jsonl').write_text('{"file_name": "x.mp4", "text": "a"}\nnot json\n')
    with pytest.raises(DataError, match=r'metadata.jsonl:2: not valid JSON'): read_metadata(tmp_path/'m')
    (tmp_path/'m'/'metadata.jsonl').write_text('{"file_name": "x.mp4", "text": "a"}\n')
    with pytest.raises(DataError, match='no usable clips'): make_items(tmp_path/'m', verbose=False)
    with pytest.raises(ValueError, match='unknown group'): LoraFinetune(tiny_wan_pipeline('t2v').transformer, dict(targets='atn'))

def test_cli_errors(tmp_path, capsys):
    from cinebench.cli import main # dispatch as `cinebench ...` does, in-process (imports are slow on a busy machine)
    assert main(['train-lora', '--data', str(tmp_path/'nope'), '--name', 'x']) == 2
    assert 'no metadata.jsonl' in capsys.readouterr().err
    assert main(['train-camera-loras', '--data', str(tmp_path), '--patterns', 'pan_sideways']) == 2
    assert 'pan_sideways' in capsys.readouterr().err

def test_drift_monitor_and_validate(tiny, tmp_path, capsys):
    from PIL import Image
    from cinebench.drift import DriftMonitor, validate, read_prompts, plot_drift
    from cinebench.lora import bundled_photo, trainer
    pipe = load_pipeline(tiny/'base')
    enc = Encoder(pipe)
    torch.manual_seed(0)
    mod = LoraFinetune(pipe.transformer, dict(rank=4), 'd', lr=3e-2, first_frame='substitute', verbose=False)
    imgs = [bundled_photo(n) for n in ('astronaut', 'coffee')]
    mon = DriftMonitor(pipe, ['a photograph'], imgs, seeds=range(4), every_n_steps=2, steps=2, out=tmp_path/'fep', n_permutations=20)
    trainer(4, progress=False, callbacks=[mon]).fit(mod, ClipDataModule(tiny/'data', enc, frames=9, cache=tmp_path/'c', progress=False))
    steps = [h['step'] for h in mon.history]
    assert steps == [0, 2, 4]
    assert abs(mon.history[0]['ssf'] - 1) < 1e-9 and mon.history[0]['pixel_change'] == 0
    assert mon.history[-1]['pixel_change'] > 0 # the adapter moved the outputs
    assert len((tmp_path/'fep'/'drift.jsonl').read_text().splitlines()) == 3 and (tmp_path/'fep'/'drift.html').is_file()
    assert len(plot_drift(mon.history).data) == 4
    assert pipe.transformer.training # the callback restored train mode
    # SVP on two prompts with images, FVD (thumbnail features) against the dataset, HTML report
    Image.fromarray(imgs[0]).save(tmp_path/'a.png')
    (tmp_path/'p.jsonl').write_text(json.dumps(dict(text='an astronaut', image='a.png', movement='pan_left')) + '\n'
                                    + json.dumps(dict(text='an astronaut', image='a.png', movement='zoom_in', seed=5)) + '\n')
    from cinebench.drift import default_embedder
    r = validate(tmp_path/'p.jsonl', pipe=pipe, seeds=2, reference=tiny/'data', feature_net=default_embedder(),
                 cameraclip=False, out=tmp_path/'v.html', progress=False)
    assert r['clips'] == 4 and set(r['motion_accuracy_by_movement']) == {'pan_left', 'zoom_in'}
    assert [x['seed'] for x in r['rows']] == [0, 1, 5, 6] and r['fvd'] > 0
    assert (tmp_path/'v.html').read_text().count('<img') == 12
    # bad prompt files
    (tmp_path/'bad.jsonl').write_text('{"text": "ok"}\n{oops\n')
    with pytest.raises(ValueError, match='bad.jsonl:2'): read_prompts(tmp_path/'bad.jsonl')
    with pytest.raises(ValueError, match="field 'text'"): read_prompts([dict(image='x.png')])
    from cinebench.cli import main
    assert main(['validate', '--prompts', str(tmp_path/'missing.txt')]) == 2
    assert 'no such prompt file' in capsys.readouterr().err

def test_acceptance_and_look_transfer(tiny, tmp_path):
    from cinebench.drift import camera_lora_acceptance, look_transfer
    pipe = load_pipeline(tiny/'base')
    f = train_lora(tiny/'data', 'pan_left', tmp_path/'pl', pipe=pipe, stage='motion', steps=1, rank=2, progress=False,
                   where={'movement': 'pan_left'})
    pipe = load_pipeline(tiny/'base') # a clean base: the adapter is loaded from the file
    r = camera_lora_acceptance(['pan_left'], {'pan_left': str(f)}, n=3, pipe=pipe, progress=False)
    assert 0 <= r['pan_left']['lora_rate'] <= 1 and sum(r['_base_labels'].values()) == 3
    held = write_demo_dataset(tmp_path/'held', n=3, look='bleach_bypass', photos=('astronaut', 'coffee'))
    assert all(r.get('first_frame') for r in read_metadata(held))
    t = look_transfer(f'{f}:1.0', held, pipe=pipe, progress=False)
    assert t['clips'] == 3 and t['fd_base'] >= 0 and 0 <= t['same_camera_label'] <= 1
    assert 0 <= t['camera_label_tv'] <= 1 and 0 <= t['camera_label_tv_reseeded'] <= 1
    assert set(t['camera_corr']) == {'pan', 'tilt', 'zoom', 'roll'} and t['look_error_graded_base_ratio'] > 0

def test_substitute_uses_the_conditioning_image():
    "With first_frame='substitute', frame 0 of the model input is the conditioning image's latent (as at sampling), not the clip's."
    from cinebench.lora import flow_matching_loss
    z = torch.randn(1, 48, 3, 4, 4)
    cond = torch.cat([torch.zeros(1, 4, 3, 4, 4), torch.randn(1, 48, 3, 4, 4)], 1)
    seen = {}
    def tr(hidden_states, **kw):
        seen['x'] = hidden_states; return (hidden_states[:, :48],)
    flow_matching_loss(tr, dict(z=z, cond=cond, text=torch.zeros(1, 2, 4)), torch.tensor([0.5]), torch.tensor([500.]),
                       torch.randn_like(z), 'substitute')
    assert torch.equal(seen['x'][:, :48, :1], cond[:, 4:, :1]) and not torch.equal(seen['x'][:, :48, :1], z[:, :, :1])
    assert torch.equal(seen['x'][:, 48:], cond)

def test_compact_text_is_exact(tiny):
    "Compact prompt attention gives the same loss and LoRA gradients as the full 512 tokens."
    pipe = load_pipeline(tiny/'base')
    enc = Encoder(pipe) # 16 tokens in the fixture: pad the cached embeddings to 512 by hand
    dm = ClipDataModule(tiny/'data', enc, frames=9, batch_size=2, cache=None, progress=False)
    b = next(iter(dm.train_dataloader()))
    b['text'] = torch.cat([b['text'], torch.zeros(2, 512 - b['text'].shape[1], b['text'].shape[2])], 1)
    res = []
    for compact in (False, True):
        p = load_pipeline(tiny/'base')
        torch.manual_seed(0); m = LoraFinetune(p.transformer, dict(rank=2), 'x', compact_text=compact, verbose=False)
        for n, q in m.trainable().items(): q.data.normal_(0, 0.1) if 'lora_B' in n else None
        l = m.step_loss(dict(b), 3); l.backward()
        res.append((float(l), {n: q.grad.clone() for n, q in m.trainable().items()}, m._compact_on))
    assert res[1][2] and not res[0][2]
    assert abs(res[0][0] - res[1][0]) < 1e-5
    assert all(torch.allclose(res[0][1][n], res[1][1][n], atol=1e-5) for n in res[0][1])

def test_cli_noise_code_modes(tiny, tmp_path):
    "A base with a noise code: train-lora keeps each clip's own movement block by default, a random one with --noise-code-random."
    import shutil
    from cinebench.cli import main
    from cinebench.pretrain import MOVES
    base = tmp_path/'coded'; shutil.copytree(tiny/'base', base)
    cfg = json.loads((base/'cinebench.json').read_text()); cfg['noise_code'] = dict(amplitude=1.0, moves=list(MOVES))
    (base/'cinebench.json').write_text(json.dumps(cfg))
    for flag, mode in (([], 'matched'), (['--noise-code-random'], 'random')):
        out = tmp_path/mode
        assert main(['train-lora', '--data', str(tiny/'data'), '--name', 'x', '--stage', 'motion', '--steps', '1', '--rank', '2',
                     '--base', str(base), '--out', str(out), '--quiet'] + flag) == 0
        assert json.loads((out/'run.json').read_text())['noise_code'] == mode
        assert (out/'x'/LORA_FILE).is_file()
