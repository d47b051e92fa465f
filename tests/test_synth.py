"SynthCine: the CLI and its dataset, determinism, bad input, and the physics measured from pixels."
import os, json, subprocess, sys, math
os.environ.setdefault('OMP_NUM_THREADS', '1')
from dataclasses import replace
from pathlib import Path
import numpy as np
import pytest
from cinebench.synth import (sample_spec, render_clip, synth, read_metadata, spec_from_record, LOOKS, DEFAULT_MOVEMENTS,
                             letterbox_rows, white_balance_gain, apply_look)
from cinebench.taxonomy import parse_caption, valid_keys, PHYSICAL, MOTION_AXES
from cinebench.io import read_video

EXE = os.path.join(os.path.dirname(sys.executable), 'cinebench')
def cli(*args):
    return subprocess.run([EXE, *map(str, args)], capture_output=True, text=True, env={**os.environ, 'OMP_NUM_THREADS': '1'})

import numpy as np
def gray(x): return np.asarray(x, np.float64) @ [0.299, 0.587, 0.114]

def phase_shift(a, b):
    "Translation (dx, dy) in pixels that moves image a onto image b (phase correlation, parabolic sub-pixel peak)."
    a, b = gray(a), gray(b)
    win = np.outer(np.hanning(a.shape[0]), np.hanning(a.shape[1]))
    A, B = np.fft.fft2((a - a.mean()) * win), np.fft.fft2((b - b.mean()) * win)
    R = B * np.conj(A); R /= np.abs(R) + 1e-9
    r = np.fft.ifft2(R).real
    iy, ix = np.unravel_index(np.argmax(r), r.shape)
    def sub(c, i, n):
        l, m, h = c[(i - 1) % n], c[i], c[(i + 1) % n]
        d = l - 2 * m + h
        return i + (0.5 * (l - h) / d if d != 0 else 0)
    dy, dx = sub(r[:, ix], iy, r.shape[0]), sub(r[iy], ix, r.shape[1])
    H, W = r.shape
    return (dx + W / 2) % W - W / 2, (dy + H / 2) % H - H / 2

def mask_box(mask):
    "Bounding box (x0, x1, y0, y1) of a boolean mask."
    ys, xs = np.nonzero(mask)
    return xs.min(), xs.max() + 1, ys.min(), ys.max() + 1

def is_red(x): x = np.asarray(x, float); return (x[..., 0] > 2 * x[..., 1] + 20) & (x[..., 0] > 2 * x[..., 2] + 20)
def is_blue(x): x = np.asarray(x, float); return (x[..., 2] > 2 * x[..., 0] + 20) & (x[..., 2] > 1.3 * x[..., 1] + 20)

def grad_energy(x, axis):
    "Mean squared finite difference of the grey image along an axis (1: vertical, 2: horizontal for (T,H,W,3))."
    g = gray(x)
    return float(np.mean(np.diff(g, axis=axis) ** 2))

def rotate_screen_ccw(img, deg):
    "Rotate a grey image counter-clockwise on screen (y down) by `deg` about its centre (bilinear)."
    from scipy.ndimage import map_coordinates
    H, W = img.shape; cy, cx = (H - 1) / 2, (W - 1) / 2
    yy, xx = np.mgrid[0:H, 0:W].astype(float)
    t = np.radians(deg); x, y = xx - cx, yy - cy
    # output pixel p came from input R^-1 p; on screen (y down) a ccw turn maps (x, y) -> (x cos + y sin, -x sin + y cos)
    xs = x * np.cos(t) - y * np.sin(t); ys = x * np.sin(t) + y * np.cos(t)
    return map_coordinates(img, [ys + cy, xs + cx], order=1, mode='nearest')

def screen_rotation(a, b, grid=np.arange(-40, 40.5, 0.5)):
    "On-screen counter-clockwise rotation (deg) that best maps grey image a onto b, in a central disc."
    a, b = gray(a), gray(b)
    H, W = a.shape; yy, xx = np.mgrid[0:H, 0:W]
    disc = (xx - (W - 1) / 2) ** 2 + (yy - (H - 1) / 2) ** 2 < (0.4 * min(H, W)) ** 2
    err = [np.mean((rotate_screen_ccw(a, g) - b)[disc] ** 2) for g in grid]
    return float(grid[int(np.argmin(err))])

