# Lagebild. The README names two commands: `make run` and `make test`.
# Every target is idempotent: running it twice does the work once.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# `make run` is a local portal on plain HTTP; production sets DEBUG=false (README).
DEBUG ?= true
export DEBUG

.PHONY: setup run test lint stop services messages bench model chromium word-lists

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the pinned requirements change.
$(STAMP): requirements.txt requirements-dev.txt constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

# Front-end files (htmx, the world map) from the npm registry, as package-lock.json pins them.
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js 18+ (apt-get install nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

setup: $(STAMP) $(NODE_STAMP)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0

run: setup
	$(BIN)/python manage.py runportal

test: $(STAMP) $(NODE_STAMP) chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

# The browser tests need Debian's Chromium; as root (CI) it is installed when missing.
chromium:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		echo "chromium missing: browser tests will be skipped (apt-get install chromium)"

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Starts/stops the embedded PostgreSQL and Redis (only used when no URL is configured).
services: $(STAMP)
	$(BIN)/python -m portal.servers start

stop: $(STAMP)
	$(BIN)/python -m portal.servers stop

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l de -i ".venv/*" -i ".data/*"
	$(BIN)/python manage.py compilemessages --ignore ".venv/*"

# Benchmarks (speed and quality are measured here, never in unit tests).
bench: $(STAMP)
	$(BIN)/python bench/extraction_quality.py --json bench/results/extraction.json
	$(BIN)/python bench/nlp_speed.py
	$(BIN)/python bench/spkatt_eval.py

# Common nouns and first names for the linker, from the annotated corpora of ../shared/data.
word-lists: $(STAMP)
	$(BIN)/python -m events.nlp.train.word_lists

# Trains the German pipeline from ../shared/data into events/nlp/model (see its README).
model: $(STAMP)
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(BIN)/python -m events.nlp.train
