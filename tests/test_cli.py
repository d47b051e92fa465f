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