def best_scale(a, b, grid=np.exp(np.linspace(-0.7, 0.7, 141))):
    "Scale about the centre that best maps grey image a onto b (b ~ a zoomed by s), central region."
    from scipy.ndimage import map_coordinates
    a, b = gray(a), gray(b)
    H, W = a.shape; yy, xx = np.mgrid[0:H, 0:W].astype(float); cy, cx = (H - 1) / 2, (W - 1) / 2
    m = (np.abs(xx - cx) < 0.3 * W) & (np.abs(yy - cy) < 0.3 * H)
    err = [np.mean((map_coordinates(a, [(yy - cy) / s + cy, (xx - cx) / s + cx], order=1, mode='nearest') - b)[m] ** 2) for s in grid]
    return float(grid[int(np.argmin(err))])


# ---------------------------------------------------------------- the CLI and the dataset
@pytest.fixture(scope='module')
def ds16(tmp_path_factory):
    out = tmp_path_factory.mktemp('synth') / 'ds'
    r = cli('synth', '--n', 16, '--out', out, '--seed', 1, '--quiet')
    assert r.returncode == 0, r.stderr
    assert 'wrote 16 clips' in r.stdout
    return out

def test_cli_writes_16_clips_and_metadata(ds16):
    recs = read_metadata(ds16)
    assert len(recs) == 16 and len(list((ds16 / 'clips').glob('*.mp4'))) == 16
    assert not [p for p in ds16.parent.iterdir() if p.name.startswith('.')]  # no temporary folder left
    assert set(r['movement'] for r in recs) == set(DEFAULT_MOVEMENTS)  # cycled: every label appears
    for r in recs:
        for k in ('file_name', 'text', 'paraphrases', 'framing', 'angle', 'movement', 'scene', 'subject', 'fps', 'frames',
                  'width', 'height', 'seed', 'look', 'physical', 'physical_norm', 'motion', 'camera', 'source'):
            assert k in r, k
        assert (ds16 / r['file_name']).stat().st_size > 0
        assert r['framing'] in valid_keys('framing') and r['angle'] in valid_keys('angle')
        lab, subject = parse_caption(r['text'])
        assert (lab.framing, lab.angle, lab.movement, subject) == (r['framing'], r['angle'], r['movement'], r['subject'])
        assert len(r['paraphrases']) == 3 and all(isinstance(p, str) and p for p in r['paraphrases'])
        assert len(r['paraphrases_heldout']) == 2 and not set(r['paraphrases_heldout']) & set(r['paraphrases'])
        assert set(r['physical']) == set(PHYSICAL)
        for k, v in r['physical'].items(): PHYSICAL[k].check(v)
        assert all(-1 <= v <= 1 for v in r['physical_norm'].values())
        assert set(r['motion']) == set(MOTION_AXES)
        cam = r['camera']
        assert np.array(cam['intrinsics']).shape == (16, 4) and np.array(cam['extrinsics']).shape == (16, 3, 4)
        R = np.array(cam['extrinsics'])[:, :, :3]
        assert np.allclose(R @ R.transpose(0, 2, 1), np.eye(3), atol=1e-4)
        assert (r['fps'], r['frames'], r['width'], r['height'], r['look'], r['source']) == (12.0, 16, 64, 64, 'none', 'synth')
    x = read_video(ds16 / recs[0]['file_name'])
    assert x.shape == (16, 64, 64, 3)

def test_encoded_clip_matches_render(ds16):
    r = read_metadata(ds16)[3]
    x, _ = render_clip(spec_from_record(r))
    y = read_video(ds16 / r['file_name'])
    assert np.abs(x.astype(int) - y.astype(int)).mean() < 4  # H.264 at CRF 18 is close to the rendered frames

