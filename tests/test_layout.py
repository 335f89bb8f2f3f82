"""The floors of the code base hold: imports point down, never back up.

``bot/`` is the Discord skin; everything else (the application in ``careerbot.core``,
the runtime, the command line and the console, ``knowledge``, ``storage``) must work
without discord.py, and the application and the console must not reach into the skin.
Read from the source with :mod:`ast`, so an import added anywhere (even inside a
function) is caught, not only the ones a test happens to execute.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "careerbot", "knowledge", "storage")
#: Modules that must not import ``bot``: the application and the console.
NO_BOT = ("careerbot/core", "careerbot/runtime", "careerbot/cli/chat.py")


def _imported(path: Path) -> set[str]:
    """Every module name ``path`` imports, absolute, at any depth of the file."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _sources() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        if (ROOT / package).is_dir()
        for path in (ROOT / package).rglob("*.py")
    )


def _top(name: str) -> str:
    return name.split(".", 1)[0]


def test_the_packages_are_found() -> None:
    """A walk that finds nothing would pass every rule below."""
    assert (ROOT / "careerbot" / "core").is_dir()
    assert len(_sources()) > 50


def test_only_bot_imports_discord() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in _sources()
        if path.relative_to(ROOT).parts[0] != "bot"
        for name in _imported(path)
        if _top(name) == "discord"
    ]
    assert offenders == []


def test_the_application_and_the_console_do_not_import_bot() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in _sources()
        if path.relative_to(ROOT).as_posix().startswith(NO_BOT)
        for name in _imported(path)
        if _top(name) == "bot"
    ]
    assert offenders == []


def test_the_lower_floors_import_nothing_above_them() -> None:
    """knowledge and storage sit at the bottom; the runtime sits under core."""
    above = {
        "knowledge": {"bot", "careerbot"},
        "storage": {"bot", "careerbot"},
        "careerbot/runtime": {"bot", "careerbot.core", "careerbot.cli"},
        "careerbot/core": {"bot", "careerbot.cli"},
    }
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in _sources()
        for floor, banned in above.items()
        if path.relative_to(ROOT).as_posix().startswith(floor + "/")
        for name in _imported(path)
        if any(name == b or name.startswith(b + ".") for b in banned)
    ]
    assert offenders == []


def test_the_console_runs_without_loading_discord() -> None:
    """What the source says, checked where it matters: ``careerbot chat`` and
    ``careerbot ask`` import their whole chain without discord.py being loaded."""
    code = (
        "import sys\n"
        "import careerbot.cli.chat, careerbot.cli.main, careerbot.cli.terminal\n"
        "import careerbot.core.answering, careerbot.core.marking\n"
        "import careerbot.core.reminders.scheduler, careerbot.runtime.watcher\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('discord', 'bot')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "[]"


def test_one_utc_now_and_one_clock() -> None:
    """Three ``utc_now`` and two ``Clock`` types drifted apart once (one dropped the
    microseconds); the runtime's time module is the only one."""
    defined: dict[str, list[str]] = {"utc_now": [], "Clock": []}
    for path in _sources():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            names = []
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                names = [node.name]
            elif isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names = [node.target.id]
            for name in names:
                if name in defined:
                    defined[name].append(path.relative_to(ROOT).as_posix())
    assert defined == {
        "utc_now": ["careerbot/runtime/time.py"],
        "Clock": ["careerbot/runtime/time.py"],
    }
