"""cinebench.backbone and cinebench.pretrain: loading, tiny-config round trips, T2V and I2V generation, LoRAs,
the CLI, bad input, and resumable pretraining."""
import json, os, subprocess, sys
from pathlib import Path
import numpy as np
import pytest
import torch
from cinebench import backbone as bb

torch.set_num_threads(1)

def cli(*args):
    exe = os.path.join(os.path.dirname(sys.executable), 'cinebench')
    return subprocess.run([exe, *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, 'OMP_NUM_THREADS': '1', 'HF_HUB_OFFLINE': '1'})

@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    d = tmp_path_factory.mktemp('tiny')
    for kind in ('t2v', 'i2v'): bb.tiny_wan_pipeline(kind, seed=3).save_pretrained(d/kind)
    bb.tiny_wan_pipeline('i2v', vae='pack', seed=4).save_pretrained(d/'i2v_pack')
    return d

def test_packvae_exact_and_shapes():
    v = bb.PackVAE()
    x = torch.rand(1, 3, 17, 64, 64)*2 - 1
    z = v.encode(x).latent_dist.mode()
    assert z.shape == (1, 48, 5, 32, 32)
    assert torch.allclose(v.decode(z).sample, x, atol=1e-6)
    with pytest.raises(ValueError, match='divisible'): v.encode(torch.zeros(1, 3, 9, 31, 32))

@pytest.mark.parametrize('kind,cls', [('t2v', 'WanPipeline'), ('i2v', 'WanImageToVideoPipeline'),
                                      ('i2v_pack', 'WanImageToVideoPipeline')])
def test_round_trip(tiny, kind, cls):
    p = bb.load_pipeline(tiny/kind)
    assert type(p).__name__ == cls
    q = bb.tiny_wan_pipeline(kind.split('_')[0], seed=3 if kind != 'i2v_pack' else 4,
                             vae='pack' if 'pack' in kind else 'wan')
    for a, b in zip(p.transformer.state_dict().values(), q.transformer.state_dict().values()): assert torch.equal(a, b)
    assert p.tokenizer('a red car').input_ids[-1] == p.tokenizer.eos_token_id == 1

def test_bad_paths_and_classes(tmp_path, tiny):
    with pytest.raises(FileNotFoundError, match='no such folder'): bb.load_pipeline(tmp_path/'missing')
    with pytest.raises(FileNotFoundError, match='no model_index.json'): bb.load_pipeline(tmp_path)
    (tmp_path/'f.txt').write_text('x')
    with pytest.raises(FileNotFoundError, match='a file'): bb.load_pipeline(tmp_path/'f.txt')
    (tmp_path/'model_index.json').write_text(json.dumps({'_class_name': 'StableDiffusionPipeline', 'unet': ['diffusers', 'UNet2DConditionModel']}))
    with pytest.raises(bb.BackboneError, match="'StableDiffusionPipeline' is not a video pipeline"): bb.load_pipeline(tmp_path)
    idx = json.loads((tiny/'i2v'/'model_index.json').read_text())
    d = tmp_path/'partial'; d.mkdir(); (d/'model_index.json').write_text(json.dumps(idx))
    with pytest.raises(bb.BackboneError, match='folders are missing'): bb.load_pipeline(d)
    with pytest.raises(ValueError, match='offload'): bb.load_pipeline(tiny/'i2v', offload='disk')
    with pytest.raises(ValueError, match='dtype'): bb.load_pipeline(tiny/'i2v', dtype='int8')

def test_mismatched_components():
    from diffusers import WanImageToVideoPipeline, WanPipeline
    c = bb.tiny_wan_components('i2v')
    c['image_encoder'] = bb.tiny_wan_components('i2v', image_dim=24)['image_encoder']
    with pytest.raises(bb.BackboneError, match='image_encoder.hidden_size=24 != transformer.image_dim=16'):
        bb.check_components(WanImageToVideoPipeline(**c))
    c = bb.tiny_wan_components('t2v'); c['text_encoder'] = bb.tiny_wan_components('t2v', text_dim=8)['text_encoder']
    with pytest.raises(bb.BackboneError, match='text_encoder.d_model=8'): bb.check_components(WanPipeline(**c))

