# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEV    := $(VENV)/.installed-dev
BENCH  := $(VENV)/.installed-bench

.PHONY: demo test tour install bench-install bench clean fashion-mnist

$(DEV): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# torch for kanerva.nn and its tests, pinned: the CPU wheel (an unpinned torch pulls the CUDA build)
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@

install: $(DEV)

demo: $(DEV)
	$(BIN)/kanerva langid demo

tour: $(DEV)
	$(BIN)/kanerva tour

test: $(DEV)
	$(BIN)/python -m pytest

# peers for the side-by-side benchmarks; torch pinned so pip takes the CPU build on disk
$(BENCH): $(DEV)
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e ".[dev,bench]"
	$(BIN)/python -m pip install -q --no-deps flyhash==1.1.1
	touch $@

bench-install: $(BENCH)

# every benchmark (about 45 minutes, and some 4 hours more for the two nn_ trainings on 2 shared
# cores); tables go to docs/benchmarks.md and docs/benchmarks/ by hand
BENCHMARKS := core langid_peers langid langid_streaming langid_cluster_chunks memory_capacity memory_speed index_exact index_mmap index_flyhash index_alsh nn_fastweights nn_machines

bench: $(BENCH)
	for b in $(BENCHMARKS); do $(BIN)/python -m benchmarks.$$b || exit 1; done

# Fashion-MNIST from Debian's package archive (apt-get download + dpkg-deb -x) into ~/.cache/kanerva
fashion-mnist: $(DEV)
	$(BIN)/python -m kanerva.datasets fetch fashion-mnist

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .hypothesis
