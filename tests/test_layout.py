"""The layout stays as README's "Where things are" says: layers that import only downwards,
transactions that end in the use cases only, one place for the kinds' names, small modules."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Our packages, bottom layer first (pyproject.toml's import-linter contract).
PACKAGES = (
    "core",
    "moderation",
    "storage",
    "usecases",
    "web",
    "ingest",
    "review_api",
    "workers",
    "familybook",
)
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))
#: Modules and functions larger than this are split (STYLE.md, habit 7).
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60
#: The layers whose functions are held to MAX_FUNCTION_LINES.
SHORT_FUNCTIONS = ("usecases", "web", "ingest", "review_api")

pytestmark = pytest.mark.backend_independent


def _sources(*packages: str) -> list[Path]:
    return [
        path
        for package in packages
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(cwd)},
        timeout=120,
    )


def test_the_layers_import_only_downwards():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_the_layer_contract(tmp_path):
    # Given a copy of the code where storage imports a use case (a layer above it)
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    (tmp_path / "storage" / "upward.py").write_text("import usecases.runtime\n")
    # When the contract is checked
    result = _lint_imports(tmp_path)
    # Then it is broken, and says where
    assert result.returncode != 0
    assert "storage.upward -> usecases.runtime" in result.stdout


def _commits(path: Path) -> list[int]:
    """Lines that commit a database transaction: `session.commit()`, `work.commit()`,
    `….session.commit()` (a file-store writer's `commit()` stores a file, and is not one)."""

    def is_transaction(receiver: ast.expr) -> bool:
        if isinstance(receiver, ast.Name):
            return receiver.id in ("session", "work")
        return isinstance(receiver, ast.Attribute) and receiver.attr == "session"

    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit"
        and is_transaction(node.func.value)
    ]


def test_only_the_use_cases_end_a_transaction():
    ending = {str(path.relative_to(ROOT)) for path in _sources(*PACKAGES) if _commits(path)}
    assert ending and all(path.startswith("usecases/") for path in ending), ending


def test_the_kinds_are_named_in_their_enum_only():
    kinds = {"application", "post"}
    found = {
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in _sources(*PACKAGES)
        if path != ROOT / "moderation" / "kinds.py"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant) and node.value in kinds
    }
    assert found == set()


@pytest.mark.parametrize("package", PACKAGES)
def test_modules_stay_small(package):
    large = {
        str(path.relative_to(ROOT)): n
        for path in _sources(package)
        if (n := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert large == {}


@pytest.mark.parametrize("package", SHORT_FUNCTIONS)
def test_functions_stay_short(package):
    long = {
        f"{path.relative_to(ROOT)}:{node.name}": n
        for path in _sources(package)
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (n := node.end_lineno - node.lineno + 1) > MAX_FUNCTION_LINES  # type: ignore[operator]
    }
    assert long == {}
