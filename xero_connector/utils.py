"""Small helpers shared by every part of the module: Xero's dates, ``where`` literals,
per-element validation errors, the Invoices/CreditNotes switch, idempotency keys, the
notification a button answers with, and the one cron loop. Nothing here talks to Xero."""

import hashlib
import json
import logging
import re
import threading
from collections import namedtuple
from datetime import UTC, datetime

from odoo import modules
from odoo.exceptions import UserError

from . import const

_logger = logging.getLogger(__name__)

_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")


def parse_xero_datetime(value):
    """A naive UTC datetime (Odoo's convention) from what Xero sends: ``/Date(1700000000000+0000)/``,
    ISO 8601, or a datetime. False when absent or unreadable.

    Milliseconds are kept (Odoo's datetime columns hold them): the latest UpdatedDateUTC seen
    becomes the next If-Modified-Since, and cut to whole seconds it would make every later
    refresh fetch again whatever Xero changed in that last second, 10,000 contacts of a bulk
    import included."""
    if not value:
        return False
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        match = _MS_DATE.match(text)
        if match:
            moment = datetime.fromtimestamp(int(match.group(1)) / 1000, tz=UTC)
        else:
            try:
                moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                return False
    if moment.tzinfo:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def xero_date(value):
    """The calendar day of a Xero date (``/Date(…)/`` or ISO), False when absent."""
    moment = parse_xero_datetime(value)
    return moment.date() if moment else False


def if_modified_since(moment):
    """Odoo's naive UTC ``moment`` as the If-Modified-Since Xero's spec wants: an aware UTC
    datetime (None when there is none)."""
    return moment.replace(tzinfo=UTC) if moment else None


def xero_date_literal(day):
    """``DateTime(2026,11,30)``: a day in Xero's ``where`` syntax."""
    return f"DateTime({day.year},{day.month:02d},{day.day:02d})"


def where_text(value):
    """A string literal for Xero's ``where`` filter: backslashes and quotes escaped (a
    reference ending in a backslash would otherwise swallow the closing quote)."""
    escaped = (value or "").replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def validation_messages(element):
    """Xero's refusals of one element of a batch answer (``summarizeErrors=false``), in its
    own words; empty when Xero accepted the element."""
    return [e.get("Message") for e in (element or {}).get("ValidationErrors") or [] if e.get("Message")]


# What differs between Xero's Invoices and CreditNotes endpoints for one Odoo document.
XeroKind = namedtuple(
    "XeroKind",
    "endpoint xero_type number_key id_key get_one id_arg update_one body_arg",
)
_ENDPOINT_ARGS = {
    # endpoint → (get one, its id argument, update one, the body argument)
    "Invoices": ("get_invoice", "invoice_id", "update_invoice", "invoices"),
    "CreditNotes": ("get_credit_note", "credit_note_id", "update_credit_note", "credit_notes"),
    "PurchaseOrders": ("get_purchase_order", "purchase_order_id", "update_purchase_order", "purchase_orders"),
}


def xero_kind(move_type):
    """Invoices or CreditNotes, and every name that goes with it, for an Odoo ``move_type``
    (``out_invoice``…), or for a Xero endpoint name (``Invoices``, ``PurchaseOrders``)."""
    if move_type in const.XERO_TYPES:
        endpoint, xero_type, number_key = const.XERO_TYPES[move_type]
    else:
        endpoint, xero_type = move_type, None
        number_key = {"PurchaseOrders": "PurchaseOrderNumber", "CreditNotes": "CreditNoteNumber"}.get(
            endpoint, "InvoiceNumber"
        )
    get_one, id_arg, update_one, body_arg = _ENDPOINT_ARGS[endpoint]
    return XeroKind(
        endpoint, xero_type, number_key, const.XERO_ID_KEYS[endpoint], get_one, id_arg, update_one, body_arg
    )


def idempotency_key(dbuuid, purpose, *content):
    """The one way to name a write for Xero's Idempotency-Key: derived from what is sent (so
    a retry of the same content is the same key and Xero replays its first answer instead of
    creating twice), this database and the write's purpose (``invoices``, ``payment``…).
    Xero takes at most 128 characters."""
    digest = hashlib.sha256(
        json.dumps(content, sort_keys=True, default=str, separators=(",", ":")).encode()
    ).hexdigest()[:40]
    return f"odoo-{(dbuuid or 'db')[:8]}-{purpose}-{digest}"[:128]