def test_generate_t2v_i2v_and_schedulers(tiny):
    for sch in bb.SCHEDULERS:
        v = bb.generate('a quiet street', base=tiny/'t2v', steps=2, frames=5, size=(32, 32), scheduler=sch, progress=False)
        assert v.shape == (5, 32, 32, 3) and v.dtype == np.uint8
    img = (np.random.default_rng(0).random((48, 64, 3))*255).astype(np.uint8)
    a = bb.generate('a cat', image=img, base=tiny/'i2v', steps=2, frames=9, size=(32, 32), seed=1, progress=False)
    b = bb.generate('a cat', image=img, base=tiny/'i2v', steps=2, frames=9, size=(32, 32), seed=1, progress=False)
    c = bb.generate('a cat', image=img, base=tiny/'i2v', steps=2, frames=9, size=(32, 32), seed=2, progress=False)
    assert a.shape == (9, 32, 32, 3) and np.array_equal(a, b) and not np.array_equal(a, c)
    with pytest.raises(ValueError, match='multiples of 16'): bb.generate('x', base=tiny/'i2v', size=(40, 32), frames=5, progress=False)
    with pytest.raises(ValueError, match='scheduler'): bb.generate('x', base=tiny/'t2v', scheduler='ddim', frames=5, size=(32, 32), progress=False)
    with pytest.raises(FileNotFoundError, match='no such image'): bb.generate('x', base=tiny/'i2v', image='/nope.png', frames=5, size=(32, 32), progress=False)

def test_first_frame_substitution(tiny):
    "A pack-codec I2V pipeline flagged first_frame=substitute returns the input image as frame 0 exactly."
    p = bb.load_pipeline(tiny/'i2v_pack')
    p._cinebench = dict(frames=5, width=32, height=32, steps=2, guidance=1.0, scheduler='unipc', flow_shift=3.0,
                        fps=8, max_sequence_length=512, first_frame='substitute')
    img = (np.random.default_rng(0).random((32, 32, 3))*255).astype(np.uint8)
    v = bb.generate('x', image=img, pipe=p, progress=False)
    assert np.abs(v[0].astype(int) - img).max() <= 1

def _make_lora(pipe, path, seed=0):
    from peft import LoraConfig, get_peft_model_state_dict
    torch.manual_seed(seed)
    pipe.transformer.add_adapter(LoraConfig(r=4, lora_alpha=4, init_lora_weights='gaussian',
                                            target_modules=['to_q', 'to_k', 'to_v', 'to_out.0', 'add_k_proj', 'add_v_proj']))
    sd = get_peft_model_state_dict(pipe.transformer)
    g = torch.Generator().manual_seed(seed) # peft starts lora_B at zero: give both factors random values
    sd = {k: torch.randn(v.shape, generator=g)*0.5 for k, v in sd.items()}
    type(pipe).save_lora_weights(path, transformer_lora_layers=sd, weight_name='pytorch_lora_weights.safetensors')

