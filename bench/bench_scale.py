"""Scale-out: many organisations, job workers and Xero's limits shared in PostgreSQL (issue #24).

Prints figures, never passes or fails on time. Run through `make bench`, or alone:

    python bench/bench_scale.py DB [--orgs 10] [--invoices 100] [--workers 1,2,4]
                                   [--latency 1.0] [--single 1000] [--single-workers 6] [--no-faults]

The Xero sandbox runs in a process of its own and answers each admitted call after
``--latency`` seconds (its control API's latency knob). For each job-worker count W, ORGS
fresh organisations get INVOICES posted invoices each, queued for export; a real Odoo server
(threaded, queue_job's job runner with the channel capacity ``root.xero:W``) performs the
jobs the export cron fans out. The bench process plays the cron (every 5 s, as the cron is
woken when a wait ends). Printed per run: documents a minute overall and per organisation,
the peak of calls in flight per organisation (the sandbox's count), 429s by problem, calls
Xero refused as past the day's budget, and exactly-once (documents in Xero, duplicates, Odoo
documents not linked or linked to the wrong Xero document).

Then one organisation with SINGLE invoices and SINGLE_WORKERS job workers (Xero allows 5 calls
in flight: the goal is 90 % of Xero's 3,000 documents a minute at 1 s latency), and the fault
run: one organisation answering 35 s late, one answering 503, the others healthy: their
exports and nightly cache refreshes complete. The default sizes are smaller than the issue's
10 x 1,000 (creating the invoices is most of the bench's time on two CPU cores): pass
--invoices 1000 for the full run.
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
for _path in (ROOT / "tests", ROOT / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from common import ensure_chart, print_rows, registry, setup_tenant, superuser_env  # noqa: E402

from xero_sandbox.client import SandboxClient  # noqa: E402
from xero_sandbox.odoo_login import connect_admin  # noqa: E402

VENV = Path(os.environ.get("VENV", ROOT / ".venv"))
ODOO_RC = os.environ.get("ODOO_RC_FILE", str(ROOT / ".odoo.conf"))
CRON_EVERY = 5.0  # seconds: the bench plays the export cron this often
RUN_TIMEOUT = 900.0


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_process(args, log, env=None):
    return subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env or dict(os.environ))


def wait_http(url, process, seconds=60):
    import requests

    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the process ended ({process.returncode})")
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


# ------------------------------------------------------------------------------ set-up
class Stage:
    """The company, its tax and customer (once), and the Xero app of the bench (Core tier:
    50 organisations per app, 5,000 calls a day each)."""

    def __init__(self, reg, sandbox):
        self.reg, self.sandbox = reg, sandbox
        self.client_id, self.secret = f"bench-scale-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
        sandbox.register_app(
            self.client_id, self.secret, ["http://localhost:8069/xero/oauth/callback"], tier="core"
        )
        with superuser_env(reg) as env:
            company = ensure_chart(env, env.ref("base.main_company"))
            company.xero_auto_export_sales = False  # the bench queues the documents itself
            self.tax = env["account.tax"].create(
                {"name": f"GST 10% (scale {uuid.uuid4().hex[:4]})", "amount": 10, "type_tax_use": "sale"}
            )
            self.customer = env["res.partner"].create({"name": "Scale Customer Pty", "is_company": True})
            self.tax_id, self.customer_id = self.tax.id, self.customer.id
            env.cr.commit()

    def organisations(self, count, label):
        """``count`` new sandbox organisations, connected and set up (cache, tax map, defaults)."""
        orgs = [
            self.sandbox.create_org(f"{label} {n:02d} {uuid.uuid4().hex[:4]}", base_currency="AUD")
            for n in range(count)
        ]
        with superuser_env(self.reg) as env:
            connection = connect_admin(
                env, self.sandbox, [o["tenantId"] for o in orgs], self.client_id, self.secret
            )
            env.cr.commit()
            tenants = {t.tenant_id: t for t in connection.tenant_ids}
            tax = env["account.tax"].browse(self.tax_id)
            for org in orgs:
                setup_tenant(env, tenants[org["tenantId"]], tax)
                env.cr.commit()
            return [(org["tenantId"], tenants[org["tenantId"]].id) for org in orgs]

    def invoices(self, tenants, count):
        """``count`` posted invoices per organisation, queued for export. Returns their ids."""
        ids = []
        with superuser_env(self.reg) as env:
            for _tenant_id, tenant_db_id in tenants:
                moves = env["account.move"].create(
                    [
                        {
                            "move_type": "out_invoice",
                            "partner_id": self.customer_id,
                            "invoice_date": "2026-11-30",
                            "xero_tenant_id": tenant_db_id,
                            "invoice_line_ids": [
                                (
                                    0,
                                    0,
                                    {
                                        "name": f"Consulting {n}",
                                        "quantity": 1 + n % 7,
                                        "price_unit": 100 + n,
                                        "tax_ids": [(6, 0, [self.tax_id])],
                                    },
                                )
                            ],
                        }
                        for n in range(count)
                    ]
                )
                moves.action_post()
                env.cr.execute(
                    "UPDATE account_move SET xero_export_state = 'queued' WHERE id IN %s", [tuple(moves.ids)]
                )
                env.cr.commit()
                ids += moves.ids
        return ids


# ------------------------------------------------------------------------------ one run
class OdooServer:
    """A real Odoo server (threaded) on the bench database whose queue_job runner hands the
    ``xero`` channel's jobs to its HTTP workers, ``workers`` at a time."""

    def __init__(self, db, workers, log):
        self.port = free_port()
        env = dict(os.environ, ODOO_QUEUE_JOB_CHANNELS=f"root:{workers},root.xero:{workers}")
        self.process = start_process(
            [
                str(VENV / "bin" / "odoo"),
                *("-c", ODOO_RC, "-d", db, "--db-filter", f"^{db}$"),
                *("--http-port", str(self.port), "--max-cron-threads", "0", "--log-level", "warn"),
                "--load=base,web,queue_job",
            ],
            log,
            env,
        )
        wait_http(f"http://127.0.0.1:{self.port}/web/login", self.process)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def only(reg, ids):
    """Only ``ids`` wait for export, and no job of an earlier (stopped) run is left."""
    with superuser_env(reg) as env:
        env.cr.execute(
            "UPDATE account_move SET xero_export_state = 'not_exported' "
            "WHERE xero_export_state = 'queued' AND id NOT IN %s",
            [tuple(ids)],
        )
        env.cr.execute(
            "UPDATE queue_job SET state = 'cancelled' WHERE state IN ('pending', 'enqueued', 'started')"
        )
        env.cr.commit()


