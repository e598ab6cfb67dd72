"""The developer documentation stays true to the code."""

import ast
import importlib.util
import re
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


# ---------------------------------------------------------------------------------------------
# One reader: no "is it still in Xero? / does Xero already hold it?" question asked elsewhere
# ---------------------------------------------------------------------------------------------
MODULE = ROOT / "xero_connector"
# A read of documents, contacts, items, purchase orders or manual journals: the SDK's list or
# element method named in the code, or the paged list helpers that call one.
_DOCUMENT_READ = re.compile(
    r"^get_(invoices?|credit_notes?|contacts?|items?|manual_journals?|purchase_orders?)$"
)
_LIST_HELPERS = {"_xero_documents", "_xero_pages"}

# (file, function) → why reading Xero there is not an existence question outside the reader.
ALLOWED_READS = {
    ("models/xero_reader.py", "_xero_read_by_ids"): "the reader: linked records, 50 ids a call",
    ("models/xero_reader.py", "_xero_find"): "the reader: looked for by number",
    ("models/xero_reader.py", "_xero_find_values"): "the reader: looked for by codes, names, narrations",
    ("models/xero_reader.py", "_xero_find_listed"): "the reader: looked for in a list's pages",
    ("models/xero_tenant_reads.py", "<module>"): "the table of list methods the reader's lookups use",
    ("models/xero_tenant_reads.py", "_xero_documents"): "the high-volume-safe list read itself",
    ("utils.py", "<module>"): "the kinds' table of element reads (``get_one``) the reader uses",
    ("models/purchase_order_export.py", "_xero_find_in_xero"): "names the list the reader reads",
    ("models/xero_manual_journal.py", "_xero_write_back"): "lines of a journal Xero just answered",
    ("models/xero_payment.py", "_xero_sync_payments"): "the payments sync (a cache reader)",
    ("models/xero_payment.py", "<module>"): "the payments sync's lists read by what changed, page by page",
    ("models/purchase_order.py", "_xero_sync_purchase_orders"): "the orders' status sync (a cache reader)",
    ("models/xero_contact.py", "_xero_refresh"): "the contacts cache refresh",
    ("models/xero_item.py", "_xero_refresh"): "the items cache refresh",
    ("models/xero_webhook_event.py", "_xero_work_events"): "contacts a webhook says changed, into the cache",
    ("models/res_partner_balance.py", "_xero_update_balances"): "contact balances (a cache reader)",
    ("wizards/xero_variance_report.py", "_read_period"): "the period's documents for the report",
    ("models/account_move_import.py", "<module>"): "the lists documents made in Xero are brought in from",
    (
        "models/account_move_import.py",
        "_xero_import_documents",
    ): "invoices a webhook named, brought into Odoo",
}


def _document_reads():
    """{(file, function): line} of every place the module names a document read."""
    found = {}
    for path in sorted(MODULE.rglob("*.py")):
        rel = path.relative_to(MODULE).as_posix()
        if rel.startswith("tests/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))

        def visit(node, function, rel=rel):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                function = node.name
            hit = (
                (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and _DOCUMENT_READ.match(node.value)
                )
                or (
                    isinstance(node, ast.JoinedStr)
                    and node.values
                    and isinstance(node.values[0], ast.Constant)
                    and str(node.values[0].value).startswith("get_")
                )
                or (  # tenant._xero_documents("Invoices", …); not an Odoo record's own helper of that name
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in _LIST_HELPERS
                    and node.args
                )
            )
            if hit:
                found.setdefault((rel, function), node.lineno)
            for child in ast.iter_child_nodes(node):
                visit(child, function, rel)

        visit(tree, "<module>")
    return found


def test_no_existence_question_outside_the_reader():
    """Every place that reads documents, contacts, items, purchase orders or manual journals
    from Xero is the reader (``xero.reader``) or a cache/sync reader listed above with its
    reason: a new "does Xero already hold it?" lookup anywhere else fails here. A row whose
    read went away fails too, so the list stays the truth."""
    reads = _document_reads()
    unlisted = [
        f"{file}:{line} ({function})"
        for (file, function), line in reads.items()
        if (file, function) not in ALLOWED_READS
    ]
    assert not unlisted, "Xero read outside xero.reader; route it through the reader:\n" + "\n".join(unlisted)
    stale = [f"{file} {function}" for file, function in ALLOWED_READS if (file, function) not in reads]
    assert not stale, "ALLOWED_READS rows with no read left:\n" + "\n".join(stale)
