"Video IO: round trips, timestamps (incl. variable frame rate), bad input. Fast (< 5 s)."
import os, wave
os.environ.setdefault('OMP_NUM_THREADS', '1')
from fractions import Fraction
from pathlib import Path
import numpy as np
import pytest
from cinebench.io import (VideoError, write_video, read_video, video_info, iter_frames, frame_times,
                          read_frames, read_frames_at)


def _clip(T=10, H=48, W=64, seed=0):
    "Frames whose mean brightness encodes the frame index, so decoded frames can be identified."
    rng = np.random.default_rng(seed)
    x = np.empty((T, H, W, 3), np.uint8)
    for t in range(T): x[t] = 20 + 20 * t + rng.integers(0, 4, (H, W, 3))
    return x

def _ids(frames): return np.round((frames.reshape(len(frames), -1).mean(1) - 21.5) / 20).astype(int)


@pytest.fixture(scope='module')
def vid(tmp_path_factory):
    d = tmp_path_factory.mktemp('io')
    x = _clip()
    write_video(d / 'a.mp4', x, fps=Fraction(24000, 1001))
    return d, x


def test_roundtrip_and_info(vid):
    d, x = vid
    y = read_video(d / 'a.mp4')
    assert y.shape == x.shape and y.dtype == np.uint8
    assert np.abs(y.astype(int) - x).mean() < 3
    info = video_info(d / 'a.mp4')
    assert info['frames'] == 10 and (info['width'], info['height']) == (64, 48) and info['codec'] == 'h264'
    assert abs(info['fps'] - 24000 / 1001) < 1e-3
    assert not [p for p in d.iterdir() if '.tmp' in p.name]   # temp file renamed away


def test_resize_and_stream(vid):
    d, x = vid
    assert read_video(d / 'a.mp4', size=(32, 24)).shape == (10, 24, 32, 3)
    ts = [t for t, f in iter_frames(d / 'a.mp4', size=(16, -1))]
    np.testing.assert_allclose(ts, np.arange(10) * 1001 / 24000, atol=1e-6)


def test_index_and_time(vid):
    d, x = vid
    assert list(_ids(read_frames(d / 'a.mp4', [9, 0, 4, 4]))) == [9, 0, 4, 4]
    t = frame_times(d / 'a.mp4')
    assert list(_ids(read_frames_at(d / 'a.mp4', [t[3] + 0.01, t[8]]))) == [3, 8]
    with pytest.raises(IndexError, match='a.mp4'): read_frames(d / 'a.mp4', [10])


def test_vfr(tmp_path):
    x = _clip(8)
    times = [0, .1, .15, .5, .52, .9, 1.5, 1.55]
    write_video(tmp_path / 'v.mp4', x, times=times)
    np.testing.assert_allclose(frame_times(tmp_path / 'v.mp4'), times, atol=1e-4)
    y, ty = read_video(tmp_path / 'v.mp4', start=0.5, end=1.5, with_times=True)
    np.testing.assert_allclose(ty, [.5, .52, .9], atol=1e-4)
    assert list(_ids(y)) == [3, 4, 5]
    assert list(_ids(read_frames_at(tmp_path / 'v.mp4', [1.2, 0.12]))) == [5, 1]


def test_bad_input(tmp_path):
    with pytest.raises(VideoError, match='missing.mp4.*no such file'): read_video(tmp_path / 'missing.mp4')
    (tmp_path / 'zero.mp4').write_bytes(b'')
    with pytest.raises(VideoError, match='zero.mp4.*zero-length'): video_info(tmp_path / 'zero.mp4')
    (tmp_path / 'junk.mp4').write_bytes(os.urandom(5000))
    with pytest.raises(VideoError, match='junk.mp4'): read_video(tmp_path / 'junk.mp4')
    with wave.open(str(tmp_path / 'a.wav'), 'wb') as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000); w.writeframes(b'\0\0' * 800)
    with pytest.raises(VideoError, match='a.wav.*no video stream'): video_info(tmp_path / 'a.wav')
    x = np.random.default_rng(1).integers(0, 255, (20, 32, 48, 3), dtype=np.uint8)
    data = write_video(tmp_path / 'n.mp4', x).read_bytes()
    (tmp_path / 'cut.mp4').write_bytes(data[:int(len(data) * .7)])
    with pytest.raises(VideoError, match='cut.mp4.*truncated'): read_video(tmp_path / 'cut.mp4')
    (tmp_path / 'codec.mp4').write_bytes(data.replace(b'avc1', b'zzzz'))          # a codec FFmpeg does not know
    with pytest.raises(VideoError, match='codec.mp4.*unsupported video codec'): read_video(tmp_path / 'codec.mp4')
    with pytest.raises(ValueError, match='even'): write_video(tmp_path / 'odd.mp4', np.zeros((2, 31, 32, 3), np.uint8))
    with pytest.raises(ValueError, match='uint8'): write_video(tmp_path / 'f.mp4', np.zeros((2, 32, 32, 3), np.float32))
    assert not list(tmp_path.glob('*odd*')) and not list(tmp_path.glob('*.tmp*'))


def test_streaming_memory_is_bounded(tmp_path):
    "iter_frames holds one decoded frame at a time: peak Python/numpy memory does not grow with the video."
    import tracemalloc
    from cinebench.io import iter_thumbs
    rng = np.random.default_rng(2)
    base = rng.integers(0, 255, (8, 192, 256, 3), dtype=np.uint8)
    write_video(tmp_path / 'long.mp4', (base[i % 8] for i in range(400)), fps=25, preset='ultrafast')
    peaks = []
    for stop in (50, 400):
        tracemalloc.start()
        n = sum(1 for t, f in iter_frames(tmp_path / 'long.mp4', end=stop / 25 - 1e-3))
        peaks.append(tracemalloc.get_traced_memory()[1]); tracemalloc.stop()
        assert n == stop
    frame = 192 * 256 * 3
    assert peaks[1] < 4 * frame + 2e6, peaks          # 400 frames would be 59 MB if they were kept
    assert peaks[1] - peaks[0] < frame, peaks
    tracemalloc.start(); sum(1 for _ in iter_thumbs(tmp_path / 'long.mp4')); peak = tracemalloc.get_traced_memory()[1]; tracemalloc.stop()
    assert peak < 2e6, peak

def test_write_video_is_bit_reproducible(tmp_path):
    "The same frames encode to the same bytes (seeded datasets must be identical files, not only arrays)."
    import hashlib
    rng = np.random.default_rng(0)
    fr = (rng.random((8, 32, 48, 3)) * 255).astype(np.uint8)
    digests = {hashlib.md5(write_video(tmp_path/f'r{i}.mp4', fr, fps=12).read_bytes()).hexdigest() for i in range(4)}
    assert len(digests) == 1
