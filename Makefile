# Two entry points: `make run` serves the app, `make test` runs every test. Both install what they need.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STATE := .state
# `make run` serves the demo world: the demo model, in debug mode, on this machine only.
RUN_ENV := DJANGO_DEBUG=1 EMBEDDINGS_MODEL=$(or $(EMBEDDINGS_MODEL),lookalike-demo)
URL := http://127.0.0.1:8000

.PHONY: run test install browser worker stop status bench

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Debian's chromium for the Playwright tests (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

worker: install
	@mkdir -p $(STATE)
	@if [ -f $(STATE)/worker.pid ] && kill -0 $$(cat $(STATE)/worker.pid) 2>/dev/null; then \
		echo "celery worker already running (pid $$(cat $(STATE)/worker.pid))"; \
	else \
		$(RUN_ENV) $(PY) -m celery -A config worker --detach --loglevel=INFO --concurrency=1 \
			--pidfile=$(CURDIR)/$(STATE)/worker.pid --logfile=$(CURDIR)/$(STATE)/worker.log; \
		echo "celery worker started; log in $(STATE)/worker.log"; \
	fi

# Migrate before the worker starts: on start it looks for abandoned imports in the database.
run: install
	$(RUN_ENV) $(PY) manage.py migrate --no-input
	@$(MAKE) --no-print-directory worker
	$(RUN_ENV) $(PY) manage.py staff_ensure
	$(RUN_ENV) $(PY) manage.py demo_load
	$(RUN_ENV) $(PY) manage.py services status
	@echo "Lookalike is at $(URL)/  (staff admin: $(URL)/admin/)"
	$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:8000

test: install browser
	$(PY) -m pytest

status: install
	DJANGO_DEBUG=1 $(PY) manage.py services status

stop: install
	-@[ -f $(STATE)/worker.pid ] && kill $$(cat $(STATE)/worker.pid) 2>/dev/null; rm -f $(STATE)/worker.pid
	DJANGO_DEBUG=1 $(PY) manage.py services stop

bench: install
	DJANGO_DEBUG=1 $(PY) bench/encoder.py
