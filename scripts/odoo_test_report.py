"""Reads the log of Odoo's test runner and fails unless tests ran, none failed and none was
skipped (Odoo skips browser tests silently when websocket-client or Chromium is missing)."""

import re
import sys
from pathlib import Path

log_path, rc = sys.argv[1], int(sys.argv[2])
text = Path(log_path).read_text(encoding="utf-8", errors="replace")
summary = re.findall(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database", text)
# Odoo 18 logs a skip under the test's own logger ("... INFO db odoo.addons.x.tests.test_y:
# skipped TestY.test_z : reason"; a class skipped in setUpClass under "unittest.suite"), older
# versions under odoo.tests.result: any logger, one entry per skipped test.
SKIP_LINE = re.compile(r"^\S+ \S+ \d+ [A-Z]+ \S+ ([\w.]+): skipped (.*)$", re.MULTILINE)
skipped = list(dict.fromkeys(f"{name}: {what}" for name, what in SKIP_LINE.findall(text)))
problems = re.findall(r"^.* (?:ERROR|CRITICAL) .*$", text, re.MULTILINE)

failed, errors, ran = map(int, summary[-1]) if summary else (0, 0, 0)
ok = rc == 0 and summary and failed == errors == 0 and ran > 0 and not skipped and not problems
for line in problems[:40]:
    print("  " + line[:400])
for line in skipped:
    print("  skipped: " + line[:400])
print(
    f"odoo: {ran - failed - errors - len(skipped)} passed, {failed + errors} failed, {len(skipped)} skipped"
)
if not ok:
    reason = "no test ran" if not ran else "skipped tests hide gaps" if skipped else f"exit code {rc}"
    print(f"Odoo's test runner did not pass ({reason}); see {log_path}")
    sys.exit(1)