def test_same_seed_same_clips(tmp_path):
    a = synth(3, tmp_path / 'a', seed=5, progress=False)
    b = synth(3, tmp_path / 'b', seed=5, progress=False)
    c = synth(3, tmp_path / 'c', seed=6, progress=False)
    w = synth(3, tmp_path / 'w', seed=5, progress=False, workers=2)
    ra, rb, rc = read_metadata(a), read_metadata(b), read_metadata(c)
    assert ra == rb == read_metadata(w) and ra != rc
    for x, y in zip(ra, rb): # the rendered arrays are bit-exact (test_render_is_bit_exact); x264 output is not
        d = np.abs(read_video(a / x['file_name']).astype(int) - read_video(b / y['file_name']).astype(int))
        assert d.mean() < 2.5, d.mean() # libx264 via PyAV is not reproducible run to run (about 1 level on average)

def test_render_is_bit_exact():
    for seed in (0, 1, 2):
        s = sample_spec(seed, looks=LOOKS)
        x1, m1 = render_clip(s); x2, m2 = render_clip(sample_spec(seed, looks=LOOKS))
        assert np.array_equal(x1, x2) and m1 == m2
    assert not np.array_equal(render_clip(sample_spec(0))[0], render_clip(sample_spec(1))[0])

def test_cli_bad_arguments(tmp_path):
    r = cli('synth', '--n', 2, '--out', tmp_path / 'x', '--size', '63x64')
    assert r.returncode == 2 and 'even' in r.stderr
    r = cli('synth', '--n', 2, '--out', tmp_path / 'x', '--movements', 'pan_sideways')
    assert r.returncode == 2 and 'pan_left' in r.stderr  # lists the valid labels
    r = cli('synth', '--n', 2, '--out', tmp_path / 'x', '--looks', 'sepia')
    assert r.returncode == 2 and 'teal_orange' in r.stderr
    r = cli('synth', '--n', 0, '--out', tmp_path / 'x')
    assert r.returncode == 2 and 'at least 1' in r.stderr
    r = cli('synth', '--n', 2, '--out', tmp_path / 'x', '--fps', 24, '--frames', 0)
    assert r.returncode == 2
    r = cli('synth', '--out', tmp_path / 'x')
    assert r.returncode == 2 and '--n' in r.stderr
    (tmp_path / 'full').mkdir(); (tmp_path / 'full' / 'keep.txt').write_text('x')
    r = cli('synth', '--n', 1, '--out', tmp_path / 'full')
    assert r.returncode == 2 and '--overwrite' in r.stderr and (tmp_path / 'full' / 'keep.txt').exists()

def test_options_and_extended_movements(tmp_path):
    out = synth(6, tmp_path / 'e', seed=2, size='48x32', frames=5, fps=24, movements=['truck_left', 'pedestal_up', 'arc_right'],
                looks='all', scenes=2, progress=False)
    recs = read_metadata(out)
    assert [r['movement'] for r in recs] == ['truck_left', 'pedestal_up', 'arc_right'] * 2
    assert len({r['scene'] for r in recs}) == 2
    assert all((r['width'], r['height'], r['frames'], r['fps']) == (48, 32, 5, 24.0) for r in recs)
    assert read_video(out / recs[0]['file_name']).shape == (5, 32, 48, 3)

def test_random_specs_render_cleanly():
    "Random specs over every movement (extended too), odd sizes and frame counts: no warnings, valid records."
    import warnings
    mv = valid_keys('movement', extended=True)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        for i in range(60):
            size = [(16, 16), (32, 18), (48, 64)][i % 3]
            s = sample_spec(1000 + i, movements=[mv[i % len(mv)]], looks=LOOKS, size=size, frames=[1, 2, 5][i % 3],
                            fps=[6, 24, 30][i % 3])
            x, m = render_clip(s)
            assert x.shape == (s.frames, size[1], size[0], 3) and x.dtype == np.uint8
            r = json.loads(json.dumps(m))
            assert spec_from_record(r) == s and np.array(r['camera']['extrinsics']).shape == (s.frames, 3, 4)

