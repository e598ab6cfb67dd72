"""Test base: a real Odoo talking over real HTTP to the Xero sandbox (tests/xero_sandbox),
which `make test` starts and names in XERO_SANDBOX_URL. Each test class registers its own
Xero app and organisations there, so classes do not see each other's data."""

import os
import sys
import uuid
from pathlib import Path
from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

from odoo import Command
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.addons.xero_connector import const
from odoo.tests import HttpCase, new_test_user


def sandbox_client():
    url = os.environ.get("XERO_SANDBOX_URL")
    if not url:
        raise RuntimeError(
            "XERO_SANDBOX_URL is not set: these tests talk to the Xero sandbox; run them with `make test`."
        )
    tests_dir = str(Path(__file__).resolve().parents[2] / "tests")
    if tests_dir not in sys.path:
        sys.path.append(tests_dir)
    from xero_sandbox.client import SandboxClient

    return SandboxClient(url)


def random_lines(rng, count, name):
    """``count`` invoice lines of random quantities, prices (up to 5 decimals) and discounts
    drawn from ``rng``; ``name(n)`` names line ``n`` (drawn first, so it may draw too)."""
    return [
        {
            "name": name(n),
            "quantity": round(rng.uniform(0.001, 5000), rng.choice([0, 1, 3])),
            "price_unit": round(rng.uniform(0.00001, 900), rng.choice([2, 4, 5])),
            "discount": rng.choice([0, 0, 2.5, 10, 33.33]),
        }
        for n in range(count)
    ]


def query_of(url):
    """The query of ``url`` as a dict of single values."""
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


