"""Reliability soak: exactly once through faults, a kill -9 and retries (issue #11).

Prints figures, never passes or fails on time. Run through `make bench`, or alone:

    python bench/bench_soak.py DB [--invoices 2000] [--payments 500] [--orders 200] [--fault-rate 0.2] [--no-kill]

The Xero sandbox runs in a process of its own (it must outlive the exporter killed with
kill -9). One organisation; N posted invoices are queued for export (Export customer
invoices automatically) and drained by the export cron in a worker process, while the sandbox
injects faults of every kind it knows on that share of the organisation's API calls (429,
500, 503, connection reset, lost response, timeout, expired token; spread evenly). Once a
third of the batches were sent, the worker is killed with SIGKILL in the middle of its run and
a new worker finishes the queue — the documents of the interrupted batch must be found in Xero
and linked, not sent again.

Then payments, half each way: M/2 registered in Odoo on exported invoices (sent to Xero from
Register Payment, retried by the payment cron when a fault stopped them; every second one
settles its invoice, so that a payment whose answer was lost must be found although Xero then
says the invoice is PAID) and M/2 made in Xero (the payment cron brings them into Odoo), the
cron run until nothing is left to do.

Then P confirmed purchase orders, half sent as Xero purchase orders and half as Xero bills
(MRPeasy's two modes), through the export queue under the same faults; an order whose send
failed is queued again, as a user pressing *Add to Xero* again would.

Afterwards, with the faults off, it prints for invoices: documents in Xero, duplicates,
unlinked, wrong links, total differences (goal: exactly N and zeros); for payments: payments
in Xero, duplicates, not sent, wrong links, and invoices whose paid amount differs between Odoo
and Xero (goal: exactly M and zeros). Plus the faults fired by kind, calls and time.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

FAULT_KINDS = ("expired_token", "429", "500", "503", "reset", "lost_response", "timeout")
ORDER_MODES = (("purchase_order", "po"), ("bill", "pobill"))  # company mode, partner_ref tag
READ_TIMEOUT = 2.0  # the connector's read timeout in the soak (30 s in production)
TIMEOUT_DELAY = 2.5  # a `timeout` fault answers this late: past the read timeout
PREFIX = "Soak"


def _odoo(db):
    from common import configure

    return configure(db)


def _patch_connector(registry, sandbox_url):
    """Waits move the sandbox's clock (its virtual minute) instead of sleeping; a short read
    timeout, so that a `timeout` fault costs seconds rather than half a minute."""
    from odoo.addons.xero_connector import const

    from xero_sandbox.client import SandboxClient

    const.HTTP_TIMEOUT_SECONDS = READ_TIMEOUT
    client = SandboxClient(sandbox_url)
    registry["xero.connection"]._xero_sleep = lambda model, seconds: client.advance(seconds)


# ---------------------------------------------------------------------------------- workers
def worker(db, role, sandbox_url, journal_code=None):
    """A process of its own: the export cron until the queue is empty (``export``), or the
    payments of the soak (``payments``)."""
    odoo = _odoo(db)
    from common import run_jobs

    from odoo import SUPERUSER_ID, api

    registry = odoo.modules.registry.Registry(db)
    _patch_connector(registry, sandbox_url)
    if role == "export":
        for _round in range(200):
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                queued = env["account.move"].search([("xero_export_state", "=", "queued")])
                if not queued:
                    break
                env["account.move"]._cron_xero_export_queue()
                cr.commit()
                run_jobs(env)  # this worker process performs the cron's jobs
                if queued.filtered(lambda m: m.xero_export_state == "queued") == queued:
                    catch_up(env, sandbox_url)  # nothing went: the queue waits for Xero's next try time
    elif role == "orders":
        send_orders(registry, sandbox_url, journal_code)
    elif role == "payments":
        pay_from_odoo(registry, journal_code)
        for _round in range(200):
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["xero.payment"]._cron_xero_sync_payments()
                cr.commit()
                run_jobs(env)
                left = env["account.payment"].search_count(
                    [("xero_error", "!=", False), ("xero_payment_id", "=", False)]
                )
                pending = env["xero.payment"].search_count([("sync_state", "=", "pending")])
                if not left and not pending and _round >= 1:
                    break
                catch_up(env, sandbox_url)
    return 0


def catch_up(env, sandbox_url):
    """The cron's next run once Xero's wait is over, on the sandbox's virtual clock.

    The connector never sleeps a Retry-After longer than a few seconds (the minute limit's,
    or the day's once the Starter tier's 1,000 calls are spent): it keeps the work queued with
    its next try time, in real time. The soak does not wait real minutes (or days): it moves
    the sandbox's clock past the longest wait and brings Odoo's remembered waits to now, as if
    the cron ran again at that time. Returns the seconds skipped."""
    from common import forget_limits

    from odoo import fields

    from xero_sandbox.client import SandboxClient

    now = fields.Datetime.now()
    waits = env["account.move"].search([("xero_next_try_at", ">", now)]).mapped("xero_next_try_at")
    waits += env["purchase.order"].search([("xero_next_try_at", ">", now)]).mapped("xero_next_try_at")
    waits += [tenant._xero_retry_at() for tenant in env["xero.tenant"].search([])]
    waits = [w for w in waits if w and w > now]
    if not waits:
        return 0
    seconds = (max(waits) - now).total_seconds() + 1
    SandboxClient(sandbox_url).advance(seconds)
    env.cr.execute("UPDATE account_move SET xero_next_try_at = NULL WHERE xero_next_try_at > %s", [now])
    env.cr.execute("UPDATE purchase_order SET xero_next_try_at = NULL WHERE xero_next_try_at > %s", [now])
    env.cr.execute("UPDATE xero_sync_log SET retry_at = NULL WHERE retry_at > %s", [now])
    forget_limits(env.cr)  # the shared memory of the wait, in real time
    env.cr.commit()
    env.invalidate_all()
    SKIPPED.append(seconds)
    print(f"[soak] waited out a Retry-After of {seconds:.0f} s on the virtual clock", flush=True)
    return seconds


SKIPPED = []


def pay_from_odoo(registry, journal_code=None):
    """Register Payment on the first half of the paid invoices (each in its own transaction,
    as a user would: the push to Xero runs inside it)."""
    from odoo import SUPERUSER_ID, api, fields

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        domain = [("ref", "=like", f"{PREFIX} odoo-pay %"), ("payment_state", "=", "not_paid")]
        if journal_code:
            domain.append(("journal_id.code", "=", journal_code))
        todo = [(move.id, move.amount_total) for move in env["account.move"].search(domain, order="id")]
    for index, (move_id, total) in enumerate(todo):
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            move = env["account.move"].browse(move_id)
            journal = move.xero_tenant_id.xero_payment_journal_id
            env["account.payment.register"].with_context(
                active_model="account.move", active_ids=move.ids
            ).create(
                {
                    # every second one settles the invoice (Xero then says PAID)
                    "amount": total if index % 2 else round(total * 0.4, 2),
                    "journal_id": journal.id,
                    "payment_date": fields.Date.today(),
                    "communication": f"{PREFIX} payment {move.name}",
                    "payment_difference_handling": "open",
                }
            )._create_payments()
            cr.commit()


def send_orders(registry, sandbox_url, code):
    """The soak's purchase orders: those tagged ``po`` with the company sending orders as Xero
    purchase orders, then those tagged ``pobill`` as Xero bills; the export cron drains the
    queue, orders whose send failed are queued again (a user pressing *Add to Xero* again)."""
    from odoo import SUPERUSER_ID, api

    for mode, tag in ORDER_MODES:
        for _round in range(200):
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env.company.xero_po_mode = mode
                todo = env["purchase.order"].search(
                    [("partner_ref", "=like", f"{PREFIX} {tag} {code} %"), ("xero_id", "=", False)]
                )
                if not todo:
                    break
                todo.filtered(lambda o: o.xero_export_state != "queued")._xero_write_fields(
                    {"xero_export_state": "queued"}
                )
                cr.commit()
                env["purchase.order"]._cron_xero_export_queue(limit=1000)
                cr.commit()
                if not todo.filtered("xero_id"):
                    catch_up(env, sandbox_url)


# ----------------------------------------------------------------------------------- parent
def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_sandbox():
    port = free_port()
    log = open(ROOT / ".logs" / "sandbox-soak.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "xero_sandbox", "--port", str(port), "--quiet"],
        cwd=ROOT / "tests",
        stdout=log,
        stderr=subprocess.STDOUT,
        env=dict(
            os.environ, XERO_OPENAPI_DIR=os.environ.get("XERO_OPENAPI_DIR", "/work/shared/xero/openapi")
        ),
    )
    from xero_sandbox.client import SandboxClient

    client = SandboxClient(f"http://127.0.0.1:{port}")
    for _ in range(600):
        try:
            client.orgs()
            return process, client
        except Exception:  # still starting
            time.sleep(0.1)
    raise RuntimeError("the sandbox did not start")


def run_worker(db, role, url, journal_code):
    return subprocess.Popen(
        [sys.executable, __file__, db, "--worker", role, "--sandbox", url, "--journal", journal_code],
        stdout=sys.stdout,
        stderr=subprocess.STDOUT,
    )


def prepare(env, sandbox, org, invoices, payments, orders=0):
    """Connection, cache, mappings, customers, N posted invoices (queued at posting), P
    confirmed purchase orders (sent by hand: not queued at confirmation)."""
    from common import connect_here, ensure_chart, setup_tenant

    from odoo import Command, fields

    company = ensure_chart(env, env.ref("base.main_company"))
    tenant = connect_here(env, sandbox.base_url, [org["tenantId"]])[org["tenantId"]]
    # A journal and a tax of their own: the soak counts only its documents, whatever else the
    # database holds (a second run into the same database included).
    code = "SK" + uuid.uuid4().hex[:3].upper()
    tax = env["account.tax"].create(
        {"name": f"GST 10% (soak {code})", "amount": 10, "type_tax_use": "sale", "company_id": company.id}
    )
    setup_tenant(env, tenant, tax)
    bank_journal = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
    )
    bank = env["xero.account"].search([("tenant_id", "=", tenant.id), ("is_bank", "=", True)], limit=1)
    tenant.write({"xero_payment_journal_id": bank_journal.id, "xero_payment_account_id": bank.id})
    company.write(
        {
            "xero_tenant_id": tenant.id,
            "xero_auto_create_contacts": True,
            "xero_invoice_status": "AUTHORISED",
            "xero_auto_export_sales": True,
            "xero_payments_to_xero": True,
            "xero_payments_from_xero": True,
        }
    )
    quiet = env(context={"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True})
    customers = quiet["res.partner"].create(
        [
            {"name": f"{PREFIX} customer {n:04d}", "email": f"c{n}@soak.example", "is_company": True}
            for n in range(max(1, invoices // 4))
        ]
    )
    sales = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
    journal = sales.copy(
        {"name": f"{PREFIX} sales {code}", "code": code, "default_account_id": sales.default_account_id.id}
    )
    half = payments // 2
    refs = [f"{PREFIX} odoo-pay {n}" for n in range(half)] + [
        f"{PREFIX} xero-pay {n}" for n in range(payments - half)
    ]
    refs += [f"{PREFIX} {n}" for n in range(invoices - len(refs))]
    for start in range(0, invoices, 250):
        chunk = quiet["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": customers[n % len(customers)].id,
                    "journal_id": journal.id,
                    "invoice_date": fields.Date.today(),
                    "ref": refs[n],
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Service",
                                "quantity": 1 + n % 7,
                                "price_unit": 10.0 + (n % 97) * 1.37,
                                "tax_ids": [Command.set(tax.ids)],
                            }
                        ),
                        Command.create(
                            {
                                "name": "Freight",
                                "quantity": 1,
                                "price_unit": 12.5,
                                "tax_ids": [Command.set(tax.ids)],
                            }
                        ),
                    ],
                }
                for n in range(start, min(invoices, start + 250))
            ]
        )
        chunk.action_post()
        env.cr.commit()
        print(f"[soak] {min(invoices, start + 250):,} invoices posted", flush=True)
    prepare_orders(env, quiet, company, customers, code, orders)
    return tenant, journal


def prepare_orders(env, quiet, company, vendors, code, orders):
    """P confirmed purchase orders without taxes (NoTax in Xero), numbered by a sequence
    prefix of this run; half tagged for each mode."""
    from odoo import Command

    if not orders:
        return
    company.write({"xero_po_mode": "purchase_order", "xero_po_trigger": "manual", "xero_po_status": "DRAFT"})
    sequence = env["ir.sequence"].search(
        [("code", "=", "purchase.order"), ("company_id", "in", (False, company.id))], limit=1
    )
    sequence.prefix = f"{code}-"
    part = quiet["product.product"].create(
        {"name": f"{PREFIX} part {code}", "type": "service", "purchase_method": "purchase"}
    )
    half = orders // 2
    created = quiet["purchase.order"].create(
        [
            {
                "partner_id": vendors[n % len(vendors)].id,
                "partner_ref": f"{PREFIX} {ORDER_MODES[0][1] if n < half else ORDER_MODES[1][1]} {code} {n}",
                "order_line": [
                    Command.create(
                        {
                            "product_id": part.id,
                            "product_qty": 1 + n % 5,
                            "price_unit": 20.0 + (n % 31) * 2.11,
                            "taxes_id": [Command.clear()],
                        }
                    )
                ],
            }
            for n in range(orders)
        ]
    )
    created.button_confirm()
    env.cr.commit()
    print(f"[soak] {orders:,} purchase orders confirmed", flush=True)


def verify_orders(env, sandbox, tenant_id, code):
    """Purchase orders, Odoo against Xero: each mode's documents, duplicates, links."""
    figures = {}
    for mode, tag in ORDER_MODES:
        orders = env["purchase.order"].search([("partner_ref", "=like", f"{PREFIX} {tag} {code} %")])
        if mode == "purchase_order":
            wanted, key, number = set(orders.mapped("name")), "PurchaseOrderID", "PurchaseOrderNumber"
            docs = sandbox.dump(tenant_id, "PurchaseOrders")
        else:
            wanted, key, number = set(orders.mapped("partner_ref")), "InvoiceID", "InvoiceNumber"
            docs = [d for d in sandbox.dump(tenant_id, "Invoices") if d.get("Type") == "ACCPAY"]
        live = [d for d in docs if d.get(number) in wanted and d.get("Status") not in ("DELETED", "VOIDED")]
        by_number = Counter(d[number] for d in live)
        by_id = {d[key]: d for d in live}
        wrong = differs = 0
        for order in orders.filtered("xero_id"):
            twin = by_id.get(order.xero_id)
            wrong += not twin or twin[number] != (
                order.name if mode == "purchase_order" else order.partner_ref
            )
            differs += bool(twin) and bool(
                order.currency_id.compare_amounts(twin["Total"], order.amount_total)
            )
        figures[mode] = {
            "orders in Odoo": len(orders),
            "in Xero": len(by_number),
            "duplicates": sum(n - 1 for n in by_number.values()),
            "unlinked": len(orders.filtered(lambda o: not o.xero_id)),
            "wrong links": wrong,
            "total differences": differs,
        }
    return figures


