# Guichet Kiosk — the two commands are `make demo` and `make test`.
# Both set up everything they need (apt packages, .venv, the package with its apps and
# test tools) and are idempotent: each step says what it does, and a step already done
# (its stamp in .venv is newer than what it depends on) is skipped in silence.
# `make dist` needs only .venv and the build tool: no apt packages, no test tools.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_STAMP := $(VENV)/.apt-ok
BUILD_STAMP := $(VENV)/.build-tool
# pip shows its own progress (a line per package, a bar per download) in a terminal, so a
# first install is never a silent few minutes; in CI (CI set) or when the output goes to a
# file or a pipe, -q keeps the log short (the line before each step says what runs, and
# pip's errors still show)
PIP_INSTALL = q=-q; if [ -t 1 ] && [ -z "$${CI:-}" ]; then q=; fi; \
	$(BIN)/python -m pip install $$q --disable-pip-version-check
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := libegl1 libgl1 libopengl0 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 \
	libfreetype6 libdbus-1-3 libglib2.0-0 libpulse0 libasound2 pulseaudio \
	libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
	libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xinerama0 libxcb-xkb1 libx11-xcb1 \
	fonts-dejavu-core espeak-ng xvfb xauth python3-venv openssl chromium

.PHONY: demo test bench screenshots lint setup apt clean dist

setup: $(STAMP)

apt: $(APT_STAMP)

# only the missing packages, named before apt runs (it may ask for the sudo password)
$(APT_STAMP): Makefile
	@mkdir -p $(VENV)
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages (apt):" $$missing; \
		echo "Updating the package lists first (apt-get update)"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@touch $@

$(BIN)/python:
	@echo "Creating the virtual environment in $(VENV)"
	@$(PY) -m venv $(VENV)

# order-only (after |): the venv must exist, its python's date does not matter
$(STAMP): pyproject.toml $(APT_STAMP) | $(BIN)/python
	@echo "Upgrading pip in $(VENV)"
	@$(PIP_INSTALL) --upgrade pip
	@echo "Installing guichet-kiosk with its apps and test tools (pip, a few minutes the first time)"
	@$(PIP_INSTALL) -e '.[apps,test]'
	@touch $@

# make dist: the build tool only (already there after `make setup`: the test tools hold
# it); -I: a build/ folder in the checkout must not pass for the build tool
$(BUILD_STAMP): | $(BIN)/python
	@if ! $(BIN)/python -I -c 'import build' 2>/dev/null; then \
		echo "Installing the build tool in $(VENV) (pip)"; \
		$(PIP_INSTALL) build; \
	fi
	@touch $@

demo: setup
	$(BIN)/kiosk demo

test: setup
	$(BIN)/ruff check kiosk tests benchmarks tools
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check kiosk tests benchmarks tools
	$(BIN)/ruff format --check kiosk tests benchmarks || true
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: setup
	$(BIN)/python benchmarks/run_all.py

screenshots: setup
	$(BIN)/python tools/screenshots.py

# the wheel and the source archive, in dist/ (made afresh each time); python -m build
# builds them in an isolated environment of its own, so no apt package or test tool is needed
dist: $(BUILD_STAMP)
	@echo "Building the wheel and the source archive in dist/"
	rm -rf dist
	$(BIN)/python -m build --outdir dist .

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
