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
.PHONY: help setup venv data system-deps test rnn dinos shakespeare jazz bench bench-rnn bench-dinos bench-shakespeare bench-jazz clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: venv data system-deps ## everything: virtual environment, data, FluidSynth (best effort)

venv: $(STAMP) ## create .venv from requirements.txt

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

data: ## copy (or download) the course data into data/, checked against data/SHA256SUMS
	@$(PYTHON) -m shared.data --quiet

system-deps: ## install FluidSynth + a General MIDI soundfont with apt-get (for the jazz WAV), if possible
	@if command -v fluidsynth >/dev/null 2>&1; then echo "fluidsynth: present"; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fluidsynth >/dev/null && echo "fluidsynth: installed"; \
	else echo "note: install FluidSynth yourself (e.g. 'sudo apt-get install fluidsynth') to get the jazz WAV"; fi

test: venv data ## run the test suite
	$(PY) -m pytest -q tests

rnn: venv ## assignment 1: numpy RNN/LSTM/GRU checks against the course, finite differences and Keras
	$(PY) -m assignments.rnn_step_by_step

dinos: venv data ## assignment 2: train the course's dinosaur-name RNN (22001 iterations) -> output/dinos/
	$(PY) -m assignments.dinos

shakespeare: venv data ## assignment 2: write like Shakespeare with the course's pretrained LSTM -> output/shakespeare/
	$(PY) -m assignments.dinos.shakespeare

jazz: venv data ## assignment 3: train the jazz LSTM and improvise a solo (MIDI, WAV, PNG) -> output/jazz/
	$(PY) -m assignments.jazz

bench: bench-rnn bench-dinos bench-shakespeare bench-jazz ## all benchmarks; tables printed, JSON in bench/results/

bench-rnn: venv ## numpy LSTM forward+backward against compiled Keras
	$(PY) -m bench.bench_rnn

bench-dinos: venv data ## dinosaur RNN: fast path vs course structure; held-out bits/char numpy vs Keras
	$(PY) -m bench.bench_dinos

bench-shakespeare: venv data ## Shakespeare LSTM: generation speed and nats/char, windowed vs stateful
	$(PY) -m bench.bench_shakespeare

bench-jazz: venv data ## jazz LSTM: unrolled vs fused training; generation latency
	$(PY) -m bench.bench_jazz

clean: ## remove outputs and caches (keeps .venv and data/)
	rm -rf output .pytest_cache .cache
	find . -name __pycache__ -prune -exec rm -rf {} +