@pytest.mark.parametrize('mv', ['pan_right', 'tilt_up', 'roll_cw', 'zoom_out', 'dolly_in', 'truck_left', 'pedestal_down', 'arc_right'])
def test_recorded_camera_matches_pixels(mv):
    "Projecting the subject with the metadata's per-frame intrinsics and extrinsics lands where it is drawn."
    s = sample_spec(21, movement=mv, framing='long_shot', angle='high_angle', subject='figure', color='blue', setting='snow',
                    time_of_day='overcast', props=False, foreground=[], size=(128, 128), look='none')
    x, m = render_clip(s, effects=False)
    cam = json.loads(json.dumps(m))['camera']
    X = np.array([0, 0.64 * s.subject_height, 0, 1.0]) # the middle of the figure's blue coat (with its arms)
    for t in range(s.frames):
        fx, fy, cx, cy = cam['intrinsics'][t]
        p = np.array(cam['extrinsics'][t]) @ X
        ys, xs = np.nonzero(is_blue(x[t]))
        assert abs(xs.mean() - (fx * p[0] / p[2] + cx)) < 1 and abs(ys.mean() - (fy * p[1] / p[2] + cy)) < 1, (t, xs.mean(), ys.mean())

def test_large_frames():
    x, m = render_clip(sample_spec(4, size=(1024, 576), frames=2, movement='dolly_in', shutter=1/2000))
    assert x.shape == (2, 576, 1024, 3) and x.std() > 5

def test_demo_cli_tiny(tmp_path):
    r = cli('demo', '--out', tmp_path / 'demo', '--per-movement', 1, '--size', '32x32', '--frames', 3, '--no-effects', '--quiet')
    assert r.returncode == 0, r.stderr
    page = (tmp_path / 'demo' / 'report.html').read_text()
    assert 'report:' in r.stdout and 'Plotly' in page and len(read_metadata(tmp_path / 'demo' / 'synthcine')) == len(DEFAULT_MOVEMENTS)
    assert page.count('base64,iVBOR') >= len(DEFAULT_MOVEMENTS) # the clips' frames are in the page as PNG

# ---------------------------------------------------------------- looks
def test_looks():
    s = sample_spec(11, look='none', movement='static', frames=2)
    x0, _ = render_clip(s)
    for look in LOOKS[1:]:
        x, m = render_clip(replace(s, look=look))
        assert m['look'] == look and not np.array_equal(x, x0), look
    xb, _ = render_clip(replace(s, look='letterbox'))
    b = letterbox_rows(64, 64)
    assert b == (64 - 26) // 2 and xb[:, :b].max() == 0 and xb[:, -b:].max() == 0 and xb[:, b:-b].max() > 0
    xt, _ = render_clip(replace(s, look='teal_orange'))
    g = gray(x0); dark, bright = g < np.percentile(g, 30), g > np.percentile(g, 70)
    d = xt.astype(float) - x0.astype(float); cool = d[..., 2] - d[..., 0] # shadows go teal, highlights orange
    assert cool[dark].mean() > cool[bright].mean() + 5, (cool[dark].mean(), cool[bright].mean())
    xg1, _ = render_clip(replace(s, look='period_warm')); xg2, _ = render_clip(replace(s, look='period_warm'))
    assert np.array_equal(xg1, xg2)  # grain is seeded
    assert xg1[..., 0].mean() / xg1[..., 2].mean() > x0[..., 0].mean() / x0[..., 2].mean()

# ---------------------------------------------------------------- physics, measured from pixels
BASE = dict(framing='long_shot', angle='eye_level', focal_mm=35.0, look='none', shutter=1/1000, aperture=16.0,
            color_temp=6500.0, focus_distance='subject', yaw=0.0)

@pytest.mark.parametrize('mv,axis,sign', [('pan_left', 0, 1), ('pan_right', 0, -1), ('tilt_up', 1, 1), ('tilt_down', 1, -1),
                                          ('truck_right', 0, -1), ('pedestal_down', 1, -1)])
def test_pan_tilt_direction(mv, axis, sign):
    x, _ = render_clip(sample_spec(13, movement=mv, **BASE))
    sh = np.mean([phase_shift(x[i], x[i + 1]) for i in range(len(x) - 1)], 0)
    assert sign * sh[axis] > 0.5 and abs(sh[1 - axis]) < 0.3 * abs(sh[axis]), sh

def test_static_does_not_move():
    x, _ = render_clip(sample_spec(13, movement='static', **BASE))
    assert np.array_equal(x[0], x[-1])

