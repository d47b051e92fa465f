"CameraCLIP: API, bad input, save/load, the CLI on a tiny dataset, and the shipped model."
import json, os, subprocess, sys
from pathlib import Path
import numpy as np, pytest, torch
torch.set_num_threads(1)
from cinebench.cameraclip import (CameraCLIP, train_clip, read_metadata, clip_cache, evaluate, retrieval_metrics,
                                  virtual_camera_clip, REAL_MOVEMENTS, split_by_scene, clip_loss, embedded_path)
from cinebench.io import write_video
from cinebench.taxonomy import ShotLabels, caption, valid_keys

TINY = dict(width=32, layers=1, heads=2, embed_dim=16, image_size=32, frames=4)

@pytest.fixture(scope='module')
def toy(tmp_path_factory):
    "A 24-clip labelled folder: virtual-camera clips over noise, 8 scenes."
    d = tmp_path_factory.mktemp('toy'); rng = np.random.default_rng(0)
    with open(d/'metadata.jsonl', 'w') as f:
        for i in range(24):
            m = REAL_MOVEMENTS[i % len(REAL_MOVEMENTS)]
            v = virtual_camera_clip((rng.random((64, 64, 3)) * 255).astype(np.uint8), m, 6, 32)
            write_video(d/f'c{i}.mp4', v, 12)
            lab = ShotLabels(valid_keys('framing')[i % 5], valid_keys('angle')[i % 3], m)
            f.write(json.dumps({'file_name': f'c{i}.mp4', 'text': caption(lab, 'a noise field'), 'scene': f's{i % 8}', **lab.to_dict()}) + '\n')
        f.write('not json\n')
    return d

def test_shapes_and_norms():
    m = CameraCLIP(TINY)
    v = np.zeros((2, 5, 40, 30, 3), np.uint8)
    s = m.score(v, ['Close-up, low angle; the camera pans left across a tree.'] * 3)
    assert s.shape == (2, 3)
    assert torch.allclose(m.encode_video(v).norm(dim=-1), torch.ones(2), atol=1e-5)

@pytest.mark.parametrize('bad,msg', [(np.zeros((5, 32, 32, 3), np.uint8), 'leading axis'), (np.zeros((1, 5, 32, 32), np.uint8), '(B,T,H,W,3)'),
                                     (np.zeros((1, 5, 32, 32, 3), np.float32), 'uint8'), (np.zeros((0, 5, 32, 32, 3), np.uint8), 'empty')])
def test_bad_videos(bad, msg):
    with pytest.raises((ValueError, TypeError), match=None) as e: CameraCLIP(TINY).encode_video(bad)
    assert msg in str(e.value)

def test_bad_text_and_config(tmp_path):
    m = CameraCLIP(TINY)
    with pytest.raises(ValueError, match='empty'): m.encode_text([''])
    with pytest.raises(ValueError, match='at least one'): m.encode_text([])
    with pytest.raises(TypeError, match='string'): m.encode_text([3])
    with pytest.raises(ValueError, match='pooling'): CameraCLIP({'pooling': 'max'})
    with pytest.raises(ValueError, match='unknown CameraCLIP config'): CameraCLIP({'widht': 3})
    (tmp_path/'weights.bin').write_bytes(b'x')
    with pytest.raises(ValueError, match='unknown checkpoint layout'): CameraCLIP.from_pretrained(tmp_path)
    with pytest.raises(FileNotFoundError): CameraCLIP.from_pretrained(tmp_path/'nope')
    (tmp_path/'cameraclip.json').write_text(json.dumps(TINY))
    with pytest.raises(FileNotFoundError, match='model.safetensors is missing'): CameraCLIP.from_pretrained(tmp_path)

