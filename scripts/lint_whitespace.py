"""Pre-commit hook: fail on trailing whitespace or a missing final newline."""

import sys


def main(paths):
    bad = []
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
        if text and not text.endswith("\n"):
            bad.append(f"{path}: no final newline")
        bad += [
            f"{path}:{n}: trailing whitespace"
            for n, line in enumerate(text.splitlines(), 1)
            if line != line.rstrip()
        ]
    print("\n".join(bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