def arm_faults(sandbox, tenant_id, rate):
    """Every kind on ``rate`` of the organisation's calls in all: each kind on an equal share."""
    per_kind = 1 - (1 - rate) ** (1 / len(FAULT_KINDS))
    for n, kind in enumerate(FAULT_KINDS):
        sandbox.add_fault(
            kind,
            tenant=tenant_id,
            count=10**9,
            probability=per_kind,
            retry_after=2,
            delay=TIMEOUT_DELAY,
            **({"seed": 11} if n == 0 else {}),
        )


def kill_mid_batch(process, sandbox, batches):
    """SIGKILL the exporter once a third of the batches went out: right after Xero took one,
    while Odoo writes it back."""
    target = max(1, batches // 3)
    mark, seen = 0, 0
    while process.poll() is None:
        snapshot = sandbox.calls(mark)
        mark = snapshot["next"]
        seen += sum(1 for c in snapshot["log"] if c["endpoint"] == "PUT /Invoices" and c["status"] == 200)
        if seen >= target:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            return seen
        time.sleep(0.02)
    return None


def verify(env, sandbox, tenant_id, journal_code, payments):
    """What a careful accountant would count afterwards, Odoo against Xero."""
    moves = env["account.move"].search(
        [("journal_id.code", "=", journal_code), ("move_type", "=", "out_invoice")]
    )
    names = set(moves.mapped("name"))
    docs = [
        d
        for d in sandbox.dump(tenant_id, "Invoices")
        if d.get("InvoiceNumber") in names and d.get("Status") not in ("DELETED", "VOIDED")
    ]
    by_number = Counter(d["InvoiceNumber"] for d in docs)
    by_id = {d["InvoiceID"]: d for d in docs}
    links = Counter(moves.filtered("xero_id").mapped("xero_id"))
    wrong = [
        m for m in moves.filtered("xero_id") if by_id.get(m.xero_id, {}).get("InvoiceNumber") != m.name
    ] + [m for m in moves if m.xero_id and links[m.xero_id] > 1]
    totals = [
        m
        for m in moves.filtered("xero_id")
        if m.xero_id in by_id and m.currency_id.compare_amounts(by_id[m.xero_id]["Total"], m.amount_total)
    ]
    inv = {
        "invoices in Odoo": len(moves),
        "documents in Xero": len(by_number),
        "duplicates": sum(n - 1 for n in by_number.values()),
        "unlinked": len(moves.filtered(lambda m: not m.xero_id)),
        "wrong links": len(wrong),
        "total differences": len(totals),
        "shown as Differs in Xero": len(moves.filtered(lambda m: m.xero_export_state == "differs")),
        "found in Xero and linked after the kill or a lost answer": env["mail.message"].search_count(
            [
                ("model", "=", "account.move"),
                ("res_id", "in", moves.ids),
                ("body", "ilike", "Found in Xero after an interrupted export"),
            ]
        ),
        "export state error": len(moves.filtered(lambda m: m.xero_export_state == "error")),
    }
    xero_payments = [
        p
        for p in sandbox.dump(tenant_id, "Payments")
        if p.get("Status") != "DELETED" and (p.get("Invoice") or {}).get("InvoiceID") in by_id
    ]
    sent = env["account.payment"].search([("memo", "=like", f"{PREFIX} payment %")])
    sent = sent.filtered(lambda p: p.reconciled_invoice_ids & moves)  # not stored: not searchable
    by_reference = Counter(
        p.get("Reference")
        for p in xero_payments
        if (p.get("Reference") or "").startswith(f"{PREFIX} payment")
    )
    xero_ids = {p["PaymentID"]: p for p in xero_payments}
    wrong_pay = [
        p
        for p in sent.filtered("xero_payment_id")
        if xero_ids.get(p.xero_payment_id, {}).get("Reference") != p.memo
    ]
    made_in_xero = [p for p in xero_payments if (p.get("Reference") or "").startswith(f"{PREFIX} in Xero")]
    imported = env["account.payment"].search(
        [("xero_payment_id", "in", [p["PaymentID"] for p in made_in_xero])]
    )
    paid_diff = [
        m
        for m in moves.filtered("xero_id")
        if m.currency_id.compare_amounts(
            m.amount_total - m.amount_residual, by_id.get(m.xero_id, {}).get("AmountPaid") or 0.0
        )
    ]
    pay = {
        "payments expected": payments,
        "payments in Xero": len(by_reference) + len(made_in_xero),
        "duplicates in Xero": sum(n - 1 for n in by_reference.values()),
        "of which settle their invoice": len(
            sent.filtered(lambda p: p.reconciled_invoice_ids.payment_state in ("paid", "in_payment"))
        ),
        "Odoo payments not sent": len(sent.filtered(lambda p: not p.xero_payment_id)),
        "wrong links": len(wrong_pay),
        "Xero payments not in Odoo": len(made_in_xero) - len(imported),
        "invoices whose paid amount differs": len(paid_diff),
    }
    return inv, pay


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db")
    parser.add_argument("--invoices", type=int, default=int(os.environ.get("SOAK_INVOICES", "2000")))
    parser.add_argument("--payments", type=int, default=int(os.environ.get("SOAK_PAYMENTS", "500")))
    parser.add_argument("--orders", type=int, default=int(os.environ.get("SOAK_ORDERS", "200")))
    parser.add_argument("--fault-rate", type=float, default=0.2)
    parser.add_argument("--lost-rate", type=float, default=0.3)
    parser.add_argument("--no-kill", action="store_true")
    parser.add_argument("--worker", choices=("export", "payments", "orders"))
    parser.add_argument("--sandbox")
    parser.add_argument("--journal")
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.db, args.worker, args.sandbox, args.journal)

    started = time.perf_counter()
    sandbox_process, sandbox = start_sandbox()
    try:
        return soak(args, sandbox, started)
    finally:
        sandbox_process.terminate()
        sandbox_process.wait()


