"""Xero cache refresh: API calls and database cost, against an in-process Xero sandbox.

Prints figures, never passes or fails on time. Run through `make bench` (scripts/bench.sh
makes a database with the module installed), or alone:

    python bench/bench_cache_refresh.py DB [CONTACTS]

Measures: calls for a first refresh of 10,000 contacts (with Xero's pagination block, and
without it: stopping at the first short page), calls per list for an unchanged refresh, and
milliseconds and SQL queries per 1,000 contacts upserted (created, unchanged, changed), plus
what building xero-python's model objects for a page would cost instead of reading its JSON.
"""

import copy
import json
import sys
import time
import uuid

from common import Meter, add_org, connect_here, print_rows, registry, start_sandbox, superuser_env

LISTS = ("currencies", "tax_rates", "accounts", "tracking", "items", "contacts")


def add_contacts(org, count):
    """``count`` contacts shaped as Xero stores them (addresses, phones, persons), written
    straight into the sandbox organisation: the bench measures Odoo, not the sandbox's
    validation of 10,000 unique names."""
    contacts = org.resource("Contacts")
    for n in range(count):
        doc = {
            "ContactID": str(uuid.uuid4()),
            "ContactStatus": "ACTIVE" if n % 50 else "ARCHIVED",
            "Name": f"Bench contact {n:05d}",
            "FirstName": "Alex",
            "LastName": f"Bench{n}",
            "EmailAddress": f"bench{n}@example.com",
            "ContactNumber": f"BENCH-{n:05d}",
            "AccountNumber": f"ACC{n:05d}",
            "TaxNumber": f"{n:011d}",
            "IsSupplier": n % 3 == 0,
            "IsCustomer": n % 3 != 0,
            "HasAttachments": False,
            "Addresses": [
                {
                    "AddressType": "POBOX",
                    "AddressLine1": f"P O Box {n}",
                    "City": "Brisbane",
                    "PostalCode": "4001",
                },
                {
                    "AddressType": "STREET",
                    "AddressLine1": f"{n} Bench Street",
                    "City": "Brisbane",
                    "Region": "QLD",
                },
            ],
            "Phones": [
                {"PhoneType": "DEFAULT", "PhoneNumber": f"5550 {n % 10000:04d}", "PhoneAreaCode": "07"},
                {"PhoneType": "MOBILE", "PhoneNumber": f"0400 {n % 1000:03d} 000"},
                {"PhoneType": "FAX", "PhoneNumber": ""},
            ],
            "ContactPersons": [
                {
                    "FirstName": "Sam",
                    "LastName": f"Person{n}",
                    "EmailAddress": f"sam{n}@example.com",
                    "IncludeInEmails": True,
                }
            ],
        }
        org.commit(contacts, doc, created=True)


