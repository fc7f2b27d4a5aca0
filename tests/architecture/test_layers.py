"""Guard rails of the structure (README, Architecture): checked on every test run.

- the analysis core (`events/analysis/`) runs without Django;
- `ingest` never imports `events` (dependencies point one way);
- no function in app code is longer than MAX_FUNCTION_LINES.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent
APP_PACKAGES = ("portal", "events", "ingest")
MAX_FUNCTION_LINES = 80


def _python_files(*packages: str):
    for package in packages:
        for path in sorted((BASE_DIR / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _fresh_interpreter_loading(code: str, packages: tuple[str, ...]) -> subprocess.CompletedProcess:
    """Runs `code` in a fresh interpreter, which then exits 1 and prints (up to five of) the
    modules of `packages` it loaded, 0 when it loaded none."""
    check = code + (
        "import sys\n"
        f"loaded = sorted(m for m in sys.modules if m.split('.')[0] in {packages!r})\n"
        "print(' '.join(loaded[:5]))\n"
        "sys.exit(1 if loaded else 0)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", check], cwd=BASE_DIR, capture_output=True, text=True, check=False
    )


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_the_analysis_core_imports_no_django():
    core = BASE_DIR / "events" / "analysis"
    if not core.is_dir():
        pytest.fail("events/analysis/ is missing")
    modules = sorted(
        ".".join(path.relative_to(BASE_DIR).with_suffix("").parts).removesuffix(".__init__")
        for path in core.rglob("*.py")
    )
    # A fresh interpreter: importing every module of the core must load no Django module,
    # not even indirectly (through events.models, say).
    code = f"import importlib\nfor name in {modules!r}:\n    importlib.import_module(name)\n"
    result = _fresh_interpreter_loading(code, ("django",))
    assert result.returncode == 0, f"the analysis core loads Django: {result.stdout}{result.stderr}"


def test_the_web_processes_load_no_nlp_library():
    """The URL table (every view) and the task modules load no spaCy: web and fetch processes
    import them, and only the nlp workers need the language model's libraries."""
    code = (
        "import os, django\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'tests.settings')\n"
        "django.setup()\n"
        "import portal.urls, events.tasks, ingest.tasks\n"
    )
    result = _fresh_interpreter_loading(code, ("spacy", "thinc"))
    assert result.returncode == 0, f"the web side loads: {result.stdout}{result.stderr[-2000:]}"


def test_ingest_never_imports_events():
    offenders = [
        f"{path.relative_to(BASE_DIR)}: {name}"
        for path in _python_files("ingest")
        for name in _imported_modules(path)
        if name == "events" or name.startswith("events.")
    ]
    assert offenders == []


def test_no_function_in_app_code_is_longer_than_the_limit():
    long_functions = []
    for path in _python_files(*APP_PACKAGES):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long_functions.append(
                        f"{path.relative_to(BASE_DIR)}:{node.lineno} {node.name} ({length})"
                    )
    assert long_functions == []
