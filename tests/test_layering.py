import subprocess
import sys


def test_the_core_never_imports_textual():
    code = (
        "import sys, pkgutil, importlib, annotations\n"
        "for module in pkgutil.iter_modules(annotations.__path__):\n"
        "    importlib.import_module('annotations.' + module.name)\n"
        "bad = sorted(name for name in sys.modules if name == 'textual' or name.startswith(('textual.', 'tui')))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_export_command_does_not_load_textual():
    code = "import sys, tui.cli; sys.exit(1 if 'textual' in sys.modules else 0)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