class XeroSandboxCase(HttpCase):
    # The test app's Xero tier: Starter, as a new app in 2026 (one organisation per consent,
    # 5 connected organisations, 1,000 calls a day). A class about something else that needs
    # more organisations sets a higher tier explicitly.
    xero_app_tier = "starter"
    # The class's organisations past Xero's high-volume threshold on every paged endpoint
    # (lists paged and filtered on optimised fields only, or refused): a subclass setting it
    # runs the same tests against a large organisation (test_high_volume.py).
    high_volume = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = sandbox_client()
        cls.sandbox_url = cls.sandbox.base_url.rstrip("/")
        cls.client_id = f"odoo-test-{uuid.uuid4().hex[:10]}"
        cls.client_secret = uuid.uuid4().hex
        cls.redirect_uri = f"{cls.base_url()}{const.CALLBACK_PATH}"
        cls.sandbox.register_app(
            cls.client_id,
            cls.client_secret,
            [cls.redirect_uri],
            webhook_key=uuid.uuid4().hex,
            tier=cls.xero_app_tier,
        )
        suffix = uuid.uuid4().hex[:6]
        cls.org_a = cls.sandbox.create_org(
            f"Alpha Trading {suffix}", short_code=f"!A{suffix}", base_currency="AUD"
        )
        cls.org_b = cls.sandbox.create_org(
            f"Beta Services {suffix}", short_code=f"!B{suffix}", base_currency="NZD"
        )
        if cls.high_volume:
            for org in (cls.org_a, cls.org_b):
                cls.sandbox.set_high_volume(org["tenantId"])
        cls.env["ir.config_parameter"].sudo().set_param("web.base.url", cls.base_url())
        cls.configure_xero(cls.env)
        # Waiting out a rate limit moves the sandbox's clock instead of the test's.
        sandbox = cls.sandbox
        cls.startClassPatcher(
            patch.object(
                type(cls.env["xero.connection"]),
                "_xero_sleep",
                lambda model, seconds: sandbox.advance(seconds),
            )
        )
        cls.xero_manager = new_test_user(
            cls.env,
            login="xero_manager",
            groups="base.group_user,account.group_account_manager,xero_connector.group_xero_manager",
        )

    @classmethod
    def with_chart(cls, company):
        """``company`` with a chart of accounts (invoices need journals and accounts)."""
        if not company.chart_template:
            cls.env["account.chart.template"].try_loading("generic_coa", company=company, install_demo=False)
        return company

    @classmethod
    def second_company(cls, name):
        """Another company (NZD, with a chart) the Xero manager may work in."""
        company = cls.with_chart(
            cls.env["res.company"].create({"name": name, "currency_id": cls.env.ref("base.NZD").id})
        )
        cls.xero_manager.write({"company_ids": [Command.link(company.id)]})
        return company

    @classmethod
    def two_companies(cls, name_b):
        """``company_a``, the test company with a chart, and ``company_b``, another one named
        ``name_b`` (see second_company)."""
        cls.company_a = cls.with_chart(cls.env.company)
        cls.company_b = cls.second_company(name_b)

    @classmethod
    def user_in(cls, login, groups, *companies, **values):
        """A user ``login`` in ``groups`` who works in ``companies`` only (the first is their
        current company)."""
        return new_test_user(
            cls.env,
            login=login,
            groups=groups,
            company_id=companies[0].id,
            company_ids=[Command.set([company.id for company in companies])],
            **values,
        )

    @classmethod
    def connect_directly(cls, user, tenants, xero_user=None):
        """The OAuth round without a browser (consent given on the sandbox's control API,
        the code exchanged by the same method the callback uses): for test classes that
        need a connected organisation in setUpClass. ``xero_user``: who signs in to Xero
        (default: the sandbox's demo user)."""
        _url, query = cls._authorization_url(cls.env, user)
        callback = query_of(cls.consent(query, tenants, xero_user))
        session = cls.env["xero.oauth.session"].with_user(user)._consume(callback["state"])
        return cls.env["xero.connection"].with_user(user)._complete_authorization(session, callback["code"])

    @classmethod
    def configure_xero(cls, env):
        params = {
            "client_id": cls.client_id,
            "client_secret": cls.client_secret,
            "authorize_url": f"{cls.sandbox_url}/identity/connect/authorize",
            "token_url": f"{cls.sandbox_url}/connect/token",
            "revoke_url": f"{cls.sandbox_url}/connect/revocation",
            "connections_url": f"{cls.sandbox_url}/connections",
            "api_url": f"{cls.sandbox_url}/api.xro/2.0",
        }
        for key, value in params.items():
            env["ir.config_parameter"].sudo().set_param(const.PARAM_PREFIX + key, value)

    def setUp(self):
        super().setUp()
        # Each test starts in a fresh minute of Xero's 60-calls-a-minute limit (tests follow each
        # other faster than real users; a wait over 5 s would end a call, not be slept).
        self.sandbox.new_minute()
        self._violation_mark = max((v["seq"] for v in self.sandbox.violations()), default=0)
        self._refusal_mark = max((r["seq"] for r in self.sandbox.refusals()), default=0)

    def tearDown(self):
        mine = [v for v in self.sandbox.violations() if v["seq"] > self._violation_mark]
        refused = [r for r in self.sandbox.refusals() if r["seq"] > self._refusal_mark]
        super().tearDown()
        self.assertFalse(mine, f"requests that break Xero's OpenAPI contract: {mine}")
        # Xero's refusals for the organisation's size or the URL's length (high_volume.py)
        self.assertFalse(refused, f"requests a large organisation or Xero's gateway refuses: {refused}")

    def run_cron(self, model, method=None, **kwargs):
        """Run a cron the way the job runner would follow it: the cron fans its work out to
        queue_job jobs, trapped here and performed in turn (queue_job's own helpers). A job
        Xero asked to wait is put back with its delay, a failing job fails alone: both are
        returned ({"retry": [RetryableJobError], "failed": [exception]}), not raised."""
        outcome = {"retry": [], "failed": []}
        with trap_jobs() as trap:
            if callable(model):  # e.g. the cron record's method_direct_trigger
                model()
            else:
                getattr(self.env[model], method)(**kwargs)
            jobs, trap.enqueued_jobs = list(trap.enqueued_jobs), []
            for job in sorted(jobs, key=lambda j: j.priority):
                try:
                    with self.env.cr.savepoint():
                        job.perform()
                except RetryableJobError as error:
                    outcome["retry"].append(error)
                except Exception as error:
                    outcome["failed"].append(error)
        return outcome

    # --------------------------------------------------------------------------------------
    def start_authorization(self, user=None, connection=None):
        """Press Connect to Xero as ``user``: the URL of Xero's consent page and its query."""
        return self._authorization_url(self.env, user or self.xero_manager, connection)

    @staticmethod
    def _authorization_url(env, user, connection=None):
        action = env["xero.connection"].with_user(user)._start_authorization(connection=connection)
        url = action["url"]
        return url, query_of(url)

    @classmethod
    def consent(cls, query, tenants, xero_user=None):
        """Xero's consent page: the user (``xero_user``, else the sandbox's demo user) ticks
        ``tenants`` and presses Allow access."""
        return cls.sandbox.authorize(
            query["redirect_uri"],
            client_id=query["client_id"],
            state=query["state"],
            code_challenge=query["code_challenge"],
            tenants=tenants,
            scope=query["scope"],
            user=xero_user,
        )

    def connect(self, user=None, tenants=None, login="xero_manager"):
        """The whole dance through the real callback controller, one consent round per
        organisation (a Starter app connects one organisation per consent; the rounds add
        up on the user's login); returns the last callback response."""
        response = None
        for tenant in tenants or [self.org_a["tenantId"]]:
            _url, query = self.start_authorization(user)
            location = self.consent(query, [tenant])
            self.authenticate(login, login)
            response = self.url_open(self.relative(location), allow_redirects=False)
            if response.status_code != 303:
                return response
        return response

    def relative(self, url):
        parts = urlsplit(url)
        return f"{parts.path}?{parts.query}"

    def connection_of(self, user):
        return self.env["xero.connection"].sudo().search([("user_id", "=", user.id)])
