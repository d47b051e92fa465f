"""The `cinebench` console script as a user runs it."""
import subprocess, sys, os

def run(*args):
    exe = os.path.join(os.path.dirname(sys.executable), 'cinebench')
    return subprocess.run([exe, *args], capture_output=True, text=True,
                          env={**os.environ, 'OMP_NUM_THREADS': '1'})

def test_help_lists_subcommands():
    r = run('--help')
    assert r.returncode == 0
    assert 'synth' in r.stdout and 'usage: cinebench' in r.stdout

def test_unknown_subcommand_names_valid_ones():
    r = run('synht')
    assert r.returncode == 2
    assert "unknown subcommand 'synht'" in r.stderr and "Did you mean 'synth'" in r.stderr


def test_pretrain_bad_input_names_the_flag(tmp_path):
    "Bad pretrain settings fail before any work, naming the flag and what was expected."
    for args, msg in [(['--frames', '8'], '--frames 8: expected 1 + 4k'),
                      (['--size', '16'], '--size 16: expected a multiple of 4, at least 32'),
                      (['--init', str(tmp_path/'nope')], 'not a pipeline folder'),
                      (['--moves', 'pan_left', 'orbit'], "invalid choice: 'orbit'")]:
        r = run('pretrain', '--out', str(tmp_path/'run'), *args)
        assert r.returncode == 2 and msg in r.stderr, (args, r.stderr[-300:])
    assert not (tmp_path/'run'/'ckpt').exists()
