"""The developer documentation stays true to the code."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _sudo_audit():
    spec = importlib.util.spec_from_file_location("sudo_audit", ROOT / "scripts" / "sudo_audit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_sudo_call_has_its_row_in_the_readme(capsys):
    """README › Access checks lists each ``sudo()`` call by file and function with why it is
    safe; moving, adding or removing one without its row fails here
    (``python scripts/sudo_audit.py --fix`` follows moved functions)."""
    assert _sudo_audit().main() == 0, capsys.readouterr().out