def test_save_load_roundtrip(tmp_path):
    m = CameraCLIP({**TINY, 'pooling': 'temporal', 'text': 'scratch', 'text_width': 32, 'text_layers': 1, 'text_heads': 2}, seed=3)
    v = np.random.default_rng(0).integers(0, 255, (2, 4, 32, 32, 3), dtype=np.uint8)
    m.save_pretrained(tmp_path)
    m2 = CameraCLIP.from_pretrained(tmp_path)
    assert torch.allclose(m.score(v, ['a', 'b c']), m2.score(v, ['a', 'b c']), atol=1e-5)
    sd = {k: v for k, v in m.state_dict().items()}
    from safetensors.torch import save_file
    save_file({k: v.contiguous() for k, v in list(sd.items())[1:]}, str(tmp_path/'model.safetensors'))
    with pytest.raises(ValueError, match='do not match'): CameraCLIP.from_pretrained(tmp_path)

def test_pairs_see_direction():
    "Mean pooling of single frames is blind to playback direction; frame pairs are not."
    v = np.random.default_rng(0).integers(0, 255, (1, 4, 32, 32, 3), dtype=np.uint8)
    rev = v[:, ::-1].copy()
    mf = CameraCLIP({**TINY, 'video_input': 'frames'})
    assert torch.allclose(mf.encode_video(v), mf.encode_video(rev), atol=1e-5)
    mp = CameraCLIP({**TINY, 'video_input': 'pairs'})
    assert not torch.allclose(mp.encode_video(v), mp.encode_video(rev), atol=1e-3)

def test_metrics_and_loss():
    r = retrieval_metrics(torch.tensor([[0.9, 0.1, 0.5], [0.2, 0.3, 0.1]]), torch.tensor([[False, False, True], [True, False, False]]))
    assert r['R@1'] == 0 and r['median_rank'] == 2.0 and r['R@5'] == 1
    v = torch.nn.functional.normalize(torch.randn(6, 8), dim=-1)
    keys = torch.tensor([0, 0, 1, 1, 2, 2])
    assert clip_loss(v, v, torch.tensor(4.0), keys) < clip_loss(v, v.roll(1, 0), torch.tensor(4.0), keys)

def test_split_by_scene():
    recs = [{'file_name': f'{i}', 'scene': f's{i % 10}'} for i in range(200)]
    tr, ho = split_by_scene(recs, 0.3, seed=1)
    assert len(tr) + len(ho) == 200 and ho
    assert not {recs[i]['scene'] for i in tr} & {recs[i]['scene'] for i in ho}

def test_virtual_camera_signs():
    "Pan right: content drifts left on screen (camera-centric convention)."
    x = np.tile(np.linspace(0, 255, 256, dtype=np.float32)[None, :, None], (256, 1, 3)).astype(np.uint8)
    c = virtual_camera_clip(x, 'pan_right', 4, 32).astype(float)
    assert c[-1].mean() > c[0].mean() # the window moved right, onto brighter columns, so content moved left
    with pytest.raises(ValueError, match='expected one of'): virtual_camera_clip(x, 'dolly_in')