def drain(reg, ids, tenants, timeout=RUN_TIMEOUT):
    """Play the export cron until every document left the queue (or ``timeout``). Returns the
    seconds it took and, per organisation, when its last document was exported."""
    started = time.time()
    finished = {}
    last_cron = 0.0
    while time.time() - started < timeout:
        with superuser_env(reg) as env:
            if time.time() - last_cron >= CRON_EVERY:
                env["account.move"]._cron_xero_export_queue()
                env.cr.commit()
                last_cron = time.time()
            env.cr.execute(
                """SELECT xero_tenant_id, count(*) FILTER (WHERE xero_export_state = 'queued'),
                          count(*) FILTER (WHERE xero_export_state = 'exported')
                   FROM account_move WHERE id IN %s GROUP BY xero_tenant_id""",
                [tuple(ids)],
            )
            rows = env.cr.fetchall()
        for tenant_db_id, queued, _exported in rows:
            if not queued and tenant_db_id not in finished:
                finished[tenant_db_id] = time.time() - started
        if all(not queued for _t, queued, _e in rows):
            break
        time.sleep(0.5)
    return time.time() - started, finished


def verify(reg, sandbox, ids, tenants):
    """Exactly once: the bench's documents in Xero (by number), duplicates, not linked, wrong
    links."""
    with superuser_env(reg) as env:
        names = set(env["account.move"].browse(ids).mapped("name"))
    in_xero, duplicates, by_id = 0, 0, {}
    for tenant_id, _db_id in tenants:
        invoices = [
            i
            for i in sandbox.dump(tenant_id, "Invoices")
            if i.get("Status") != "DELETED" and i.get("InvoiceNumber") in names
        ]
        numbers = Counter(i["InvoiceNumber"] for i in invoices)
        in_xero += len(invoices)
        duplicates += sum(n - 1 for n in numbers.values() if n > 1)
        by_id.update({i["InvoiceID"]: i["InvoiceNumber"] for i in invoices})
    with superuser_env(reg) as env:
        moves = env["account.move"].browse(ids)
        states = Counter(moves.mapped("xero_export_state"))
        unlinked = len(moves.filtered(lambda m: not m.xero_id))
        wrong = len(moves.filtered(lambda m: m.xero_id and by_id.get(m.xero_id) != m.name))
    return {
        "in_xero": in_xero,
        "duplicates": duplicates,
        "unlinked": unlinked,
        "wrong": wrong,
        "states": states,
    }


