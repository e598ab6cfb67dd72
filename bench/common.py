"""What every benchmark sets up the same way, written once: Odoo configured for the bench
database, the Xero sandbox in this process (organisations, virtual clock), an environment on
a cursor of its own, the generic chart of accounts, the admin's Xero login through the real
OAuth flow, and the meters (sandbox calls, SQL queries, time inside the calls to Xero). Each
bench_*.py keeps only its scenario and its figures."""

import contextlib
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT / "tests", ROOT / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, api  # noqa: E402

from xero_sandbox.client import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SandboxClient  # noqa: E402
from xero_sandbox.odoo_login import connect_admin, log_in_this_transaction  # noqa: E402
from xero_sandbox.server import SandboxServer  # noqa: E402


# ------------------------------------------------------------------------------ Odoo side
def configure(db):
    """Odoo's configuration for ``db`` (ODOO_RC_FILE, else the project's .odoo.conf), warnings
    only, the sandbox's log quiet too. Returns the ``odoo`` package."""
    odoo.tools.config.parse_config(
        ["-c", os.environ.get("ODOO_RC_FILE", str(ROOT / ".odoo.conf")), "-d", db, "--log-level=warn"]
    )
    logging.getLogger("xero_sandbox").setLevel(logging.WARNING)
    return odoo


def registry(db):
    """The registry of the bench database, Odoo configured first."""
    configure(db)
    return odoo.modules.registry.Registry(db)


@contextlib.contextmanager
def superuser_env(reg, context=None):
    """An environment as superuser on a cursor of its own (committed by the caller only)."""
    with reg.cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, dict(context or {}))


def ensure_chart(env, company=None):
    """``company`` (else the environment's) with the generic chart of accounts, loaded once."""
    company = company or env.company
    if not company.chart_template:
        env["account.chart.template"].try_loading("generic_coa", company=company, install_demo=False)
    return company


# ------------------------------------------------------------------------------ the sandbox
def start_sandbox():
    """The Xero sandbox served in this process on a free port; ``.stop()`` it at the end."""
    return SandboxServer(port=0, quiet=True).start()


def add_org(sandbox, **values):
    """A new sandbox organisation (``name``, ``short_code``, ``base_currency``,
    ``with_documents``…), on the sandbox's clock."""
    org = sandbox.build_org(sandbox.clock, **values)
    sandbox.add_org(org)
    return org


def virtual_waits(reg, sandbox):
    """The connector's waits (a 429's Retry-After, back-off) move the sandbox's virtual clock
    instead of sleeping."""
    reg["xero.connection"]._xero_sleep = lambda model, seconds: sandbox.clock.advance(seconds)


# ------------------------------------------------------------------------------ connecting
def connect(env, sandbox_url, tenant_ids, client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET):
    """Admin's Xero login through the real OAuth flow (``xero_sandbox.odoo_login``), one
    consent round per organisation (a Starter app). Returns {tenant id: xero.tenant}."""
    connection = connect_admin(env, SandboxClient(sandbox_url), tenant_ids, client_id, client_secret)
    return {t.tenant_id: t for t in connection.tenant_ids}


def connect_here(env, sandbox_url, tenant_ids, **credentials):
    """``connect`` with its log lines in this transaction (see ``log_in_this_transaction``)."""
    with log_in_this_transaction(env):
        return connect(env, sandbox_url, tenant_ids, **credentials)


def connect_one(env, sandbox_url, org, cache=()):
    """``connect`` to ``org`` alone, then its cache of ``cache`` (e.g. ``["accounts"]``)
    refreshed: returns its xero.tenant."""
    tenant = connect(env, sandbox_url, [org.tenant_id])[org.tenant_id]
    if cache:
        tenant.env["xero.cache.refresh.request"]._refresh_cache(tenant, list(cache))
    return tenant


def sales_company(env, sandbox_url, tenant_ids, label, **values):
    """The main company as the export benches want it: the generic chart, the admin connected
    to ``tenant_ids`` (log lines in this transaction), a 10 % sales tax of its own named after
    ``label``, then ``values`` written on the company. Returns (company, {tenant id: tenant},
    tax)."""
    company = ensure_chart(env, env.ref("base.main_company"))
    tenants = connect_here(env, sandbox_url, tenant_ids)
    tax_sale = env["account.tax"].create(
        {"name": f"GST 10% ({label})", "amount": 10, "type_tax_use": "sale", "company_id": company.id}
    )
    company.write(values)
    return company, tenants, tax_sale


@contextlib.contextmanager
def committed_login(reg, sandbox_url, tenant_ids):
    """``connect`` committed in a transaction of its own, removed again on the way out; yields
    {tenant id: xero.tenant id}. For a run longer than an access token's 30 minutes: the
    connector refreshes the token as in production, on a cursor of its own, which sees only
    a committed login (the bench's own transaction still rolls back everything else)."""
    with superuser_env(reg) as env:
        tenants = connect(env, sandbox_url, tenant_ids)
        ids = {tenant_id: tenant.id for tenant_id, tenant in tenants.items()}
        connection_ids = [t.connection_id.id for t in tenants.values()]
        env.cr.commit()
    try:
        yield ids
    finally:
        with superuser_env(reg) as env:
            env["xero.sync.log"].search([("connection_id", "in", connection_ids)]).unlink()
            env["xero.tenant"].browse(list(ids.values())).unlink()
            env["xero.connection"].browse(connection_ids).exists().unlink()
            env.cr.commit()


