"""Import of Xero contacts into partners: SQL queries and time per 1,000 contacts.

Prints figures, never passes or fails on time. Run through `make bench`, or alone:

    python bench/bench_contact_import.py DB [CONTACTS]

The import reads the contact cache (filled here straight from Xero-shaped JSON through the
cache's own upsert) and never calls Xero, so no sandbox is needed. 10 % of the contacts match
an existing partner (by name, email or VAT, some archived); each new contact has one person
and a POBOX address different from its street address, so every partner comes with two
children. Everything is rolled back."""

import sys
import time
import uuid

from common import registry, superuser_env


def xero_contact(n):
    return {
        "ContactID": str(uuid.uuid4()),
        "ContactStatus": "ACTIVE",
        "Name": f"Import bench {n:05d} Pty Ltd",
        "FirstName": "Alex",
        "LastName": f"Bench{n}",
        "EmailAddress": f"import{n}@example.com",
        "TaxNumber": f"{n:011d}",
        "IsCustomer": True,
        "Addresses": [
            {
                "AddressType": "POBOX",
                "AddressLine1": f"P O Box {n}",
                "City": "Brisbane",
                "PostalCode": "4001",
                "Country": "Australia",
            },
            {
                "AddressType": "STREET",
                "AddressLine1": f"{n} Bench Street",
                "City": "Brisbane",
                "Region": "QLD",
                "PostalCode": "4000",
                "Country": "AU",
            },
        ],
        "Phones": [{"PhoneType": "DEFAULT", "PhoneNumber": f"5550 {n % 10000:04d}", "PhoneAreaCode": "07"}],
        "ContactPersons": [
            {
                "FirstName": "Sam",
                "LastName": f"Person{n}",
                "EmailAddress": f"sam{n}@example.com",
                "IncludeInEmails": True,
            }
        ],
    }


def main(db, total=10_000):
    with superuser_env(registry(db)) as env:
        cr = env.cr
        tenant = env["xero.tenant"].create({"name": "Import bench", "tenant_id": str(uuid.uuid4())})
        docs = [xero_contact(n) for n in range(total)]
        env["xero.contact"]._xero_upsert(tenant, docs)
        Partner = env["res.partner"]
        existing = []
        for n in range(0, total, 10):  # 10 %: a quarter each by name, email, VAT, archived name
            kind = (n // 10) % 4
            vals = {"name": f"Someone {n}"}
            if kind == 0:
                vals["name"] = f"IMPORT BENCH {n:05d} PTY LTD"
            elif kind == 1:
                vals["email"] = f"Import{n}@Example.com"
            elif kind == 2:
                vals["vat"] = f"{n:011d}"
            else:
                vals.update(name=f"Import bench {n:05d} Pty Ltd", active=False)
            existing.append(vals)
        Partner.create(existing)
        env.flush_all()

        queries, started = cr.sql_log_count, time.perf_counter()
        stats = Partner._xero_import_contacts(tenant)
        env.flush_all()
        seconds = time.perf_counter() - started
        queries = cr.sql_log_count - queries
        per_k = 1000 / total
        print(
            f"import of {total} contacts: {stats['created']} created, {stats['linked']} linked "
            f"({len(stats['archived_matches'])} archived), {stats['skipped']} skipped"
        )
        print(
            f"  {queries} SQL queries ({queries * per_k:.0f} per 1,000 contacts), "
            f"{seconds:.1f} s ({seconds * 1000 * per_k:.0f} ms per 1,000)"
        )
        queries, started = cr.sql_log_count, time.perf_counter()
        again = Partner._xero_import_contacts(tenant)
        print(
            f"second import: {again['created']} created, {again['linked']} linked, "
            f"{cr.sql_log_count - queries} SQL queries, {time.perf_counter() - started:.1f} s"
        )
        cr.rollback()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10_000)