def limits_seen(sandbox, tenants):
    peaks, refused = [], Counter()
    for tenant_id, _db_id in tenants:
        usage = sandbox.usage(tenant_id)
        peaks.append(usage["peak_in_flight"])
        refused.update(usage["refused"])
    return peaks, refused


def run(args, reg, stage, sandbox, label, orgs, invoices, workers, log):
    prepared = time.time()
    tenants = stage.organisations(orgs, label)
    ids = stage.invoices(tenants, invoices)
    print(f"[bench] {label}: {len(ids)} invoices queued in {time.time() - prepared:.0f} s", flush=True)
    only(reg, ids)
    sandbox.set_latency(args.latency)
    sandbox.new_minute()
    sandbox.reset_peaks()
    server = OdooServer(args.db, workers, log)
    try:
        seconds, finished = drain(reg, ids, tenants)
    finally:
        server.stop()
        sandbox.set_latency(0)
    peaks, refused = limits_seen(sandbox, tenants)
    check = verify(reg, sandbox, ids, tenants)
    exported = check["states"].get("exported", 0)
    per_org = sorted(invoices / max(t, 0.001) * 60 for t in finished.values())
    return {
        "label": label,
        "workers": workers,
        "orgs": orgs,
        "docs": len(ids),
        "exported": exported,
        "seconds": seconds,
        "per_minute": exported / seconds * 60,
        "per_org": per_org,
        "peaks": peaks,
        "refused": refused,
        **check,
    }


def print_run(result):
    per_org = result["per_org"]
    print_rows(
        f"{result['label']}: {result['orgs']} organisation(s) x {result['docs'] // result['orgs']} invoices, "
        f"W = {result['workers']} job workers",
        [
            ("documents exported", f"{result['exported']} of {result['docs']} in {result['seconds']:.1f} s"),
            ("documents a minute, overall", f"{result['per_minute']:.0f}"),
            (
                "documents a minute, per organisation",
                f"min {per_org[0]:.0f} / median {per_org[len(per_org) // 2]:.0f} / max {per_org[-1]:.0f}"
                if per_org
                else "-",
            ),
            (
                "peak calls in flight per organisation",
                f"max {max(result['peaks'])}, {sorted(result['peaks'])}",
            ),
            ("429s by problem", dict(result["refused"]) or "none"),
            ("calls refused as past the day's budget", result["refused"].get("day", 0)),
            ("in Xero / duplicates", f"{result['in_xero']} / {result['duplicates']}"),
            ("not linked / wrong links", f"{result['unlinked']} / {result['wrong']}"),
        ],
    )
    print()


def fault_run(args, reg, stage, sandbox, log):
    """One organisation answering 35 s late, one answering 503, the others healthy: their
    exports and nightly cache refreshes complete while the two others hold their jobs."""
    tenants = stage.organisations(4, "Faulty")
    bad_ids = stage.invoices(tenants[:2], args.fault_invoices)
    ok_ids = stage.invoices(tenants[2:], args.fault_invoices)
    (slow, _s), (broken, _b) = tenants[0], tenants[1]
    only(reg, bad_ids + ok_ids)
    sandbox.set_latency(args.latency)
    sandbox.set_latency(35, tenant=slow)
    sandbox.add_fault("503", tenant=broken, count=100000)
    sandbox.new_minute()
    server = OdooServer(args.db, 4, log)
    started = time.time()
    keys = {f"xero-cache:{db_id}": n for n, (_t, db_id) in enumerate(tenants)}
    try:
        with superuser_env(reg) as env:
            env["xero.cache.refresh.request"]._cron_refresh_cache_nightly()
            env.cr.commit()
        seconds, _finished = drain(reg, ok_ids, tenants[2:], timeout=300)
        while time.time() - started < 400:
            with superuser_env(reg) as env:
                env.cr.execute(
                    "SELECT identity_key, state FROM queue_job WHERE identity_key IN %s", [tuple(keys)]
                )
                caches = {keys[key]: state for key, state in env.cr.fetchall()}
            if caches.get(2) == caches.get(3) == "done":
                break
            time.sleep(1)
        cache_seconds = time.time() - started
        with superuser_env(reg) as env:
            moves = env["account.move"].browse(bad_ids + ok_ids)
            states = {
                db_id: dict(
                    Counter(
                        moves.filtered(lambda m, t=db_id: m.xero_tenant_id.id == t).mapped(
                            "xero_export_state"
                        )
                    )
                )
                for _tid, db_id in tenants
            }
    finally:
        server.stop()
        sandbox.set_latency(0)
        sandbox.clear_faults()
    check = verify(reg, sandbox, ok_ids, tenants[2:])
    names = ["35 s late", "503", "healthy", "healthy"]
    rows = [
        (
            f"organisation {n + 1} ({names[n]})",
            f"exports {states[db_id]}, nightly cache job {caches.get(n, '?')}",
        )
        for n, (_tid, db_id) in enumerate(tenants)
    ]
    rows += [
        ("healthy organisations' exports out after", f"{seconds:.1f} s"),
        ("healthy organisations' cache refreshes done after", f"{cache_seconds:.1f} s"),
        (
            "healthy: in Xero / duplicates / not linked",
            f"{check['in_xero']} / {check['duplicates']} / {check['unlinked']}",
        ),
    ]
    print_rows("Faults: one organisation 35 s late, one answering 503, two healthy; W = 4", rows)
    print()