def test_lora_resolution_and_effect(tiny, tmp_path):
    _make_lora(bb.tiny_wan_pipeline('i2v', seed=3), tmp_path/'pan_right')
    f, w, n = bb.resolve_lora(f'{tmp_path}/pan_right:0.5')
    assert f.name == 'pytorch_lora_weights.safetensors' and w == 0.5 and n == 'pan_right'
    assert bb.resolve_lora('pan_right:-1e-1', folder=tmp_path)[1:] == (-0.1, 'pan_right')
    assert bb.list_loras(tmp_path) == ['pan_right']
    with pytest.raises(FileNotFoundError, match='shipped: pan_right'): bb.resolve_lora('dolly', folder=tmp_path)
    img = np.full((32, 32, 3), 128, np.uint8)
    kw = dict(image=img, base=tiny/'i2v', steps=2, frames=5, size=(32, 32), progress=False)
    base = bb.generate('x', **kw)
    on, s = bb.generate('x', lora=[f'{tmp_path}/pan_right:1.0'], return_settings=True, **kw)
    zero = bb.generate('x', lora=[f'{tmp_path}/pan_right:0'], **kw)
    off = bb.generate('x', **kw)
    assert s['lora'] == ['pan_right:1.0']
    assert not np.array_equal(base, on)
    assert np.abs(zero.astype(int) - base).max() <= 1 and np.abs(off.astype(int) - base).max() <= 1

def test_cli_generate_and_errors(tiny, tmp_path):
    img = tmp_path/'in.png'
    from PIL import Image
    Image.fromarray((np.random.default_rng(0).random((40, 50, 3))*255).astype(np.uint8)).save(img)
    r = cli('generate', 'a quiet street', '--out', tmp_path/'x.mp4', '--base', tiny/'i2v', '--image', img,
            '--steps', 2, '--frames', 5, '--size', '32x32', '--scheduler', 'euler', '--seed', 7)
    assert r.returncode == 0, r.stderr
    from cinebench.io import read_video
    assert read_video(tmp_path/'x.mp4').shape == (5, 32, 32, 3)
    s = json.loads((tmp_path/'x.json').read_text())
    assert s['seed'] == 7 and s['scheduler'] == 'euler' and s['size'] == '32x32' and s['image'] == str(img)
    r = cli('generate', 'x', '--out', tmp_path/'y.mp4', '--base', tiny/'i2v', '--size', '32by32')
    assert r.returncode == 2 and 'WIDTHxHEIGHT' in r.stderr
    r = cli('generate', 'x', '--out', tmp_path/'y.mp4', '--base', tmp_path/'nothing')
    assert r.returncode == 2 and 'no such folder' in r.stderr

@pytest.mark.skipif(not (bb.EMBEDDED/'transformer').is_dir(), reason='embedded weights not shipped')
def test_embedded_default(tmp_path):
    "`cinebench generate PROMPT --out x.mp4` works offline with the embedded model and the sample image."
    r = cli('generate', 'a quiet street', '--out', tmp_path/'x.mp4')
    assert r.returncode == 0, r.stderr
    s = json.loads((tmp_path/'x.json').read_text())
    assert s['pipeline'] == 'WanImageToVideoPipeline' and s['image'] == 'sample'
    from cinebench.io import read_video
    v = read_video(tmp_path/'x.mp4')
    assert v.shape[0] == s['frames'] and f'{v.shape[2]}x{v.shape[1]}' == s['size']

def test_pretrain_resume_is_exact(tmp_path):
    from cinebench.pretrain import pretrain
    from safetensors.torch import load_file
    small = dict(width=32, heads=2, layers=1, ffn=64)
    kw = dict(batch=2, frames=5, size=16, model=small, progress=False, do_eval=False, ckpt_minutes=100)
    pretrain(tmp_path/'a', steps=4, **kw)
    pretrain(tmp_path/'b', steps=2, **kw)
    assert json.loads((tmp_path/'b'/'ckpt'/'state.json').read_text())['step'] == 2
    pretrain(tmp_path/'b', steps=4, **kw)
    a, b = load_file(tmp_path/'a'/'ckpt'/'transformer.safetensors'), load_file(tmp_path/'b'/'ckpt'/'transformer.safetensors')
    assert all(torch.equal(a[k], b[k]) for k in a) # bit-exact: data and noise are seeded by (seed, step)
    p = bb.load_pipeline(tmp_path/'b'/'pipeline')
    assert p._cinebench['first_frame'] == 'substitute' and p._cinebench['trained_steps'] == 4

