# Vigie — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 3
export VIGIE_INDEX ?= index
SEEDS ?= seeds
BENCH_CORPUS ?= ../shared/corpus/orangesum-full.jsonl.gz

.PHONY: run test install install-test install-browser index bench eval screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"

# Exit status 1 means some files failed (reported by name): serve the rest anyway.
# Any other failure (4: reindex crashed, 3: another one runs) stops here.
index: install
	$(BIN)/python scripts/reindex.py --seeds $(SEEDS) --index $(VIGIE_INDEX) || [ $$? -eq 1 ]

# Install, index seeds/ (incrementally) and serve with gunicorn.
run: index
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) "web:create_app()"

# Debian's chromium for the browser tests (Playwright drives it; no browser download).
# Installed when missing and we may (root with apt-get); otherwise those tests skip.
install-browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium is not installed: the browser tests will be skipped (sudo apt-get install chromium)"; \
	  fi; }

# Install with test extras and run the whole test suite.
test: install-test install-browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The browser tests write their screenshots to build/screenshots/ (git-ignored);
# the README shows docs/search-page.png, copied from there.
screenshots: install-test install-browser
	$(BIN)/python -m pytest -q tests/test_browser.py
	mkdir -p docs && cp build/screenshots/search.png docs/search-page.png

bench: install
	$(BIN)/python scripts/bench.py --corpus $(BENCH_CORPUS) --readme

eval: install
	$(BIN)/python scripts/eval_relevance.py

clean:
	rm -rf $(VENV) index .pytest_cache
