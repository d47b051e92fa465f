"Camera motion and physical-property estimators: labels, signs, bad input, CLI. Fast (a few seconds)."
import os, json, subprocess, sys
os.environ.setdefault('OMP_NUM_THREADS', '1')
import numpy as np
import pytest
from cinebench.measure import (camera_motion, virtual_camera, photo, motion_cli, color_temperature, relight, motion_blur,
                               defocus, fit_focus, MOTION_CLASSES, cct, planck_xy,
                               defocus_by_depth, depth_bands, texture_calibration, defocus_calibration)
from cinebench.io import write_video


@pytest.fixture(scope='module')
def ast(): return photo('astronaut')[::2, ::2]


@pytest.mark.parametrize('mv,speed', [('pan_left', 0.5), ('pan_right', 0.5), ('tilt_up', 0.5), ('tilt_down', 0.5),
                                      ('zoom_in', 0.01), ('zoom_out', 0.01), ('roll_cw', 0.8), ('roll_ccw', 0.8), ('static', 0)])
def test_labels_and_signs(ast, mv, speed):
    r = camera_motion(virtual_camera(ast, mv, speed, frames=10, seed=4))
    assert r.label == mv
    axis = mv.split('_')[0]
    if axis != 'static':
        v = getattr(r, axis)
        assert (v > 0) == (mv in ('pan_right', 'tilt_up', 'zoom_in', 'roll_cw'))
        assert r.confidence > 0.5
    assert len(r.per_frame['pan']) == 9


def test_static_with_subjects(ast):
    x = virtual_camera(ast, 'static', 0, frames=10, subjects=[photo('coffee'), photo('chelsea')], noise=4, seed=1)
    assert camera_motion(x).label == 'static'


def test_dolly_vs_zoom_two_layers(ast):
    co = photo('coffee')
    assert camera_motion(virtual_camera(ast, 'zoom_in', 0.012, frames=16, near=co, seed=3)).label == 'zoom_in'
    assert camera_motion(virtual_camera(ast, 'dolly_in', 0.012, frames=16, near=co, seed=3)).label == 'dolly_in'


def test_dolly_toward_a_slanted_surface_by_keystone():
    # development seed 2030 (high-angle extreme long shot: the ground slants away): the dolly reads as a zoom without
    # the keystone cue; the zoom of the same shot has no magnification gradient
    from cinebench.synth import sample_spec, render_clip
    clip = lambda mv: render_clip(sample_spec(2030, movements=[mv], size=(256, 144), frames=16))[0]
    d, z = clip('dolly_out'), clip('zoom_out')
    assert camera_motion(d, keystone_threshold=np.inf).label == 'zoom_out'
    m = camera_motion(d)
    assert m.label == 'dolly_out' and m.keystone > 0.15 and m.to_dict()['keystone'] == round(m.keystone, 6)
    mz = camera_motion(z)
    assert mz.label == 'zoom_out' and mz.keystone < 0.05


def test_dolly_by_pixels_seen_to_hold_still():
    # development seed 4045 (a brick tower fills the frame; sky and a far wall in thin strips at its edges): without the
    # pixel cue the dolly reads as a zoom; the zoom of the same shot has almost no pixel held still
    from cinebench.synth import sample_spec, render_clip
    clip = lambda mv: render_clip(sample_spec(4045, movements=[mv], size=(256, 144), frames=16))[0]
    d, z = clip('dolly_out'), clip('zoom_out')
    assert camera_motion(d, still_threshold=np.inf).label == 'zoom_out'
    m = camera_motion(d)
    assert m.label == 'dolly_out' and m.still_share >= 0.2 and m.to_dict()['still_share'] == round(m.still_share, 6)
    mz = camera_motion(z)
    assert mz.label == 'zoom_out' and mz.still_share < 0.05


def test_bad_input():
    with pytest.raises(ValueError, match='uint8'): camera_motion(np.zeros((4, 64, 64, 3), np.float32))
    with pytest.raises(ValueError, match='at least 2 frames'): camera_motion(np.zeros((1, 64, 64, 3), np.uint8))
    with pytest.raises(ValueError, match=r'\(T,H,W,3\)'): camera_motion(np.zeros((4, 64, 64), np.uint8))
    with pytest.raises(ValueError, match='at least 32x32'): camera_motion(np.zeros((4, 16, 64, 3), np.uint8))
    with pytest.raises(ValueError, match='no such file'): camera_motion('/nonexistent/clip.mp4')
    with pytest.raises(ValueError, match='clipped or black'): color_temperature(np.zeros((8, 8, 3), np.uint8))
    with pytest.raises(ValueError, match='unknown illuminant'): color_temperature(np.full((8, 8, 3), 100, np.uint8), 'magic')
    with pytest.raises(ValueError, match='need at least 2'): fit_focus([1.0], [2.0])


