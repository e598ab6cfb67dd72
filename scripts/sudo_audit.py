"""Keep the README's table of `sudo()` calls (section "Access checks and the remaining
`sudo()`") true to the code: one row per `sudo()` call, named by file and function.

    python scripts/sudo_audit.py          # list the differences, exit 1 if any
    python scripts/sudo_audit.py --fix    # rewrite the file of rows whose function moved
    python scripts/sudo_audit.py --prune  # drop rows beyond the calls their function makes

A row whose function now lives in another file (the same name found in exactly one file)
is moved there by --fix; what --fix cannot decide (a new call, a call gone, a function
name found in several files) is listed for a human to write or delete the row.
"""

import ast
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULE = ROOT / "xero_connector"
README = ROOT / "README.md"
ROW = re.compile(r"^\| `(?P<path>[^`]+)` `(?P<func>[^`]+)` \|")


def sudo_calls():
    """Counter {(path relative to the module, function name): number of `.sudo()` calls}."""
    calls = Counter()
    for path in sorted(MODULE.rglob("*.py")):
        rel = path.relative_to(MODULE).as_posix()
        if rel.startswith("tests/"):
            continue
        source = path.read_text()
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = {
                    id(n)
                    for child in ast.walk(node)
                    if child is not node and isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
                    for n in ast.walk(child)
                }
                for sub in ast.walk(node):
                    if (
                        id(sub) not in inner
                        and isinstance(sub, ast.Call)
                        and isinstance(sub.func, ast.Attribute)
                        and sub.func.attr == "sudo"
                    ):
                        calls[(rel, node.name)] += 1
    return calls


def main(fix=False, prune=False):
    text = README.read_text()
    lines = text.split("\n")
    rows = [(i, ROW.match(line)) for i, line in enumerate(lines)]
    rows = [(i, m) for i, m in rows if m]
    calls = sudo_calls()
    by_name = {}
    for rel, func in calls:
        by_name.setdefault(func, set()).add(rel)
    if fix:
        for i, m in rows:
            rel, func = m["path"].removeprefix("xero_connector/"), m["func"]
            if (rel, func) in calls:
                continue
            homes = by_name.get(func, set())
            if len(homes) == 1:
                lines[i] = lines[i].replace(f"`{m['path']}`", f"`{next(iter(homes))}`", 1)
        README.write_text("\n".join(lines))
        rows = [(i, ROW.match(line)) for i, line in enumerate(lines)]
        rows = [(i, m) for i, m in rows if m]
    if prune:
        seen = Counter()
        drop = set()
        for i, m in rows:
            key = (m["path"].removeprefix("xero_connector/"), m["func"])
            seen[key] += 1
            if seen[key] > calls[key]:
                drop.add(i)
        lines = [line for i, line in enumerate(lines) if i not in drop]
        README.write_text("\n".join(lines))
        rows = [(i, ROW.match(line)) for i, line in enumerate(lines)]
        rows = [(i, m) for i, m in rows if m]
    listed = Counter((m["path"].removeprefix("xero_connector/"), m["func"]) for _i, m in rows)
    problems = []
    for key in sorted(set(calls) | set(listed)):
        if calls[key] != listed[key]:
            problems.append(f"{key[0]} {key[1]}: {calls[key]} sudo() call(s), {listed[key]} README row(s)")
    for problem in problems:
        print(problem)
    print(
        f"{sum(calls.values())} sudo() calls, {sum(listed.values())} README rows, {len(problems)} difference(s)"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(fix="--fix" in sys.argv, prune="--prune" in sys.argv))
