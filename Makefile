# Two commands do everything on a fresh machine with Python 3.11 and pip:
#   make demo   create .venv, install sokbase, index corpus/, run a sample search
#   make test   create or update .venv with the test extras and run the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
INDEX  := index

.PHONY: eval demo test install corpus bench fuzz clean bytecode

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-install whenever pyproject.toml changes (new dependency, new extra).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

# An editable install leaves src/ without bytecode, and where PYTHONDONTWRITEBYTECODE is set (as on
# our CI machines) every start then compiles sokbase anew: a cold search took 0.35 s instead of 0.27 s.
bytecode: | $(BIN)/python
	$(BIN)/python -m compileall -q src

demo: $(VENV)/.installed bytecode
	$(BIN)/sokbase index corpus --index $(INDEX)
	$(BIN)/sokbase search "bostabilitet barnefamilier" --index $(INDEX) --limit 3

test: $(VENV)/.installed-test
	bash scripts/install_test_deps.sh
	$(BIN)/python -m pytest

# Speed, side by side with reference setups (see docs/benchmarks.md). BENCH_ARGS=--large adds 1M passages.
$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[bench]"
	touch $@ $(VENV)/.installed

bench: $(VENV)/.installed-bench bytecode
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

# Ranking quality on NorQuAD (val), the domain queries and the laws, for every analyzer and the bm25s
# baseline (docs/evaluation.md). Indexes are kept in .eval-cache/, keyed by content and sokbase's code.
eval: $(VENV)/.installed-test
	$(BIN)/python scripts/evaluate.py --engine both

# Mutated PDFs and web pages through the parsers for FUZZ_SECONDS (default 180); findings go to fuzz-findings/.
FUZZ_SECONDS ?= 180
fuzz: $(VENV)/.installed-test
	$(BIN)/python scripts/fuzz.py --seconds $(FUZZ_SECONDS)

# Rebuild the sample corpus from ../shared/seeds (the result is committed).
corpus: $(VENV)/.installed-test
	$(BIN)/python scripts/build_corpus.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .eval-cache
	find src tests scripts -name __pycache__ -type d -prune -exec rm -rf {} +
	if [ -d index ]; then find index -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +; fi