def test_train_resume_and_cli(toy, tmp_path):
    out = tmp_path/'m'
    cfg = {**TINY, 'text': 'scratch', 'text_width': 32, 'text_layers': 1, 'text_heads': 2} # no MiniLM encoding: fast
    train_clip(toy, out, cfg, max_steps=4, batch_size=6, ckpt_every=2, heldout_frac=0.25, progress=False)
    assert json.loads((out/'trainer.json').read_text())['step'] == 4
    m = train_clip(toy, out, max_steps=6, batch_size=6, ckpt_every=2, heldout_frac=0.25, progress=False)
    assert json.loads((out/'trainer.json').read_text())['step'] == 6
    assert m.config['train_scenes'] and len(m.config['train_scenes']) < 8
    w = train_clip(toy, tmp_path/'w', cfg, max_steps=2, batch_size=6, pool_size=0, wording='train_wide', progress=False) # fresh paraphrases
    tw = CameraCLIP.from_pretrained(tmp_path/'w').config['train']
    assert tw['wording'] == 'train_wide' and tw['pool_size'] == 0
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'HF_HUB_OFFLINE': '1'}
    r = subprocess.run([sys.executable, '-c', 'import sys; from cinebench.cli import main; sys.exit(main(sys.argv[1:]))', 'retrieve', '--data', str(toy), '--model', str(out), '--pool', '100'],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert 'text->video label' in r.stdout and 'excluded' in r.stdout
    r = subprocess.run([sys.executable, '-c', 'import sys; from cinebench.cli import main; sys.exit(main(sys.argv[1:]))', 'retrieve', '--data', str(tmp_path), '--model', str(out)], capture_output=True, text=True, env=env)
    assert r.returncode == 2 and 'metadata.jsonl' in r.stderr

def test_embedded_model():
    if not (embedded_path()/'model.safetensors').exists(): pytest.skip('no embedded model shipped yet')
    m = CameraCLIP.from_pretrained()
    v = np.zeros((1, 8, 64, 64, 3), np.uint8)
    assert m.score(v, ['A static long shot.']).shape == (1, 1)

def test_conv_stem_and_pool():
    from cinebench.cameraclip import caption_pool, ClipDataset
    m = CameraCLIP({**TINY, 'image_size': 32, 'patch_size': 8, 'stem': 'conv', 'stem_channels': 16})
    assert m.encode_video(np.zeros((2, 4, 32, 32, 3), np.uint8)).shape == (2, 16)
    with pytest.raises(ValueError, match='multiple of 4'): CameraCLIP({**TINY, 'patch_size': 6, 'image_size': 48, 'stem': 'conv'})
    pool = caption_pool(['a red tree', 'a blue house'], n=2, seed=1)
    assert len(pool) == 275 and all(len(v) == 2 for v in pool.values())
    assert pool == caption_pool(['a blue house', 'a red tree'], n=2, seed=1) # seeded, order-free

def test_hf_clip_checkpoint(tmp_path):
    "Any CLIP checkpoint folder in the Hugging Face layout loads by path (here a tiny random one, BERT word pieces)."
    from transformers import CLIPConfig, CLIPModel, CLIPTextConfig, CLIPVisionConfig
    from cinebench.cameraclip import minilm_path, _load_tokenizer
    tc = CLIPTextConfig(vocab_size=30522, hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2,
                        max_position_embeddings=32, pad_token_id=0, bos_token_id=101, eos_token_id=102)
    vc = CLIPVisionConfig(image_size=32, patch_size=16, hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2)
    CLIPModel(CLIPConfig(text_config=tc.to_dict(), vision_config=vc.to_dict(), projection_dim=8)).save_pretrained(tmp_path)
    _load_tokenizer(minilm_path()).save_pretrained(tmp_path)
    m = CameraCLIP.from_pretrained(tmp_path)
    assert m.config['layout'] == 'clip' and m.config['text'] == 'clip'
    s = m.score(np.zeros((2, 3, 48, 40, 3), np.uint8), ['a pan left', 'a static shot'])
    assert s.shape == (2, 2) and torch.isfinite(s).all()
    (tmp_path/'model.safetensors').unlink()
    with pytest.raises(ValueError, match='without safetensors'): CameraCLIP.from_pretrained(tmp_path)

def test_half_save_and_text_from_cli(toy, tmp_path):
    "float16 storage loads back into float32; --text-from trains a new text tower on a frozen video tower."
    base = CameraCLIP({**TINY, 'text': 'scratch', 'text_width': 32, 'text_layers': 1, 'text_heads': 1})
    base.save_pretrained(tmp_path/'b', half=True)
    m = CameraCLIP.from_pretrained(tmp_path/'b')
    assert m.clip.visual_projection.weight.dtype == torch.float32
    v = np.random.default_rng(1).integers(0, 255, (2, 4, 32, 32, 3), dtype=np.uint8)
    assert torch.allclose(base.encode_video(v), m.encode_video(v), atol=1e-2)
    from cinebench.cameraclip import train_clip_cli
    assert train_clip_cli(['--data', str(toy), '--out', str(tmp_path/'t'), '--text-from', str(tmp_path/'b'), '--text', 'scratch',
                           '--text-width', '32', '--text-layers', '1', '--steps', '2', '--batch-size', '4']) == 0
    t = CameraCLIP.from_pretrained(tmp_path/'t')
    assert torch.allclose(t.encode_video(v), m.encode_video(v), atol=1e-5) # video tower kept
    assert t.config['train']['text_stage']['steps'] == 2
    assert train_clip_cli(['--data', str(toy), '--out', str(tmp_path/'t2'), '--text-from', str(tmp_path/'t'), '--text', 'scratch',
                           '--text-width', '32', '--text-layers', '1', '--steps', '3', '--batch-size', '4', '--train-wording', 'train_wide']) == 0
    tr = CameraCLIP.from_pretrained(tmp_path/'t2').config['train'] # a second text stage keeps the first one's record
    assert tr['text_stage']['steps'] == 3 and tr['earlier_stages'] == [{'text_stage': t.config['train']['text_stage']}]
    assert tr['text_stage']['wording'] == 'train_wide' and tr['earlier_stages'][0]['text_stage']['wording'] == 'train'
    with pytest.raises(SystemExit): # a held-out wording family can't be trained on
        train_clip_cli(['--data', str(toy), '--out', str(tmp_path/'t3'), '--text-from', str(tmp_path/'t'), '--train-wording', 'heldout2'])
    from cinebench.cameraclip import retrain_text_tower
    with pytest.raises(ValueError, match='held-out families are for evaluation only'):
        retrain_text_tower(t, np.zeros((1, 4, 32, 32, 3), np.uint8), [{}], wording='heldout')

def test_text_init_minilm_words():
    m = CameraCLIP({**TINY, 'text': 'scratch', 'text_width': 32, 'text_layers': 1, 'text_heads': 1, 'text_init': 'minilm_words'})
    w = m.clip.text_model.embeddings.token_embedding.weight
    assert not w.requires_grad and w.shape == (30522, 32)
    with pytest.raises(ValueError, match='text_init'): CameraCLIP({'text_init': 'glove'})

def test_minilm_lora_and_motion_features(toy, tmp_path):
    "LoRA-tuned MiniLM text tower + classical camera-motion features: signs, save/load of adapters only, bad input, --text-from."
    from cinebench.cameraclip import motion_features, MOTION_FEATURES, train_clip_cli
    from skimage import data
    photo = data.astronaut()
    right, left = (virtual_camera_clip(photo, m, 8, 64) for m in ('pan_right', 'pan_left'))
    phi = motion_features(np.stack([right, left]))
    assert phi.shape == (2, len(MOTION_FEATURES)) and phi[0, 0] > 0 > phi[1, 0] # camera-centric: pan right > 0
    cfg = {**TINY, 'text': 'minilm_lora', 'text_lora_rank': 4, 'motion': 'camera'}
    m = CameraCLIP(cfg, seed=1)
    with torch.no_grad(): m.motion_head[-1].weight.normal_() # an untrained head starts near zero; make the features count
    v = np.stack([right, left])
    e = m.encode_video(v)
    assert e.shape == (2, 16) and not torch.allclose(e[0], e[1], atol=1e-3)
    m.save_pretrained(tmp_path/'h')
    from safetensors import safe_open
    with safe_open(str(tmp_path/'h'/'model.safetensors'), 'pt') as f: keys = list(f.keys())
    assert any('lora_' in k for k in keys) and not [k for k in keys if k.startswith('text_encoder.') and 'lora_' not in k]
    m2 = CameraCLIP.from_pretrained(tmp_path/'h')
    assert torch.allclose(m.score(v, ['a pan right', 'a still shot']), m2.score(v, ['a pan right', 'a still shot']), atol=1e-5)
    with pytest.raises(ValueError, match='motion_scale'): CameraCLIP({**TINY, 'motion': 'camera', 'motion_scale': [1, 2]})
    with pytest.raises(ValueError, match='motion'): CameraCLIP({**TINY, 'motion': 'flow'})
    with pytest.raises(ValueError, match='phi'): m.video_features(m._prep(torch.from_numpy(v)), np.zeros((2, 3)))
    base = CameraCLIP({**TINY, 'text': 'scratch', 'text_width': 32, 'text_layers': 1, 'text_heads': 1}); base.save_pretrained(tmp_path/'b')
    assert train_clip_cli(['--data', str(toy), '--out', str(tmp_path/'t'), '--text-from', str(tmp_path/'b'), '--text', 'minilm_lora',
                           '--text-lora-rank', '4', '--motion', 'camera', '--steps', '2', '--batch-size', '4', '--bank-size', '8']) == 0
    t = CameraCLIP.from_pretrained(tmp_path/'t')
    assert t.config['motion'] == 'camera' and t.config['train']['text_stage']['motion'] == 'camera'
    assert t.encode_video(v).shape == (2, 16)

def test_image_from_cli(toy, tmp_path):
    "--image-from trains a new (CNN) image tower against a frozen text tower: captions score exactly as before, clips do not; bad input."
    from cinebench.cameraclip import train_clip_cli, ConvTower
    base = CameraCLIP({**TINY, 'text': 'scratch', 'text_width': 32, 'text_layers': 1, 'text_heads': 1}); base.save_pretrained(tmp_path/'b')
    assert train_clip_cli(['--data', str(toy), '--out', str(tmp_path/'i'), '--image-from', str(tmp_path/'b'), '--vision', 'cnn',
                           '--cnn-width', '8', '--frames', '2', '--steps', '3', '--batch-size', '4', '--definitions', '1', '--half']) == 0
    m = CameraCLIP.from_pretrained(tmp_path/'i')
    assert m.config['vision'] == 'cnn' and m.config['frames'] == 2 and isinstance(m.cnn, ConvTower)
    assert m.config['train']['image_stage']['steps'] == 3 and m.config['train']['image_stage']['cnn_width'] == 8
    texts = ['a close-up, the camera pans left', 'a long shot from a high angle']
    assert torch.allclose(m.encode_text(texts), base.encode_text(texts), atol=1e-2) # text tower kept (float16 storage)
    v = np.random.default_rng(2).integers(0, 255, (2, 4, 32, 32, 3), dtype=np.uint8)
    assert m.encode_video(v).shape == (2, 16) and not torch.allclose(m.encode_video(v), base.encode_video(v), atol=1e-2)
    # and the converse keeps the CNN: a new text tower on it leaves the clips' embeddings as they were
    assert train_clip_cli(['--data', str(toy), '--out', str(tmp_path/'t'), '--text-from', str(tmp_path/'i'), '--text', 'scratch',
                           '--text-width', '32', '--text-layers', '1', '--steps', '2', '--batch-size', '4']) == 0
    assert torch.allclose(CameraCLIP.from_pretrained(tmp_path/'t').encode_video(v), m.encode_video(v), atol=1e-5)
    assert train_clip_cli(['--data', str(toy), '--out', str(tmp_path/'x'), '--image-from', str(tmp_path/'nope')]) == 2
    assert train_clip_cli(['--data', str(toy), '--out', str(tmp_path/'x'), '--image-from', str(tmp_path/'b'), '--text-from', str(tmp_path/'b')]) == 2
    with pytest.raises(ValueError, match='cnn_width'): CameraCLIP({**TINY, 'vision': 'cnn', 'cnn_width': 12})
    with pytest.raises(ValueError, match='vision'): CameraCLIP({**TINY, 'vision': 'resnet'})