def projection(results):
    """On paper: 50 organisations x 5,000 invoices against Xero's limits."""
    best = max(results, key=lambda r: r["per_minute"])
    per_call = 50  # documents per call (Xero takes 50 invoices a call)
    org_minute = 60 * per_call  # 60 calls a minute per organisation
    app_minute = 10000 * per_call  # 10,000 calls a minute per app, all organisations
    docs = 50 * 5000
    ceiling = min(50 * org_minute, app_minute)
    per_worker = best["per_minute"] / best["workers"]
    workers_needed = ceiling / per_worker
    print_rows(
        "Projection (on paper): 50 organisations x 5,000 invoices",
        [
            ("documents", f"{docs:,}"),
            (
                "Xero's ceiling",
                f"{ceiling:,} a minute (60 calls x 50 documents per organisation, 50 organisations)",
            ),
            ("at Xero's ceiling", f"{docs / ceiling:.1f} minutes"),
            ("measured per job worker", f"{per_worker:.0f} documents a minute (W = {best['workers']})"),
            (
                "job workers for the ceiling",
                f"about {workers_needed:.0f} (e.g. {workers_needed / 8:.0f} servers x 8)",
            ),
            (
                f"with W = {best['workers']} (one server, as measured)",
                f"{docs / best['per_minute']:.0f} minutes",
            ),
            ("one more server of the same W", f"{docs / (2 * best['per_minute']):.0f} minutes"),
        ],
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("db")
    parser.add_argument("--orgs", type=int, default=10)
    parser.add_argument("--invoices", type=int, default=60)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--latency", type=float, default=1.0)
    parser.add_argument("--single", type=int, default=1000)
    parser.add_argument("--single-workers", type=int, default=6)
    parser.add_argument("--fault-invoices", type=int, default=30)
    parser.add_argument("--no-faults", action="store_true")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_a: sys.exit(1))  # stopped: the sandbox stops too

    logdir = ROOT / ".logs"
    logdir.mkdir(exist_ok=True)
    log = open(logdir / "bench-scale.log", "a")  # noqa: SIM115 - the servers' log, kept to the end
    port = free_port()
    sandbox_process = start_process(
        [str(VENV / "bin" / "python"), "-m", "xero_sandbox", "--host", "127.0.0.1", "--port", str(port)],
        log,
        dict(os.environ, PYTHONPATH=str(ROOT / "tests")),
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_http(f"{url}/_sandbox/orgs", sandbox_process)
        sandbox = SandboxClient(url)
        reg = registry(args.db)
        stage = Stage(reg, sandbox)
        print(f"Sandbox latency {args.latency:.2f} s per call; Odoo: threaded server, queue_job runner\n")
        results = []
        for workers in [int(w) for w in args.workers.split(",")]:
            result = run(
                args, reg, stage, sandbox, f"Run W={workers}", args.orgs, args.invoices, workers, log
            )
            print_run(result)
            results.append(result)
        if len(results) > 1:
            print(
                f"W = {results[-1]['workers']} against W = {results[0]['workers']}: "
                f"{results[-1]['per_minute'] / results[0]['per_minute']:.1f}x the documents a minute\n"
            )
        if args.single:
            single = run(
                args, reg, stage, sandbox, "One organisation", 1, args.single, args.single_workers, log
            )
            print_run(single)
            print(f"One organisation: {single['per_minute'] / 3000:.0%} of Xero's 3,000 documents a minute\n")
        if not args.no_faults:
            fault_run(args, reg, stage, sandbox, log)
        projection(results)
    finally:
        sandbox_process.terminate()
        log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
