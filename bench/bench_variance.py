"""Variance report over 10,000 documents: Xero calls, seconds, SQL queries.

Prints figures, never passes or fails on time. Run through `make bench`, or alone:

    python bench/bench_variance.py DB [N]        # N documents, default 10,000

Set-up (not measured): one real invoice is made, posted and its Xero payload built; the
sandbox (in-process, its own organisation) receives N copies of that payload under their own
numbers through its API, in bodies of 500; Odoo receives N copies of the invoice and its lines
by SQL (INSERT ... SELECT), each linked to its Xero twin with the fingerprint its export would
have stored. Then, behind Odoo's back, 1% of the documents get another total in Xero, 0.5% are
deleted there, 0.5% are left unexported in Odoo, 50 invoices are typed in Xero only.

Measured: the report for the month of all these documents, sales only (all on /Invoices).
"""

import json
import sys
import time
from collections import Counter

from common import (
    add_org,
    print_rows,
    registry,
    sales_company,
    setup_tenant,
    start_sandbox,
    superuser_env,
    virtual_waits,
)

from odoo import Command, fields

BODY = 500


def columns(cr, table, skip):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
        [table],
    )
    return [c for (c,) in cr.fetchall() if c not in skip]


def clone_moves(env, template, count, prefix):
    """``count`` copies of ``template`` (move and lines) by SQL; returns their ids."""
    cr = env.cr
    env.flush_all()
    move_cols = columns(cr, "account_move", {"id", "name", "xero_id", "xero_fingerprint", "xero_number"})
    cr.execute(
        f"""
        INSERT INTO account_move ({", ".join(move_cols)}, name)
        SELECT {", ".join(move_cols)}, %s || lpad(n::text, 5, '0')
          FROM account_move, generate_series(1, %s) AS n
         WHERE account_move.id = %s
        RETURNING id
        """,
        [prefix, count, template.id],
    )
    ids = sorted(i for (i,) in cr.fetchall())
    line_cols = columns(cr, "account_move_line", {"id", "move_id", "move_name"})
    cr.execute(
        f"""
        INSERT INTO account_move_line ({", ".join(line_cols)}, move_id, move_name)
        SELECT {", ".join("l." + c for c in line_cols)}, m.id, m.name
          FROM account_move_line l, account_move m
         WHERE l.move_id = %s AND m.id = ANY(%s)
        """,
        [template.id, ids],
    )
    cr.execute(
        """
        INSERT INTO account_move_line_account_tax_rel (account_move_line_id, account_tax_id)
        SELECT nl.id, r.account_tax_id
          FROM account_move_line nl
          JOIN account_move_line ol ON ol.move_id = %s AND ol.sequence = nl.sequence AND ol.name = nl.name
                                    AND ol.display_type = nl.display_type AND ol.account_id = nl.account_id
          JOIN account_move_line_account_tax_rel r ON r.account_move_line_id = ol.id
         WHERE nl.move_id = ANY(%s)
        """,
        [template.id, ids],
    )
    env.invalidate_all()
    return env["account.move"].browse(ids)