def notification(title, message, kind="info", sticky=False, next_action=None):
    """The client action a button answers with to show a short message."""
    params = {"title": title, "message": message, "type": kind, "sticky": sticky}
    if next_action:
        params["next"] = next_action
    return {"type": "ir.actions.client", "tag": "display_notification", "params": params}


# Reloads what the user looks at (the form shows its new state) once a notification is shown.
SOFT_RELOAD = {"type": "ir.actions.client", "tag": "soft_reload"}


def answer(env, message, kind="success", sticky=False):
    """The one way a Xero button answers on screen: ``message``, one sentence of what
    happened, then the screen reloaded so it shows the new state."""
    return notification(env._("Xero"), message, kind, sticky=sticky, next_action=SOFT_RELOAD)


# The menus a message sends the user to (their path is read from the menu itself, see menu_path).
MENU_MAPPINGS = "xero_connector.menu_xero_mapping"
MENU_ORGANISATIONS = "xero_connector.menu_xero_tenant"


def menu_path(env, xmlid):
    """The menu ``xmlid`` as the user's menu bar shows it, e.g. "Invoicing / Configuration /
    Xero / Mappings" (Community names the accounting app Invoicing, Enterprise Accounting):
    read from the menu records in the user's language, so a message never names a menu that
    is not there."""
    menu = env.ref(xmlid)
    names = []
    while menu:
        names.append(menu.name)
        menu = menu.parent_id
    return " / ".join(reversed(names))


def xero_status_word(env, code, purchase_order=False):
    """Xero's status ``code`` (AUTHORISED…) in the words Xero's own screens use."""
    if purchase_order and code == "AUTHORISED":
        return env._("Approved")
    words = {
        "DRAFT": env._("Draft"),
        "SUBMITTED": env._("Awaiting approval"),
        "AUTHORISED": env._("Awaiting payment"),
        "PAID": env._("Paid"),
        "VOIDED": env._("Voided"),
        "DELETED": env._("Deleted"),
        "BILLED": env._("Billed"),
        "POSTED": env._("Posted"),
    }
    return words.get(code, code or env._("unknown"))


def deep_link(short_code, path):
    """A link that opens ``path`` in the organisation with this short code in Xero."""
    return const.XERO_DEEP_LINK.format(short_code=short_code, path=path)


def in_test():
    """True while Odoo's test runner runs: crons then keep the test's transaction instead of
    committing their batches (the one place the module asks)."""
    return bool(modules.module.current_test or getattr(threading.current_thread(), "testing", False))


def run_cron_batches(env, batches, work, describe):
    """The cron pattern, once: ``work(batch)`` for each of ``batches`` in a savepoint; a batch
    that fails is logged (``describe(batch)`` names it) and the others go on; progress goes to
    ``ir.cron._notify_progress``; each batch is committed on its own (so a late failure keeps
    the earlier batches' links to Xero) except under the test runner. Returns the number of
    batches that failed."""
    batches = list(batches)
    failed = 0
    for done, batch in enumerate(batches, start=1):
        try:
            with env.cr.savepoint():
                work(batch)
        except UserError as error:
            failed += 1
            _logger.warning("Xero: %s failed: %s", describe(batch), error)
        env["ir.cron"]._notify_progress(done=done, remaining=len(batches) - done)
        if not in_test():
            env.cr.commit()  # pylint: disable=invalid-commit
    return failed


def flag_problem(record, summary, message, user=None):
    """The one way to flag a Xero problem on a document (invoice, order, payment): ``message``
    logged in its chatter (logged, not posted: a user without an email address still sees
    it) and one warning activity ``summary`` for ``user`` (the document's salesperson, else
    the current user), never two of the same summary."""
    record.ensure_one()
    record._message_log(body=message)
    if not record.activity_ids.filtered(lambda a: a.summary == summary):
        record.sudo().activity_schedule(
            "mail.mail_activity_data_warning",
            summary=summary,
            note=message,
            user_id=(user or record.env.user).id,
        )


def clear_problem(records, summary):
    """Remove the activities ``flag_problem`` scheduled with this ``summary``."""
    records.activity_ids.filtered(lambda a: a.summary == summary).sudo().unlink()
