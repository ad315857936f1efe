# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEV    := $(VENV)/.installed-dev
BENCH  := $(VENV)/.installed-bench
DOCS   := $(VENV)/.installed-docs

.PHONY: demo test tour install bench-install bench-neuro-install bench docs docs-check clean clean-docs fashion-mnist

$(DEV): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	# torch for kanerva.nn and kanerva.continual and their tests: pinned to the CPU build (a plain `torch` pulls CUDA)
	$(BIN)/python -m pip install -q torch==2.13.0
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

# every benchmark (about 45 minutes, plus about 90 for learning_rules_*: the RBM trains four MNIST models,
# about 80 for structures_*: the resonator's capacity sweep and the assemblies' reference code, hours
# for continual, which resumes where it stopped, and about 3 hours for nn_fastweights and nn_machines on
# 2 shared cores); tables go to docs/benchmarks/<family>.md by hand
BENCHMARKS := core bit_projection langid_peers langid langid_streaming langid_cluster_chunks memory_capacity memory_speed index_exact index_mmap index_flyhash index_alsh \
              learning_rules_hebbian learning_rules_som learning_rules_sparse learning_rules_rbm learning_rules_boltzmann \
              structures_tpr structures_resonator structures_htm structures_assemblies neuro_reproduce continual \
              nn_fastweights nn_machines

# kanerva.neuro's peers: brian2 2.11 needs Python >= 3.13 and nemos 0.2.9 >= 3.12, so the neuro
# benchmarks run in their own environment (python3.13 from PATH or pyenv); both sides run there
PY313 ?= $(shell command -v python3.13 || ls $$HOME/.pyenv/versions/3.13*/bin/python3.13 2>/dev/null | head -1)
NEURO  := .venv-neuro
$(NEURO)/.installed: pyproject.toml
	test -n "$(PY313)" || (echo "bench-neuro-install needs python3.13 (brian2 2.11 requires it)"; exit 1)
	test -x $(NEURO)/bin/python || $(PY313) -m venv $(NEURO)
	$(NEURO)/bin/python -m pip install -q --upgrade pip
	$(NEURO)/bin/python -m pip install -q -e ".[dev]" "brian2==2.11.0" "nemos==0.2.9" "elephant==1.2.1"
	touch $@

bench-neuro-install: $(NEURO)/.installed

NEURO_BENCHMARKS := neuro_brunel neuro_glm neuro_spikestats

bench: $(BENCH) $(NEURO)/.installed
	for b in $(BENCHMARKS); do $(BIN)/python -m benchmarks.$$b || exit 1; done
	for b in $(NEURO_BENCHMARKS); do $(NEURO)/bin/python -m benchmarks.$$b || exit 1; done

# Fashion-MNIST from Debian's package archive (apt-get download + dpkg-deb -x) into ~/.cache/kanerva
fashion-mnist: $(DEV)
	$(BIN)/python -m kanerva.datasets fetch fashion-mnist


# the documentation site (Sphinx), built offline into docs/_build/html; warnings are errors
$(DOCS): $(DEV) pyproject.toml
	$(BIN)/python -m pip install -q -e ".[dev,docs]"
	touch $@

docs: $(DOCS)
	$(BIN)/python -m sphinx -b html -W --keep-going -q docs docs/_build/html
	@echo "docs: open docs/_build/html/index.html"

# screenshots of three built pages in headless Chromium (Debian's; installed if missing)
docs-check: docs
	$(BIN)/python scripts/check_docs.py --install

clean-docs:
	rm -rf docs/_build docs/auto_examples docs/api/generated docs/api/kanerva*.rst

clean: clean-docs
	rm -rf $(VENV) $(NEURO) build src/*.egg-info .pytest_cache .hypothesis
