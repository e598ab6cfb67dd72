import json
import uuid

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import XeroSandboxCase

LISTS = ("currencies", "tax_rates", "accounts", "tracking", "branding_themes", "items", "contacts")
LIST_ENDPOINTS = {
    "GET /Contacts",
    "GET /Items",
    "GET /TaxRates",
    "GET /Accounts",
    "GET /TrackingCategories",
    "GET /BrandingThemes",
    "GET /Currencies",
}


@tagged("post_install", "-at_install")
class TestCache(XeroSandboxCase):
    """Odoo's copy of each organisation's Xero lists (M-Power's "Xero cache"): what a refresh
    brings in, what it costs in calls, and who sees it. Every test talks to the sandbox over
    HTTP; tests that change an organisation in Xero use a scratch organisation of their own."""

    # ------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------
    def _connect(self, *orgs):
        self.connect(tenants=[org["tenantId"] for org in orgs])
        by_id = {t.tenant_id: t for t in self.connection_of(self.xero_manager).tenant_ids}
        return [by_id[org["tenantId"]] for org in orgs]

    def _scratch_org(self, name="Scratch"):
        suffix = uuid.uuid4().hex[:6]
        return self.sandbox.create_org(f"{name} {suffix}", short_code=f"!S{suffix}", base_currency="AUD")

    def _mark(self):
        return self.sandbox.calls(since=10**12)["next"]

    def _calls(self, mark, tenant):
        return [call for call in self.sandbox.calls(since=mark)["log"] if call["tenant"] == tenant.tenant_id]

    def _cache(self, model, tenant):
        return self.env[model].with_context(active_test=False).search([("tenant_id", "=", tenant.id)])

    # ------------------------------------------------------------------------------------
    # First refresh
    # ------------------------------------------------------------------------------------
    def test_first_refresh_loads_every_list(self):
        (tenant,) = self._connect(self.org_a)
        org = self.org_a["tenantId"]
        mark = self._mark()
        results = self.env["xero.cache.refresh.request"]._refresh_cache(tenant)[tenant.id]

        calls = self._calls(mark, tenant)
        self.assertEqual(sorted(c["endpoint"] for c in calls), sorted(LIST_ENDPOINTS), "one call per list")

        # Contacts: every one, the archived one archived in Odoo too.
        contacts = self._cache("xero.contact", tenant)
        xero_contacts = self.sandbox.dump(org, "Contacts")
        self.assertEqual(
            {c.xero_id: (c.name, c.active) for c in contacts},
            {c["ContactID"]: (c["Name"], c["ContactStatus"] == "ACTIVE") for c in xero_contacts},
        )
        self.assertEqual(results["contacts"]["created"], len(xero_contacts))
        old = contacts.filtered(lambda c: c.name == "Old Partner Pty Ltd")
        self.assertFalse(old.active)
        self.assertEqual(old.contact_status, "ARCHIVED")
        bayside = contacts.filtered(lambda c: c.name == "Bayside Club")
        self.assertRecordValues(
            bayside,
            [
                {
                    "email": "secretary@bayside.example",
                    "contact_number": "CUST-001",
                    "tax_number": "12 345 678 901",
                    "first_name": "Bob",
                    "last_name": "Partridge",
                    "phone": "+61 07 5550 1234",
                    "mobile": "+61 0400 123 456",
                    "billing_street": "P O Box 123",
                    "billing_zip": "4001",
                    "street": "1 Example Street",
                    "zip": "4000",
                    "country": "Australia",
                    "active": True,
                }
            ],
        )
        self.assertEqual(bayside.person_ids.mapped("email"), ["bob@bayside.example", "amy@bayside.example"])
        self.assertEqual(contacts.filtered(lambda c: c.name == "Hamilton Smith Ltd").default_currency, "USD")

        # Items, with 4-decimal prices and each side's account and tax type.
        items = self._cache("xero.item", tenant)
        self.assertEqual(set(items.mapped("code")), {i["Code"] for i in self.sandbox.dump(org, "Items")})
        self.assertRecordValues(
            items.filtered(lambda i: i.code == "WIDGET-01"),
            [
                {
                    "name": "Widget",
                    "sales_account_code": "200",
                    "sales_tax_type": "OUTPUT",
                    "sales_unit_price": 4.5,
                    "purchase_account_code": "300",
                    "purchase_tax_type": "INPUT",
                    "purchase_unit_price": 2.1234,
                    "is_sold": True,
                    "is_purchased": True,
                }
            ],
        )
        self.assertTrue(items.filtered(lambda i: i.code == "STOCK-CHAIR").is_tracked_as_inventory)
        self.assertFalse(items.filtered(lambda i: i.code == "GIFT-CARD").is_purchased)

        # Tax rates: as Xero reports them, the retired one archived.
        rates = self._cache("xero.tax.rate", tenant)
        self.assertEqual(
            {r.tax_type: (r.name, r.effective_rate, r.active) for r in rates},
            {
                r["TaxType"]: (r["Name"], float(r["EffectiveRate"]), r["Status"] == "ACTIVE")
                for r in self.sandbox.dump(org, "TaxRates")
            },
        )
        gst_in = rates.filtered(lambda r: r.tax_type == "INPUT")
        self.assertEqual((gst_in.can_apply_to_revenue, gst_in.can_apply_to_expenses), (False, True))

        # Accounts.
        accounts = self._cache("xero.account", tenant)
        self.assertEqual(
            {a.code: (a.name, a.account_type, a.active) for a in accounts},
            {
                a["Code"]: (a["Name"], a["Type"], a["Status"] == "ACTIVE")
                for a in self.sandbox.dump(org, "Accounts")
            },
        )
        by_code = {a.code: a for a in accounts}
        self.assertTrue(by_code["090"].is_bank)
        self.assertEqual(by_code["090"].bank_account_number, "062-000 1234 5678")
        self.assertTrue(by_code["880"].enable_payments_to_account)
        self.assertFalse(by_code["469"].active)
        self.assertEqual(by_code["200"].tax_type, "OUTPUT")

        # Tracking categories with their options, archived ones archived.
        categories = self._cache("xero.tracking.category", tenant)
        xero_categories = self.sandbox.dump(org, "TrackingCategories")
        self.assertEqual(
            {c.name: c.active for c in categories},
            {c["Name"]: c["Status"] == "ACTIVE" for c in xero_categories},
        )
        region = categories.filtered(lambda c: c.name == "Region")
        self.assertEqual(
            {o.name: o.active for o in region.with_context(active_test=False).option_ids},
            {"North": True, "South": True, "East": True, "West": False},
        )

        # Currencies, linked to Odoo's.
        currencies = self._cache("xero.currency", tenant)
        self.assertEqual(set(currencies.mapped("code")), {"AUD", "USD", "EUR"})
        self.assertEqual(currencies.filtered(lambda c: c.code == "USD").currency_id, self.env.ref("base.USD"))
        # Branding themes, Xero's default (order 0) first.
        themes = self._cache("xero.branding.theme", tenant)
        self.assertEqual(
            [(t.name, t.is_xero_default) for t in themes], [("Standard", True), ("Special Projects", False)]
        )
        self.assertTrue(tenant.xero_cache_refreshed_at)

    def test_a_refresh_of_one_organisation_leaves_the_other_alone(self):
        tenant_a, tenant_b = self._connect(self.org_a, self.org_b)
        mark = self._mark()
        self.env["xero.cache.refresh.request"]._refresh_cache(tenant_a)
        self.assertFalse(self._calls(mark, tenant_b), "organisation B was not called")
        self.assertFalse(self._cache("xero.contact", tenant_b))
        a_contacts = self._cache("xero.contact", tenant_a)
        a_before = {c.id: (c.name, c.xero_id) for c in a_contacts}

        self.env["xero.cache.refresh.request"]._refresh_cache(tenant_b, ["contacts", "accounts"])
        b_contacts = self._cache("xero.contact", tenant_b)
        # Same demo names in both organisations, but each its own records with its own Xero ids.
        self.assertEqual(len(b_contacts), len(a_contacts))
        self.assertFalse(set(b_contacts.mapped("xero_id")) & set(a_contacts.mapped("xero_id")))
        self.assertEqual({c.id: (c.name, c.xero_id) for c in self._cache("xero.contact", tenant_a)}, a_before)
        self.assertFalse(self._cache("xero.item", tenant_b), "only the lists asked for")

    # ------------------------------------------------------------------------------------
    # Incremental refresh
    # ------------------------------------------------------------------------------------
    def test_unchanged_refresh_costs_one_call_per_list_and_writes_nothing(self):
        (tenant,) = self._connect(self.org_a)
        self.env["xero.cache.refresh.request"]._refresh_cache(tenant)
        mark = self._mark()
        results = self.env["xero.cache.refresh.request"]._refresh_cache(tenant)[tenant.id]
        calls = self._calls(mark, tenant)
        self.assertEqual(sorted(c["endpoint"] for c in calls), sorted(LIST_ENDPOINTS))
        for key in LISTS:
            self.assertEqual(
                (results[key]["created"], results[key]["updated"], results[key]["archived"]),
                (0, 0, 0),
                f"{key}: nothing changed in Xero, nothing written",
            )

    def test_incremental_refresh_picks_up_a_rename_and_an_archived_contact(self):
        (tenant,) = self._connect(scratch := self._scratch_org())
        org = scratch["tenantId"]
        self.env["xero.cache.refresh.request"]._refresh_cache(tenant, ["contacts"])
        contacts = {c["Name"]: c["ContactID"] for c in self.sandbox.dump(org, "Contacts")}

        self.sandbox.advance(5)
        for change in (  # a rename, an archiving
            {"ContactID": contacts["Basket Case"], "Name": "Basket Case Ltd"},
            {"ContactID": contacts["Boom FM"], "ContactStatus": "ARCHIVED"},
        ):
            answer = self.sandbox.as_user(org, "POST", "/Contacts", json={"Contacts": [change]})
            self.assertEqual(answer.status_code, 200, answer.text)

        mark = self._mark()
        stats = self.env["xero.cache.refresh.request"]._refresh_cache(tenant, ["contacts"])[tenant.id][
            "contacts"
        ]
        calls = self._calls(mark, tenant)
        self.assertEqual(len(calls), 1)
        self.assertEqual((stats["created"], stats["updated"], stats["archived"]), (0, 1, 1))
        cache = {c.xero_id: c for c in self._cache("xero.contact", tenant)}
        self.assertEqual(cache[contacts["Basket Case"]].name, "Basket Case Ltd")
        boom = cache[contacts["Boom FM"]]
        self.assertTrue(boom.exists(), "what Xero archived stays")
        self.assertFalse(boom.active)
        self.assertEqual(boom.contact_status, "ARCHIVED")
        self.assertNotIn(boom, self.env["xero.contact"].search([("tenant_id", "=", tenant.id)]))
        # The next refresh asks only for what changed after the rename: two contacts come back
        # (the last second is asked again on purpose), not the organisation's thirteen.
        again = self.env["xero.cache.refresh.request"]._refresh_cache(tenant, ["contacts"])[tenant.id][
            "contacts"
        ]
        self.assertEqual(again["calls"], 1)
        self.assertEqual((again["created"], again["updated"], again["archived"]), (0, 0, 0))
        self.assertLessEqual(again["unchanged"], 2)

    def test_full_reload_archives_what_xero_deleted(self):
        (tenant,) = self._connect(scratch := self._scratch_org())
        org = scratch["tenantId"]
        self.env["xero.cache.refresh.request"]._refresh_cache(tenant, ["items", "tracking", "accounts"])
        item = next(i for i in self.sandbox.dump(org, "Items") if i["Code"] == "SHIPPING")
        self.assertEqual(self.sandbox.as_user(org, "DELETE", f"/Items/{item['ItemID']}").status_code, 204)
        region = next(c for c in self.sandbox.dump(org, "TrackingCategories") if c["Name"] == "Region")
        south = next(o for o in region["Options"] if o["Name"] == "South")
        path = f"/TrackingCategories/{region['TrackingCategoryID']}/Options/{south['TrackingOptionID']}"
        self.assertEqual(self.sandbox.as_user(org, "DELETE", path).status_code, 200)
        account = next(a for a in self.sandbox.dump(org, "Accounts") if a["Code"] == "400")
        self.assertEqual(
            self.sandbox.as_user(org, "DELETE", f"/Accounts/{account['AccountID']}").status_code, 200
        )

        results = self.env["xero.cache.refresh.request"]._refresh_cache(
            tenant, ["items", "tracking", "accounts"], full=True
        )[tenant.id]
        self.assertEqual(results["items"]["archived"], 1)
        shipping = self._cache("xero.item", tenant).filtered(lambda i: i.code == "SHIPPING")
        self.assertTrue(shipping, "deleted in Xero, kept archived in Odoo")
        self.assertFalse(shipping.active)
        option = self._cache("xero.tracking.option", tenant).filtered(
            lambda o: o.xero_id == south["TrackingOptionID"]
        )
        self.assertFalse(option.active)
        advertising = self._cache("xero.account", tenant).filtered(lambda a: a.code == "400")
        self.assertEqual((advertising.active, advertising.xero_status), (False, "DELETED"))

    # ------------------------------------------------------------------------------------
    # Paging
    # ------------------------------------------------------------------------------------
    def test_contacts_come_in_pages_of_a_thousand(self):
        (tenant,) = self._connect(scratch := self._scratch_org("Big"))
        org = scratch["tenantId"]
        seeded = len(self.sandbox.dump(org, "Contacts"))
        total = 2000
        for start in range(0, total - seeded, 500):
            batch = [
                {"Name": f"Bulk contact {n:05d}", "EmailAddress": f"bulk{n}@example.com"}
                for n in range(start, min(start + 500, total - seeded))
            ]
            response = self.sandbox.as_user(org, "PUT", "/Contacts", json={"Contacts": batch})
            self.assertEqual(response.status_code, 200, response.text[:500])

        mark = self._mark()
        stats = self.env["xero.cache.refresh.request"]._refresh_cache(tenant, ["contacts"])[tenant.id][
            "contacts"
        ]
        calls = self._calls(mark, tenant)
        # Xero's pagination block says there are two pages: no third, empty call.
        self.assertEqual(
            [(c["query"].get("page"), c["query"].get("pageSize")) for c in calls],
            [("1", "1000"), ("2", "1000")],
        )
        self.assertEqual(stats["created"], total)
        self.assertEqual(
            self.env["xero.contact"]
            .with_context(active_test=False)
            .search_count([("tenant_id", "=", tenant.id)]),
            total,
        )

        # Without the page count, the refresh stops at the first short page: here an empty third.
        mark = self._mark()
        self.sandbox.add_fault("no_pagination", method="GET", path="/Contacts$", count=10)
        stats = self.env["xero.contact"]._xero_refresh(tenant, full=True)
        self.assertEqual(len(self._calls(mark, tenant)), 3)
        self.assertEqual((stats["unchanged"], stats["updated"]), (total, 0))

    # ------------------------------------------------------------------------------------
    # Wizard, background job, nightly cron
    # ------------------------------------------------------------------------------------
    def _wizard(self, user, **values):
        return self.env["xero.cache.refresh.wizard"].with_user(user).create(values)

    def test_wizard_refreshes_a_few_lists_at_once(self):
        (tenant,) = self._connect(self.org_a)
        wizard = self._wizard(
            self.xero_manager,
            everything=False,
            refresh_items=True,
            refresh_tax_rates=True,
            tenant_scope="one",
            tenant_id=tenant.id,
        )
        action = wizard.action_refresh()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("Items 7 new", action["params"]["message"])
        self.assertIn("Tax rates 11 new", action["params"]["message"])
        self.assertEqual(len(self._cache("xero.item", tenant)), 7)
        self.assertFalse(self._cache("xero.contact", tenant))
        self.assertFalse(self.env["xero.cache.refresh.request"].search([]))

    def test_large_refresh_runs_in_the_background_and_reports(self):
        tenant_a, tenant_b = self._connect(self.org_a, self.org_b)
        # Xero's /connections also lists this app's scratch organisations of other tests.
        (self.env["xero.tenant"].search([]) - tenant_a - tenant_b).active = False
        # A Xero user sees the organisations of their companies (an unmapped one: managers only).
        company_b = self.env["res.company"].create({"name": "Cache Beta Co"})
        self.env.company.xero_tenant_id = tenant_a
        company_b.xero_tenant_id = tenant_b
        xero_user = self.user_in(
            "cache_user", "base.group_user,xero_connector.group_xero_user", self.env.company, company_b
        )
        mark = self._mark()
        wizard = self._wizard(xero_user, everything=True, tenant_scope="all")
        action = wizard.action_refresh()
        self.assertEqual(action["params"]["type"], "info")
        request = self.env["xero.cache.refresh.request"].search([("user_id", "=", xero_user.id)])
        self.assertEqual(request.state, "pending")
        self.assertEqual(request.tenant_ids, tenant_a | tenant_b)
        # the answer opens the run, whose progress bar starts at 0 of 2 organisations
        self.assertEqual(
            (action["params"]["next"]["res_model"], action["params"]["next"]["res_id"]),
            ("xero.background.run", request.run_id.id),
        )
        self.assertEqual(
            request.run_id.with_user(xero_user).read(["state", "done_count", "total_count", "user_id"])[0],
            {
                "id": request.run_id.id,
                "state": "running",
                "done_count": 0,
                "total_count": 2,
                "user_id": (xero_user.id, xero_user.display_name),
            },
        )
        self.assertFalse(self._calls(mark, tenant_a), "nothing runs while the user waits")
        cron = self.env.ref("xero_connector.ir_cron_xero_cache_refresh")
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]), "the cron was triggered"
        )

        self.run_cron("xero.cache.refresh.request", "_cron_process")
        self.assertEqual(request.state, "done")
        self.assertEqual(request.tenant_done_ids, tenant_a | tenant_b)
        for tenant in (tenant_a, tenant_b):
            self.assertEqual(
                len(self._cache("xero.contact", tenant)), len(self.sandbox.dump(tenant.tenant_id, "Contacts"))
            )
            self.assertIn(f"{tenant.name}: Currencies 3 new", request.summary)
        self.assertEqual(json.loads(request.result_json)[str(tenant_a.id)]["contacts"]["created"], 13)
        # The user is told, in their browser.
        self.env.cr.precommit.run()
        notifications = [
            json.loads(bus.message)
            for bus in self.env["bus.bus"].sudo().search([])
            if json.loads(bus.channel)[1:] == ["res.partner", xero_user.partner_id.id]
        ]
        sent = [n["payload"] for n in notifications if n["type"] == "xero_connector/done"]
        self.assertEqual(len(sent), 1)
        self.assertIn(tenant_a.name, sent[0]["message"])
        self.assertEqual(sent[0]["type"], "success")
        # ...with an Open button on the request and its summary
        self.assertEqual(
            (sent[0]["action"]["res_model"], sent[0]["action"]["res_id"]), (request._name, request.id)
        )
        self.assertEqual(sent[0]["button"], "Open")
        # The progress moved as each organisation was done, then the run ended.
        progress = [n["payload"] for n in notifications if n["type"] == "xero_connector/run_progress"]
        self.assertEqual([(p["done"], p["total"]) for p in progress], [(1, 2), (2, 2), (2, 2)])
        self.assertEqual(progress[-1]["state"], "done")
        run = request.with_user(xero_user).run_id
        self.assertEqual((run.state, run.done_count, run.total_count), ("done", 2, 2))
        self.assertEqual(run.with_user(xero_user).action_open_result()["res_id"], request.id)
        # ...and in their inbox, with the request (its summary) to open.
        inbox = self.env["mail.message"].search([("partner_ids", "in", xero_user.partner_id.ids)])
        self.assertIn(f'href="/odoo/xero.cache.refresh.request/{request.id}"', inbox.body)
        self.assertIn(tenant_a.name, inbox.body)
        # Their own request is visible to them; another user's is not.
        self.assertEqual(self.env["xero.cache.refresh.request"].with_user(xero_user).search([]), request)
        other = new_test_user(
            self.env, login="cache_user2", groups="base.group_user,xero_connector.group_xero_user"
        )
        self.assertFalse(self.env["xero.cache.refresh.request"].with_user(other).search([]))

    def test_background_refresh_reports_an_organisation_xero_refuses(self):
        tenant_a, tenant_b = self._connect(self.org_a, self.org_b)
        # Xero keeps failing for organisation B: 503 on every try the choke point makes.
        self.patch(type(self.env["xero.connection"]), "_xero_sleep", lambda model, seconds: None)
        self.sandbox.add_fault("503", method="GET", path="/Contacts", tenant=self.org_b["tenantId"], count=5)
        request = self.env["xero.cache.refresh.request"].create(
            {
                "tenant_ids": [Command.set([tenant_a.id, tenant_b.id])],
                "lists": "contacts,items",
                "full": False,
            }
        )
        self.run_cron("xero.cache.refresh.request", "_cron_process")
        self.assertEqual(request.state, "done")
        results = json.loads(request.result_json)
        self.assertEqual(results[str(tenant_a.id)]["items"]["created"], 7)
        # The contacts list fails alone (issue #11): B's items are refreshed all the same.
        self.assertIn("Xero refused reading contacts", results[str(tenant_b.id)]["contacts"]["error"])
        self.assertIn(f"{tenant_b.name}: ", request.summary)
        self.assertIn("Contacts not refreshed", request.summary)
        self.assertEqual(results[str(tenant_b.id)]["items"]["created"], 7)
        self.assertTrue(self._cache("xero.item", tenant_b))

    def test_nightly_cron_refreshes_every_connected_organisation(self):
        tenant_a, tenant_b = self._connect(self.org_a, self.org_b)
        (self.env["xero.tenant"].search([]) - tenant_a - tenant_b).active = False
        self.run_cron(self.env.ref("xero_connector.ir_cron_xero_cache_refresh_nightly").method_direct_trigger)
        for tenant in (tenant_a, tenant_b):
            self.assertEqual(
                len(self._cache("xero.account", tenant)), len(self.sandbox.dump(tenant.tenant_id, "Accounts"))
            )
            self.assertTrue(tenant.xero_cache_contacts_synced_at)

    # ------------------------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------------------------
    def test_cache_is_read_only_and_for_xero_users_only(self):
        (tenant,) = self._connect(self.org_a)
        self.env["xero.cache.refresh.request"]._refresh_cache(tenant, ["contacts", "items"])
        clerk = new_test_user(
            self.env, login="cache_clerk", groups="base.group_user,account.group_account_invoice"
        )
        for model in (
            "xero.contact",
            "xero.item",
            "xero.tax.rate",
            "xero.account",
            "xero.tracking.category",
            "xero.currency",
        ):
            with self.assertRaises(AccessError, msg=model):
                self.env[model].with_user(clerk).search([])
        contact = self._cache("xero.contact", tenant)[:1]
        self.assertTrue(contact.with_user(self.xero_manager).read(["name"]))
        with self.assertRaises(AccessError):
            contact.with_user(self.xero_manager).write({"name": "Edited in Odoo"})
        with self.assertRaises(AccessError):
            self.env["xero.item"].with_user(self.xero_manager).create(
                {"tenant_id": tenant.id, "xero_id": "x"}
            )
        # The lists open from the organisation form's smart buttons, its rows only.
        action = (
            tenant.with_user(self.xero_manager).with_context(xero_list="contacts").action_open_cache_list()
        )
        self.assertEqual(action["res_model"], "xero.contact")
        self.assertEqual(action["domain"], [("tenant_id", "=", tenant.id)])
        with self.assertRaises(AccessError):
            tenant.with_user(clerk).with_context(xero_list="contacts").action_open_cache_list()

    def test_users_of_another_company_do_not_see_this_organisation_cache(self):
        tenant_a, tenant_b = self._connect(self.org_a, self.org_b)
        self.env["xero.cache.refresh.request"]._refresh_cache((tenant_a | tenant_b), ["contacts", "tracking"])
        company_a = self.env.company
        company_b = self.env["res.company"].create({"name": "Cache Company B"})
        company_a.xero_tenant_id = tenant_a
        company_b.xero_tenant_id = tenant_b
        user_b = self.user_in("cache_b", "base.group_user,xero_connector.group_xero_user", company_b)
        Contact = self.env["xero.contact"].with_user(user_b)
        self.assertEqual(set(Contact.search([]).tenant_id.ids), {tenant_b.id})
        with self.assertRaises(AccessError):
            self._cache("xero.contact", tenant_a)[:1].with_user(user_b).read(["name"])
        self.assertFalse(
            self.env["xero.tracking.option"].with_user(user_b).search([("tenant_id", "=", tenant_a.id)])
        )
        self.assertFalse(
            self.env["xero.contact.person"]
            .with_user(user_b)
            .search([("contact_id.tenant_id", "=", tenant_a.id)])
        )
        self.assertTrue(self.env["xero.contact.person"].with_user(user_b).search([]))