def test_flat_clip_is_static_not_nan():
    r = camera_motion(np.full((6, 72, 128, 3), 90, np.uint8))
    assert r.label == 'static' and np.isfinite([r.pan, r.tilt, r.zoom, r.roll, r.parallax]).all()


def test_color_temperature_relight(ast):
    est = [color_temperature(relight(ast, K)) for K in (3000, 5000, 6500, 9000)]
    assert np.all(np.diff(est) > 0)
    assert abs(1e6 / est[2] - 1e6 / 6500) < 40   # within 40 mired of the truth at the balance point
    assert abs(float(cct(planck_xy(4000.0))) - 4000) < 5


def test_defocus_and_focus_fit():
    from scipy import ndimage
    im = photo('chelsea')[::2, ::2].copy()
    b = im.copy(); b[:, 112:] = ndimage.gaussian_filter(im.astype(np.float32), (2, 2, 0))[:, 112:].round().astype(np.uint8)
    m = defocus(b, grid=(2, 2))
    assert np.nanmean(m[:, 1]) > 1.2 and np.nanmean(m[:, 0]) < 0.6
    # 8-bit banding in a smooth, strongly defocused area is not an edge (it used to read as "sharp")
    ramp = np.repeat(np.linspace(60, 90, 256)[None], 144, 0)[..., None].repeat(3, -1).round().astype(np.uint8)
    assert np.isnan(defocus(ramp, grid=(1, 2))).all()
    z = np.array([1.0, 2.0, 4.0, 8.0, 16.0]); s = 3.0 * np.abs(1 / z - 1 / 4.0)
    zf, k = fit_focus(s, z)
    assert abs(zf - 4.0) / 4.0 < 0.05 and abs(k - 3.0) < 0.2