def soak(args, sandbox, started):
    odoo = _odoo(args.db)
    from odoo import SUPERUSER_ID, api, fields

    org = sandbox.create_org(
        f"{PREFIX} Org", short_code=f"!s{uuid.uuid4().hex[:5]}", base_currency="USD", country_code="US"
    )
    tenant_id = org["tenantId"]
    registry = odoo.modules.registry.Registry(args.db)
    _patch_connector(registry, sandbox.base_url)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        _tenant, journal = prepare(env, sandbox, org, args.invoices, args.payments, args.orders)
        code = journal.code
        cr.commit()
    prepared = time.perf_counter()
    sandbox.advance(61)
    arm_faults(sandbox, tenant_id, args.fault_rate)
    sandbox.reset_calls()

    print(f"[soak] export of {args.invoices:,} invoices, {args.fault_rate:.0%} faults", flush=True)
    process = run_worker(args.db, "export", sandbox.base_url, code)
    killed_after = None
    if not args.no_kill:
        killed_after = kill_mid_batch(process, sandbox, -(-args.invoices // 50))
        print(f"[soak] exporter killed with SIGKILL after {killed_after} batch(es) reached Xero", flush=True)
        process = run_worker(args.db, "export", sandbox.base_url, code)
    process.wait()
    exported = time.perf_counter()

    # Payments made in Xero (by someone working there: no faults on that side).
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        bank = env["xero.account"].search(
            [("tenant_id.tenant_id", "=", tenant_id), ("is_bank", "=", True)], limit=1
        )
        for move in env["account.move"].search(
            [
                ("ref", "=like", f"{PREFIX} xero-pay %"),
                ("xero_id", "!=", False),
                ("journal_id.code", "=", code),
            ]
        ):
            sandbox.as_user(
                tenant_id,
                "PUT",
                "/Payments",
                json={
                    "Payments": [
                        {
                            "Invoice": {"InvoiceID": move.xero_id},
                            "Account": {"Code": bank.code},
                            "Date": fields.Date.to_string(fields.Date.today()),
                            "Amount": round(move.amount_total * 0.5, 2),
                            "Reference": f"{PREFIX} in Xero {move.name}",
                        }
                    ]
                },
            )
    print(
        f"[soak] payments: {args.payments:,} ({args.payments // 2} from Odoo, the rest made in Xero)",
        flush=True,
    )
    # On top of the 20 %: answers lost on that share of the payments and orders sent, so that
    # payments settling their invoice and orders of both modes meet lost answers for sure.
    for path in ("/Payments$", "/PurchaseOrders$", "/Invoices$"):
        sandbox.add_fault(
            "lost_response",
            method="PUT",
            path=path,
            tenant=tenant_id,
            count=10**9,
            probability=args.lost_rate,
        )
    process = run_worker(args.db, "payments", sandbox.base_url, code)
    process.wait()
    paid = time.perf_counter()
    if args.orders:
        print(f"[soak] purchase orders: {args.orders:,} (half as purchase orders, half as bills)", flush=True)
        process = run_worker(args.db, "orders", sandbox.base_url, code)
        process.wait()
    ordered = time.perf_counter()

    faults = Counter()
    for fault in sandbox.faults():
        faults[fault["fault"]] += fault["fired"]
    calls = sandbox.calls()["log"]
    sandbox.clear_faults()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        inv, pay = verify(env, sandbox, tenant_id, code, args.payments)
        orders = verify_orders(env, sandbox, tenant_id, code) if args.orders else {}
    api_calls = [c for c in calls if c.get("tenant") == tenant_id]

    print(
        f"\nReliability soak: {args.invoices:,} invoices, {args.payments:,} payments, "
        f"{args.orders:,} purchase orders, {args.fault_rate:.0%} faults "
        f"(and {args.lost_rate:.0%} of payment and order sends with their answer lost)"
    )
    print(
        f"  exporter killed with SIGKILL: {'no' if killed_after is None else f'yes, after {killed_after} batches'}"
    )
    tiers = sorted({app.get("tier", "?") for app in sandbox.apps()})
    print(f"  app tier: {', '.join(tiers)} (the sandbox's demo app: a new app, 2026)")
    print(
        f"  API calls {len(api_calls):,}, faults fired {sum(faults.values()):,} "
        f"({', '.join(f'{k} {faults[k]}' for k in FAULT_KINDS)})"
    )
    print(
        f"  time: set-up {prepared - started:.0f} s, export {exported - prepared:.0f} s, "
        f"payments {paid - exported:.0f} s, purchase orders {ordered - paid:.0f} s"
    )
    print("  invoices: " + ", ".join(f"{k} {v:,}" for k, v in inv.items()))
    print("  payments: " + ", ".join(f"{k} {v:,}" for k, v in pay.items()))
    for mode, figures in orders.items():
        label = (
            "purchase orders as Xero purchase orders"
            if mode == "purchase_order"
            else "purchase orders as bills"
        )
        print(f"  {label}: " + ", ".join(f"{k} {v:,}" for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