# ------------------------------------------------------------------------------ meters
class Meter:
    """Sandbox calls for one organisation, SQL queries and wall time of a block."""

    def __init__(self, env, sandbox, tenant):
        self.env, self.sandbox, self.tenant = env, sandbox, tenant

    def __enter__(self):
        self.mark = self.sandbox.calls.snapshot(10**12)["next"]
        self.queries = self.env.cr.sql_log_count
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.ms = (time.perf_counter() - self.started) * 1000
        self.queries = self.env.cr.sql_log_count - self.queries
        log = self.sandbox.calls.snapshot(self.mark)["log"]
        self.calls = [c for c in log if c["tenant"] == self.tenant.tenant_id]
        return False


class HttpTimer:
    """Time spent inside the calls to Xero (the sandbox's share of the wall time), measured
    from taking the organisation's in-flight slot to giving it back (``limits.take`` /
    ``limits.release``). ``install()``/``uninstall()``, or a ``with`` block."""

    def __init__(self):
        from odoo.addons.xero_connector import limits

        self.module, self.seconds = limits, 0.0
        self.original = (limits.take, limits.release)
        self.started = {}

    def install(self):
        take, release = self.original

        def timed_take(*args, **kwargs):
            token = take(*args, **kwargs)
            self.started[token] = time.perf_counter()
            return token

        def timed_release(registry, tenant_id, token, *args, **kwargs):
            if token in self.started:
                self.seconds += time.perf_counter() - self.started.pop(token)
            return release(registry, tenant_id, token, *args, **kwargs)

        self.module.take, self.module.release = timed_take, timed_release
        return self

    def uninstall(self):
        self.module.take, self.module.release = self.original

    def __enter__(self):
        return self.install()

    def __exit__(self, *exc):
        self.uninstall()
        return False


def forget_limits(cr):
    """Forget the organisations' shared limits (calls in the minute, Xero's waits): a bench
    that moves the sandbox's virtual clock past a wait brings Odoo's real-time memory of it
    along. Committed by the caller."""
    cr.execute("DELETE FROM xero_tenant_limit")


def run_jobs(env, channel="root.xero"):
    """Perform the jobs waiting on ``channel`` in this process, as queue_job's runner would
    have a worker do (its own controller's steps: started, performed, done or postponed), each
    committed. For benches that drive a worker process themselves. Returns the jobs run."""
    from odoo.addons.queue_job.controllers.main import RunJobController
    from odoo.addons.queue_job.job import Job

    done = 0
    while True:
        jobs = env["queue.job"].search(
            [("state", "=", "pending"), ("channel", "=like", channel + "%")], order="priority, id", limit=50
        )
        jobs = jobs.filtered(lambda j: not j.eta or j.eta <= odoo.fields.Datetime.now())
        if not jobs:
            return done
        for record in jobs:
            job = Job.load(env, record.uuid)
            job.set_started()
            job.store()
            env.cr.commit()
            try:
                RunJobController._runjob(env, job)  # done, postponed or failed: stored
            except Exception:
                env.cr.rollback()
            env.cr.commit()
            done += 1


# ------------------------------------------------------------------------------ scenarios
def setup_tenant(env, tenant, tax_sale):
    """What an administrator does once per organisation: cache, tax map, default accounts."""
    tenant.env["xero.cache.refresh.request"]._refresh_cache(tenant)
    rates = {r.tax_type: r for r in env["xero.tax.rate"].search([("tenant_id", "=", tenant.id)])}
    accounts = {a.code: a for a in env["xero.account"].search([("tenant_id", "=", tenant.id)])}
    env["xero.tax.map"].create(
        {"tenant_id": tenant.id, "tax_id": tax_sale.id, "tax_rate_id": rates["OUTPUT"].id}
    )
    tenant.write(
        {
            "xero_default_sales_account_id": accounts["200"].id,
            "xero_default_purchase_account_id": accounts["400"].id,
            "xero_default_sale_tax_rate_id": rates["OUTPUT"].id,
            "xero_default_purchase_tax_rate_id": rates["INPUT"].id,
        }
    )


def print_rows(title, rows, rule=40):
    """A bench's figures: a title, a rule, then one "label  value" line per row."""
    print(title)
    width = max(len(label) for label, _value in rows)
    print("-" * (width + rule))
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


# ------------------------------------------------------------------------------ Xero's side
def typed_in_xero(client, tenant_id, collection, documents, batch=50):
    """``documents`` (Xero's JSON) created in the organisation as a user's app would, ``batch``
    a request, straight to the organisation (``SandboxClient.as_user``: no auth, limits or
    counting). Returns what Xero stored, in order; raises on a refusal."""
    stored = []
    for start in range(0, len(documents), batch):
        answer = client.as_user(
            tenant_id, "PUT", f"/{collection}", json={collection: documents[start : start + batch]}
        )
        if answer.status_code != 200:
            raise RuntimeError(answer.text[:1000])
        stored += answer.json()[collection]
    return stored