def main(db, count=10000):
    reg = registry(db)
    server = start_sandbox()
    sandbox = server.sandbox
    org = add_org(sandbox, name="Bench variance", short_code="!bvar", with_documents=False)
    virtual_waits(reg, sandbox)
    with superuser_env(reg, {"tracking_disable": True, "mail_notrack": True}) as env:
        cr = env.cr
        company, tenants, tax_sale = sales_company(
            env,
            server.url,
            [org.tenant_id],
            f"variance bench {org.tenant_id[:6]}",
            xero_invoice_status="DRAFT",
            xero_lock_exported=False,
        )
        tenant = tenants[org.tenant_id]
        company.xero_tenant_id = tenant
        setup_tenant(env, tenant, tax_sale)
        day = fields.Date.today().replace(day=1)
        customer = env["res.partner"].create({"name": "Variance bench customer", "is_company": True})
        template = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": day,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": name,
                            "quantity": qty,
                            "price_unit": price,
                            "tax_ids": [Command.set(tax_sale.ids)],
                        }
                    )
                    for name, qty, price in (
                        ("Consulting", 7, 120.0),
                        ("Materials", 12, 14.25),
                        ("Freight", 1, 32.0),
                    )
                ],
            }
        )
        template.action_post()
        template._xero_ensure_contacts(
            tenant,
            {"exported": env["account.move"], "failed": {}, "queued": {}, "retry": env["account.move"]},
        )
        ctx = template._xero_export_context(tenant)
        payload, problems = template._xero_payload(ctx)
        assert not problems, problems

        started = time.perf_counter()
        moves = clone_moves(env, template, count, f"VAR{org.tenant_id[:4].upper()}/")
        base_url = ctx["base_url"]
        documents = []
        for move in moves:
            doc = dict(payload, InvoiceNumber=move.name, Url=f"{base_url}/odoo/account.move/{move.id}")
            documents.append((move, doc))
        ids = []
        for start in range(0, count, BODY):
            body = json.dumps({"Invoices": [doc for _m, doc in documents[start : start + BODY]]}, default=str)
            answer = org.handle("PUT", "/Invoices", {"summarizeErrors": "false"}, {}, body.encode())
            ids += [i["InvoiceID"] for i in json.loads(json.dumps(answer.body, default=str))["Invoices"]]
        fingerprint = template._xero_fingerprint
        for (move, doc), xero_id in zip(documents, ids, strict=True):
            cr.execute(
                "UPDATE account_move SET xero_id = %s, xero_number = %s, xero_fingerprint = %s, "
                "xero_export_state = 'exported', xero_status = 'DRAFT', xero_total = amount_total WHERE id = %s",
                [xero_id, move.name, fingerprint(doc), move.id],
            )
        # Behind Odoo's back: other totals, deletions; unexported in Odoo; typed in Xero only.
        store = org.store
        for n in range(0, count, 100):
            doc = store.get("Invoices", ids[n])
            doc["Total"] = doc["Total"] + 1
        for n in range(50, count, 200):
            store.get("Invoices", ids[n])["Status"] = "DELETED"
        cr.execute(
            "UPDATE account_move SET xero_id = NULL, xero_export_state = 'not_exported' WHERE id = ANY(%s)",
            [moves.ids[25::200]],
        )
        only = json.dumps(
            {
                "Invoices": [
                    {k: v for k, v in payload.items() if k != "Url"} | {"InvoiceNumber": f"XERO-ONLY-{n}"}
                    for n in range(50)
                ]
            },
            default=str,
        )
        org.handle("PUT", "/Invoices", {"summarizeErrors": "false"}, {}, only.encode())
        env.invalidate_all()
        cr.commit()
        setup_s = time.perf_counter() - started

        user_env = env(user=env.ref("base.user_admin"), context={})
        period_end = fields.Date.subtract(fields.Date.add(day, months=1), days=1)
        report = user_env["xero.variance.report"].create(
            {
                "date_from": day,
                "date_to": period_end,
                "document_kind": "sales",
                "tenant_ids": [Command.set(tenant.ids)],
            }
        )
        mark = sandbox.calls.snapshot(10**12)["next"]
        queries = cr.sql_log_count
        started = time.perf_counter()
        report.action_run()
        cr.flush()
        seconds = time.perf_counter() - started
        queries = cr.sql_log_count - queries
        calls = [c for c in sandbox.calls.snapshot(mark)["log"] if c["tenant"] == tenant.tenant_id]
        states = Counter(report.line_ids.mapped("state"))
        egress = sum(
            len(json.dumps(org.handle("GET", "/Invoices", dict(c["query"]), {}, b"").body, default=str))
            for c in calls
            if c["path"].endswith("/Invoices")
        )
        full = {k: v for k, v in calls[0]["query"].items() if k != "summaryOnly"} if calls else {}
        full_bytes = (
            len(json.dumps(org.handle("GET", "/Invoices", full, {}, b"").body, default=str)) if calls else 0
        )
        first_bytes = (
            len(
                json.dumps(org.handle("GET", "/Invoices", dict(calls[0]["query"]), {}, b"").body, default=str)
            )
            if calls
            else 0
        )
        cr.rollback()
    server.stop()
    rows = [
        ("Xero calls", len(calls)),
        (
            "calls by endpoint",
            ", ".join(f"{k} {v}" for k, v in Counter(c["endpoint"] for c in calls).items()),
        ),
        ("seconds (Xero + Odoo)", f"{seconds:.1f}"),
        ("ms per document", f"{seconds * 1000 / count:.2f}"),
        ("SQL queries", queries),
        ("rows", ", ".join(f"{k} {v}" for k, v in sorted(states.items()))),
        ("bytes read from Xero (summaryOnly)", f"{egress:,}"),
        ("first page: bytes with / without summaryOnly", f"{first_bytes:,} / {full_bytes:,}"),
    ]
    print_rows(
        f"\nVariance report over {count:,} sales invoices (sandbox in-process; set-up {setup_s:.0f} s, not measured)",
        rows,
    )


if __name__ == "__main__":
    main(sys.argv[1], *([int(sys.argv[2])] if len(sys.argv) > 2 else []))