def bench_refreshes(env, sandbox, tenant, total_contacts):
    """Calls, time and queries of a first, an unchanged and a full refresh."""
    rows = []
    Contact = env["xero.contact"].with_context(active_test=False)
    with Meter(env, sandbox, tenant) as first:
        results = tenant.env["xero.cache.refresh.request"]._refresh_cache(tenant)[tenant.id]
    cached = Contact.search_count([("tenant_id", "=", tenant.id)])
    archived = Contact.search_count([("tenant_id", "=", tenant.id), ("active", "=", False)])
    contact_calls = [c for c in first.calls if c["endpoint"] == "GET /Contacts"]
    rows += [
        ("first refresh: contacts in Xero / cached", f"{total_contacts:,} / {cached:,}"),
        ("first refresh: contacts created / archived", f"{results['contacts']['created']:,} / {archived}"),
        ("first refresh: calls for contacts (goal <= 11)", len(contact_calls)),
        ("first refresh: calls, all six lists", len(first.calls)),
        ("first refresh: wall time, all lists (s)", f"{first.ms / 1000:.1f}"),
        ("first refresh: SQL queries, all lists", first.queries),
    ]

    with Meter(env, sandbox, tenant) as unchanged:
        results = tenant.env["xero.cache.refresh.request"]._refresh_cache(tenant)[tenant.id]
    per_list = {}
    for call in unchanged.calls:
        name = call["endpoint"].split("/")[1]
        per_list[name] = per_list.get(name, 0) + 1
    written = sum(r["created"] + r["updated"] + r["archived"] for r in results.values())
    rows += [
        (
            "unchanged refresh: calls per list (goal 1 each)",
            ", ".join(f"{k} {v}" for k, v in per_list.items()),
        ),
        ("unchanged refresh: records written", written),
        ("unchanged refresh: wall time (ms), SQL queries", f"{unchanged.ms:.0f}, {unchanged.queries}"),
    ]

    # Xero's answers without their pagination block (as before Xero added it): the refresh
    # then stops at the first page holding fewer than 1,000.
    sandbox.faults.add(
        {"fault": "no_pagination", "match": {"method": "GET", "path": "/Contacts$"}, "count": 1000}
    )
    with Meter(env, sandbox, tenant) as no_count:
        tenant.env["xero.cache.refresh.request"]._refresh_cache(tenant, ["contacts"], full=True)
    sandbox.faults.clear()
    with Meter(env, sandbox, tenant) as full:
        tenant.env["xero.cache.refresh.request"]._refresh_cache(tenant, ["contacts"], full=True)
    rows += [
        ("full reload, stopping at the first short page: calls", len(no_count.calls)),
        ("full reload, stopping at Xero's page count: calls", len(full.calls)),
        ("full reload, nothing changed: wall time (s)", f"{full.ms / 1000:.1f}"),
    ]
    return rows


def bench_upsert(env, sandbox, page):
    """The database side alone: one page of 1,000 contacts on an organisation of its own."""
    rows = []
    Contact = env["xero.contact"]
    scratch = env["xero.tenant"].create({"name": "Bench upsert", "tenant_id": str(uuid.uuid4())})
    for label, docs in (
        ("new", page),
        ("unchanged", page),
        ("every name changed", [dict(copy.deepcopy(d), Name=d["Name"] + " (renamed)") for d in page]),
    ):
        env.invalidate_all()
        stats = Contact._xero_new_stats()
        with Meter(env, sandbox, scratch) as upsert:
            Contact._xero_upsert(scratch, docs, stats)
            env.flush_all()
        counts = ", ".join(f"{k} {v}" for k, v in stats.items() if v)
        rows.append(
            (
                f"upsert 1,000 contacts, {label}: ms, SQL queries",
                f"{upsert.ms:.0f}, {upsert.queries} ({counts})",
            )
        )
    return rows


def bench_parsing(page):
    """Reading a page as Xero's JSON (what the refresh does) against building xero-python's
    model objects for it."""
    from xero_python.accounting import AccountingApi
    from xero_python.api_client.deserializer import deserialize

    body = json.dumps({"Contacts": page})
    started = time.perf_counter()
    json.loads(body)
    json_ms = (time.perf_counter() - started) * 1000
    finder = AccountingApi(None).get_model_finder()
    started = time.perf_counter()
    deserialize("Contacts", json.loads(body), finder)
    sdk_ms = (time.perf_counter() - started) * 1000
    return [("read a page of 1,000: as JSON / as SDK models (ms)", f"{json_ms:.0f} / {sdk_ms:.0f}")]


def main(db, total_contacts=10_000):
    reg = registry(db)
    server = start_sandbox()
    sandbox = server.sandbox
    org = add_org(sandbox, name="Bench Org", short_code="!bench", base_currency="AUD")
    add_contacts(org, total_contacts - len(org.store.all("Contacts")))
    with superuser_env(reg) as env:
        tenant = connect_here(env, server.url, [org.tenant_id])[org.tenant_id]
        env.cr.commit()
        rows = bench_refreshes(env, sandbox, tenant, total_contacts)
        page = json.loads(json.dumps(org.dump("Contacts")[:1000]))
        rows += bench_upsert(env, sandbox, page)
        rows += bench_parsing(page)
        env.cr.rollback()
    server.stop()

    print_rows(
        f"\nXero cache refresh ({total_contacts:,} contacts; sandbox in-process, so times include serving)",
        rows,
    )


if __name__ == "__main__":
    main(sys.argv[1], *(int(a) for a in sys.argv[2:3]))