def test_defocus_by_depth_bands_and_bad_depth():
    from scipy import ndimage
    im = photo('chelsea')[::2, ::2].copy(); H, W = im.shape[:2]
    b = im.copy(); b[:, W // 2:] = ndimage.gaussian_filter(im.astype(np.float32), (2.5, 2.5, 0))[:, W // 2:].round().astype(np.uint8)
    z = np.full((H, W), 2.0); z[:, W // 2:] = 8.0 # the blurred half lies farther away
    d = defocus_by_depth(b, z, bands=4)
    assert np.isfinite(d.sigma[0]) and np.isfinite(d.sigma[-1]) and d.sigma[0] < 0.6 < 1.5 < d.sigma[-1]
    assert d.depth[0] == 2.0 and d.depth[-1] == 8.0 and np.all(np.diff(d.limits) > 0)
    band, _ = depth_bands(z, 4)
    assert (band[:, W // 2 - 2:W // 2 + 2] == -1).all() and (band[:, :W // 2 - 3] == 0).all() # the step itself is left out
    assert np.isfinite(defocus_by_depth(b, z[::2, ::2], bands=4).sigma[-1]) # a smaller map of the same aspect is resampled
    with pytest.raises(ValueError, match='not finite and > 0'): defocus_by_depth(b, np.zeros((H, W)))
    with pytest.raises(ValueError, match='same aspect ratio'): defocus_by_depth(b, np.ones((H, H)))
    with pytest.raises(ValueError, match='depth has 3 frames, the video 1'): defocus_by_depth(b, np.ones((3, H, W)))
    with pytest.raises(ValueError, match=r'expected \(H,W\) or \(T,H,W\)'): defocus_by_depth(b, np.ones(W))
    with pytest.raises(ValueError, match='expected uint8'): defocus_by_depth(b.astype(np.float32), z)


def test_texture_calibration_matches_the_shipped_table():
    import cinebench.measure as M
    for s0 in (1.0, 3.0):
        s, raw = texture_calibration(s0)
        assert np.allclose(raw, M._TEXTURE_CAL[s0], atol=1e-3), (s0, raw)
        assert np.array_equal(s, defocus_calibration(s0)[0]) and raw[0] < defocus_calibration(s0)[1][0] # finer than a step edge
    im = photo('chelsea')[::2, ::2].copy()
    assert np.nanmean(defocus(im, grid=(1, 2), calibration='texture')) > np.nanmean(defocus(im, grid=(1, 2))) # same raw, lower floor
    with pytest.raises(ValueError, match="calibration='step'"): defocus(im, calibration='step')


def test_motion_blur_grows_with_exposure(ast):
    from scipy import ndimage
    img = photo('coffee')[100:244, 100:356].astype(np.float32)
    def clip(e):
        out = [np.mean([ndimage.shift(img, (0, -6 * (t + (k + .5) / 12 * e), 0), order=1, mode='mirror') for k in range(12)], 0) for t in range(4)]
        return np.clip(np.stack(out), 0, 255).round().astype(np.uint8)
    b = [motion_blur(clip(e), fps=24) for e in (0.0, 0.5, 1.0)]
    assert b[0].blur < b[1].blur < b[2].blur and np.isfinite(b[2].shutter)


def test_motion_blur_nan_without_fine_detail():
    "A picture with no fine detail (heavily smoothed) cannot show motion blur: nan, with the detail measure that says why."
    from scipy import ndimage
    img = photo('coffee')[100:244, 100:356].astype(np.float32)
    def clip(im):
        return np.clip(np.stack([ndimage.shift(im, (0, -6 * t, 0), order=1, mode='mirror') for t in range(4)]), 0, 255).round().astype(np.uint8)
    sharp, smooth = motion_blur(clip(img), fps=24), motion_blur(clip(ndimage.gaussian_filter(img, (3, 3, 0))), fps=24)
    assert np.isfinite(sharp.blur) and sharp.detail >= 100
    assert np.isnan(smooth.blur) and np.isnan(smooth.shutter) and smooth.detail < 100 and smooth.speed > 3


def test_cli(tmp_path, ast, capsys):
    p = tmp_path / 'tilt.mp4'
    write_video(p, virtual_camera(photo('astronaut'), 'tilt_down', 0.5, frames=10, seed=5), fps=24)
    assert motion_cli([str(p), '--json']) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    d = json.loads(line, parse_constant=lambda c: pytest.fail(f'{c} in the JSON output: strict parsers reject it'))
    assert d['label'] == 'tilt_down' and d['tilt'] < 0 and len(d['per_frame']['tilt']) == 9
    assert d['keystone'] is None # a tilt barely zooms: no keystone (nan), written as JSON null
    assert d['still_share'] is None # only clips read as zooms are checked for pixels held still
    assert motion_cli([str(tmp_path / 'missing.mp4')]) == 1
    out = subprocess.run([sys.executable, '-c', 'import sys; from cinebench.cli import main; sys.exit(main())', 'motion', str(p)],
                         capture_output=True, text=True)
    assert out.returncode == 0 and 'tilt_down' in out.stdout, out.stderr


def test_small_clips_fitted_directly():
    "32x32 clips (the embedded model's size) are fitted to the pixels: every movement read right, with confidence."
    from cinebench.pretrain import camera_clip, load_photo, MOVES
    im = load_photo('coffee'); rng = np.random.default_rng(3)
    for mv in MOVES:
        m = camera_motion(camera_clip(im, mv, 9, 32, rng))
        assert m.label == mv and m.confidence >= 0.5 and np.isnan(m.parallax), (mv, m.label, m.confidence)
    still = np.repeat(camera_clip(im, 'pan_left', 1, 32, rng), 9, 0)
    assert camera_motion(still).label == 'static'
    with pytest.raises(ValueError, match='method'): camera_motion(still, method='blockz')


def test_heldout_photo_accuracy():
    "The issue's target on the held-out real-photo set (`eval_camera_motion.py --seed 1`: 216 clips, 9 movements x 8 photographs x 3 conditions): at least 95 % right. About 45 s; it guards the target against regressions like commit b8134f6's (development set 206 -> 200 of 216), which went unmeasured."
    from cinebench.measure import motion_testset
    clips = motion_testset(seed=1)
    right = sum(camera_motion(c['frames']).label == c['movement'] for c in clips)
    assert len(clips) == 216
    assert right / len(clips) >= 0.95, f"{right}/216 = {right / 216:.1%} right on the held-out photographs (target 95 %)"