def test_roll_turns_content_the_other_way():
    for mv in ('roll_cw', 'roll_ccw'):
        s = sample_spec(13, movement=mv, **BASE); x, _ = render_clip(s)
        rot = screen_rotation(x[0], x[-1])
        assert np.sign(rot) == np.sign(s.motion['roll']) and abs(rot - s.motion['roll']) < 3, (mv, rot)

def test_zoom_grows_uniformly_by_the_focal_ratio():
    s = sample_spec(13, movement='zoom_in', **BASE); x, _ = render_clip(s)
    assert abs(best_scale(x[0], x[-1]) - math.exp(s.motion['zoom'])) < 0.05
    s = sample_spec(13, movement='zoom_out', **BASE); x, _ = render_clip(s)
    assert abs(best_scale(x[0], x[-1]) - math.exp(s.motion['zoom'])) < 0.05

def test_dolly_has_parallax_zoom_does_not():
    par = dict(BASE, subject='figure', color='blue', setting='snow', time_of_day='overcast', props=False, move_amount=0.2,
               size_ratio=0.7, size=(128, 128))
    d0 = sample_spec(5, movement='static', **par).distance
    fpx = 35 / 14 * 128; z = 0.45 * d0
    near = [('pole', -0.15 * 128 / fpx * z, z, 2.0, 'red')]
    width = lambda m: m.sum() / max(1, m.any(1).sum())
    height = lambda m: m.sum() / max(1, m.any(0).sum())
    g = {}
    for mv in ('zoom_in', 'dolly_in'):
        x, _ = render_clip(sample_spec(5, movement=mv, foreground=near, **par), effects=False)
        g[mv] = width(is_red(x[-1])) / width(is_red(x[0])), height(is_blue(x[-1])) / height(is_blue(x[0]))
    assert abs(g['zoom_in'][0] / g['zoom_in'][1] - 1) < 0.1, g
    assert g['dolly_in'][0] / g['dolly_in'][1] > 1.3, g
    assert g['dolly_in'][1] > 1.1  # the far figure grows too, but less

def test_blur_grows_with_exposure():
    ratios = []
    for sh in (1/1000, 1/100, 1/24):
        x, _ = render_clip(sample_spec(7, movement='pan_right', size=(96, 96), fps=24, frames=6, shutter=sh, move_amount=0.5,
                                       **{k: v for k, v in BASE.items() if k != 'shutter'}))
        ratios.append(grad_energy(x[1:5], 2) / grad_energy(x[1:5], 1))
    assert ratios[0] > ratios[1] > ratios[2] and ratios[2] < 0.6 * ratios[0], ratios

def test_defocus_grows_away_from_focus_plane():
    s = sample_spec(8, movement='static', size=(128, 128), frames=1, framing='medium_shot', angle='eye_level', look='none',
                    aperture=1.4, shutter=1/1000, focal_mm=85.0, subject='figure', yaw=0.0, color_temp=6500.0)
    def sharp(k):
        x, _ = render_clip(replace(s, focus_distance=k * s.distance))
        g = gray(x[0]); lap = np.diff(g, 2, 0)[:, 1:-1] ** 2 + np.diff(g, 2, 1)[1:-1] ** 2
        return lap[40:88, 40:88].mean()
    v = {k: sharp(k) for k in (0.5, 0.7, 1.0, 1.4, 2.0)}
    assert v[0.5] < v[0.7] < v[1.0] > v[1.4] > v[2.0], v
    # a smaller aperture (larger f-number) gives more depth of field
    x, _ = render_clip(replace(s, focus_distance=2 * s.distance, aperture=16.0))
    g = gray(x[0]); lap = np.diff(g, 2, 0)[:, 1:-1] ** 2 + np.diff(g, 2, 1)[1:-1] ** 2
    assert lap[40:88, 40:88].mean() > 3 * v[2.0]

def test_warm_light_raises_red_over_blue():
    rb = []
    for K in (3000, 5000, 6500, 9000):
        x, _ = render_clip(sample_spec(9, movement='static', frames=2, color_temp=K, look='none'))
        rb.append(x[..., 0].mean() / x[..., 2].mean())
    assert rb[0] > rb[1] > rb[2] > rb[3], rb
    assert np.allclose(white_balance_gain(6500), 1, atol=1e-6)
