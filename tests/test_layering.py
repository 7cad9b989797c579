"""The layering rule: the core (annotations/) never imports the UI (textual, tui), neither
at a module's top nor inside a function. Each module's syntax tree is read, so an import
on a path no test runs is seen too; a subprocess then imports every module for real."""

import ast
import subprocess
import sys

from .conftest import ROOT

UI_PACKAGES = ("textual", "tui")
_BY_NAME = ("import_module", "__import__")  # importlib.import_module("textual"), __import__("tui")


def ui_imports(source: str) -> list[tuple[int, str]]:
    """(line, module) of each import of textual or tui anywhere in ``source``. A relative
    import stays inside its own package, so only absolute ones can reach the UI."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif (
            isinstance(node, ast.Call)
            and _called_name(node.func) in _BY_NAME
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names = [node.args[0].value]
        else:
            continue
        found += [(node.lineno, name) for name in names if name.split(".")[0] in UI_PACKAGES]
    return found


def _called_name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def test_no_core_module_imports_the_ui_even_inside_a_function():
    modules = sorted((ROOT / "annotations").rglob("*.py"))
    assert ROOT / "annotations" / "store" / "__init__.py" in modules  # subpackages are read too
    bad = [
        f"{path.relative_to(ROOT)}:{line}: imports {name}"
        for path in modules
        for line, name in ui_imports(path.read_text(encoding="utf-8"))
    ]
    assert bad == []


def test_the_check_sees_every_way_of_importing():
    source = (
        "import os, textual.app\n"
        "from tui.cli import main\n"
        "from . import tui\n"  # annotations.tui: not the UI
        "def later():\n"
        "    from textual.widgets import Static\n"
        "    import importlib\n"
        "    return importlib.import_module('tui.app'), __import__('textual')\n"
    )
    assert ui_imports(source) == [
        (1, "textual.app"),
        (2, "tui.cli"),
        (5, "textual.widgets"),
        (7, "tui.app"),
        (7, "textual"),
    ]


def test_importing_every_core_module_loads_no_ui():
    # Also catches the UI reached through a third-party module, which no syntax tree shows.
    code = (
        "import sys, pkgutil, importlib, annotations\n"
        "for module in pkgutil.walk_packages(annotations.__path__, 'annotations.'):\n"
        "    importlib.import_module(module.name)\n"
        "bad = sorted(name for name in sys.modules if name.split('.')[0] in ('textual', 'tui'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_export_command_does_not_load_textual():
    code = "import sys, tui.cli; sys.exit(1 if 'textual' in sys.modules else 0)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