def test_noise_code_pretrain_generate_and_lora(tmp_path):
    "A model pretrained with a movement code in its noise: the code travels in cinebench.json, generate draws it from the seed, LoRA training samples it."
    from cinebench.pretrain import pretrain, MOVES
    from cinebench.lora import LoraFinetune
    small = dict(width=32, heads=2, layers=1, ffn=64)
    kw = dict(batch=2, frames=5, size=16, progress=False, do_eval=False, ckpt_minutes=100)
    pretrain(tmp_path/'a', steps=2, model=small, code=1.0, **kw)
    p = bb.load_pipeline(tmp_path/'a'/'pipeline')
    assert p._cinebench['noise_code'] == dict(amplitude=1.0, moves=list(MOVES))
    img = (np.random.default_rng(0).random((16, 16, 3))*255).astype(np.uint8)
    runs = [bb.generate('x', image=img, pipe=p, seed=s, steps=2, progress=False, return_settings=True) for s in range(12)]
    moves = [st['noise_code_move'] for _, st in runs]
    assert set(moves) <= set(MOVES) and len(set(moves)) > 1 # the seed picks the block
    v, st = bb.generate('x', image=img, pipe=p, seed=3, steps=2, progress=False, return_settings=True)
    assert np.array_equal(v, runs[3][0]) and st['noise_code_move'] == moves[3]
    p._cinebench.pop('noise_code')
    plain = bb.generate('x', image=img, pipe=p, seed=3, steps=2, progress=False)
    assert not np.array_equal(plain, v) and np.array_equal(plain[0], v[0]) # same seed, other source; frame 0 is the input
    # warm start from the coded pipeline: its weights, a fresh optimizer, the setting recorded
    pretrain(tmp_path/'b', steps=1, code=1.0, init=tmp_path/'a'/'pipeline', **kw)
    s = json.loads((tmp_path/'b'/'ckpt'/'state.json').read_text())['settings']
    assert s['init'] == str(tmp_path/'a'/'pipeline') and s['noise_code']['amplitude'] == 1.0
    for f in (tmp_path/'b'/'pipeline').glob('*/config.json'): # components loaded from a folder: their path is not exported
        assert '_name_or_path' not in json.loads(f.read_text()), f
    with pytest.raises(ValueError, match='choose one'): pretrain(tmp_path/'c', steps=1, model=small, code=1.0, couple=True, **kw)
    # LoRA training draws a random block per clip (amplitude 50: the shifted block stands out of the N(0, 1) noise)
    m = LoraFinetune(p.transformer, dict(rank=2), 'x', noise_code=dict(amplitude=50.0, moves=list(MOVES)), verbose=False)
    C = p.transformer.config.out_channels
    _, _, n = m.noise_for({'z': torch.zeros(64, C, 2, 2, 2)}, step=0)
    blocks = n[:, :, 1].reshape(64, len(MOVES), -1).mean(-1).argmax(1)
    assert n[:, :, 0].abs().max() < 10 and len(set(blocks.tolist())) == len(MOVES)
    # matched: a clip's own movement's block (camera kept, for looks); a still gets no code
    m2 = LoraFinetune(p.transformer, dict(rank=2), 'y', noise_code=dict(amplitude=50.0, moves=list(MOVES)), noise_code_match=True, verbose=False)
    batch = {'z': torch.zeros(64, C, 2, 2, 2), 'movement': ['tilt_up'] * 62 + [None, 'orbit'], 'still': torch.tensor([False] * 62 + [True, False])}
    _, _, n2 = m2.noise_for(batch, step=0)
    b2 = n2[:, :, 1].reshape(64, len(MOVES), -1).mean(-1)
    assert all(int(b2[i].argmax()) == MOVES.index('tilt_up') for i in range(62))
    assert b2[62].abs().max() < 10 and b2[63].max() > 40 # still: no code; a movement the code lacks: a random block
