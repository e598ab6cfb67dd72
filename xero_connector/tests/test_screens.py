"""What an accountant sees: menus as Odoo's own apps have them, no technical names outside
debug mode, lists that never add up two currencies, buttons that answer on screen, *Export
all* limited to what the list shows, and the overview's chart."""

import ast
import re
from pathlib import Path

from lxml import etree

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .. import utils
from ..charts import calls_chart_svg, nice_ceiling
from .test_export import XeroExportCase

DAILY = ["Overview", "Documents to check", "Variance report", "Payments", "Manual journals", "Sync log"]
SET_UP = ["Organisations", "Xero logins", "Mappings", "Settings"]


@tagged("post_install", "-at_install")
class TestScreens(XeroExportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Menu = cls.env["ir.ui.menu"]

    def module_menus(self):
        ids = (
            self.env["ir.model.data"]
            .search([("module", "=", "xero_connector"), ("model", "=", "ir.ui.menu")])
            .mapped("res_id")
        )
        return self.Menu.browse(ids)

    def arch(self, model, view_xmlid, user):
        view = self.env.ref(view_xmlid)
        return etree.fromstring(self.env[model].with_user(user).get_view(view.id, "form")["arch"])

    # ------------------------------------------------------------------------------------
    # Menus
    # ------------------------------------------------------------------------------------
    def test_menus_as_odoo_apps_have_them(self):
        menus = self.module_menus()
        self.assertLessEqual(len(menus), 12, menus.mapped("complete_name"))
        daily = self.env.ref("xero_connector.menu_xero_main")
        self.assertEqual(daily.parent_id, self.env.ref("account.menu_finance"))
        self.assertEqual(daily.child_id.sorted("sequence").mapped("name"), DAILY)
        set_up = self.env.ref("xero_connector.menu_xero_root")
        self.assertEqual(set_up.parent_id, self.env.ref("account.menu_finance_configuration"))
        self.assertEqual(set_up.child_id.sorted("sequence").mapped("name"), SET_UP)
        self.assertFalse((daily.child_id | set_up.child_id).child_id, "two levels, no deeper")
        # A Xero user sees the daily tools and the mappings; the set-up is the manager's.
        visible = self.Menu.with_user(self.xero_user)._visible_menu_ids()
        self.assertTrue(set(daily.child_id.ids) <= visible)
        self.assertIn(self.env.ref("xero_connector.menu_xero_mapping").id, visible)
        self.assertNotIn(self.env.ref("xero_connector.menu_xero_settings").id, visible)

    def test_messages_name_menus_that_exist(self):
        """A message sending the user to a menu names it as their menu bar shows it: read from
        the menu records (Community's app is Invoicing), and the section it names in brackets is
        a button on that screen; no message spells a menu path by hand."""
        finance = self.env.ref("account.menu_finance")
        self.assertEqual(finance.name, "Invoicing", "Community's accounting app")
        mappings = self.env.ref(utils.MENU_MAPPINGS)
        self.assertEqual(
            utils.menu_path(self.env, utils.MENU_MAPPINGS), "Invoicing / Configuration / Xero / Mappings"
        )
        self.assertEqual(
            utils.menu_path(self.env, utils.MENU_ORGANISATIONS),
            "Invoicing / Configuration / Xero / Organisations",
        )
        visible = self.Menu.with_user(self.xero_user)._visible_menu_ids()
        self.assertIn(mappings.id, visible, "a Xero user reaches the menu the messages name")
        # Every string literal of the module's code: no hand-written Odoo menu path, and each
        # "(Section)" after a menu is a button of that menu's screen.
        root = Path(__file__).resolve().parents[1]
        literals = [
            (path.relative_to(root), node.value)
            for path in root.rglob("*.py")
            if "tests" not in path.parts
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        ]
        by_hand = [
            (path, text)
            for path, text in literals
            if re.search(r"\b(Accounting|Invoicing|Configuration|Mappings)\s*[>›]", text)
        ]
        self.assertEqual(by_hand, [], "menu paths written by hand")
        sections = {m for _p, text in literals for m in re.findall(r"%\(menu\)s \((\w[\w ]*)\)", text)}
        self.assertEqual(sections, {"Taxes", "Accounts", "Products"})
        # "Settings > Xero [> Box]": the Settings app's Xero tab, and a box or setting in it.
        settings = etree.fromstring(self.env["res.config.settings"].get_view(view_type="form")["arch"])
        (tab,) = settings.xpath("//app[@name='xero_connector']")
        self.assertEqual(tab.get("string"), "Xero")
        boxes = set(tab.xpath(".//block/@title")) | set(tab.xpath(".//setting/@string"))
        named = {m for _p, text in literals for m in re.findall(r"Settings > Xero > ([\w ]+\w)", text)}
        self.assertEqual(named, {"Xero app", "Purchase orders to Xero"})
        self.assertLessEqual(named, boxes)
        screen = etree.fromstring(self.env["xero.mapping.health"].get_view(view_type="form")["arch"])
        buttons = set(screen.xpath("//button/@string"))
        self.assertLessEqual(sections, buttons, "the sections are buttons of the Mappings screen")
        # A real message, as the user reads it.
        levy = self.env["account.tax"].create({"name": "Levy 7%", "amount": 7, "type_tax_use": "sale"})
        move = self.make_move(post=False)
        move.invoice_line_ids.tax_ids = levy
        move.action_post()
        move._xero_export()
        self.assertIn("map it in Invoicing / Configuration / Xero / Mappings (Taxes).", move.xero_error)

    def test_settings_menu_opens_the_xero_settings(self):
        action = self.env.ref("xero_connector.menu_xero_settings").action
        self.assertEqual(action.res_model, "res.config.settings")
        self.assertEqual(safe_eval(action.context)["module"], "xero_connector")
        arch = self.arch(
            "res.config.settings", "base.res_config_settings_view_form", self.env.ref("base.user_admin")
        )
        app = arch.xpath("//app[@name='xero_connector']")
        self.assertTrue(app, "Xero's settings are an app tab of their own")
        # Technical settings only in debug mode: without it, no endpoint and no budget reserve.
        self.assertFalse(arch.xpath("//field[@name='xero_authorize_url']"))
        self.assertFalse(arch.xpath("//field[@name='xero_background_reserve']"))
        boxes = app[0].xpath(".//setting")
        # 13 boxes before the screens were reworked; documents made in Xero added one since.
        self.assertLessEqual(len(boxes), 10, [b.get("id") for b in boxes])
        self.assertTrue(arch.xpath("//setting[@id='xero_connection']"))

    def test_documents_to_check(self):
        failed = self.make_move()
        failed._xero_write_fields({"xero_export_state": "error"})
        fine = self.make_move()
        fine.action_xero_export()
        action = self.env.ref("xero_connector.action_xero_documents_to_check")
        search = self.env.ref("xero_connector.view_account_invoice_filter_xero")
        domain = safe_eval(
            etree.fromstring(search.arch).xpath("//filter[@name='xero_to_check']")[0].get("domain")
        )
        context = safe_eval(action.context)
        self.assertTrue(context["search_default_xero_to_check"])
        found = self.env["account.move"].search(safe_eval(action.domain) + domain)
        self.assertIn(failed, found)
        self.assertNotIn(fine, found)

    # ------------------------------------------------------------------------------------
    # Technical names only in debug mode
    # ------------------------------------------------------------------------------------
    def test_organisation_as_xero_names_it_one_header_one_notebook(self):
        self.assertEqual(self.tenant.display_name, self.tenant.name)
        self.assertNotIn(self.tenant.short_code, self.tenant.display_name)
        arch = self.arch("xero.tenant", "xero_connector.xero_tenant_view_form", self.xero_manager)
        self.assertEqual(len(arch.xpath("//header")), 1)
        self.assertEqual(len(arch.xpath("//notebook")), 1)
        for technical in ("tenant_id", "short_code", "xero_connection_ref"):
            self.assertFalse(arch.xpath(f"//sheet/group//field[@name='{technical}']"), technical)
        # They are there in debug mode (Odoo's "Technical Features", effective only then).
        source = etree.fromstring(self.env.ref("xero_connector.xero_tenant_view_form").get_combined_arch())
        self.assertEqual(source.xpath("//field[@name='tenant_id']")[0].get("groups"), "base.group_no_one")

    def test_cache_lists_open_from_the_organisation(self):
        for key, model in (
            ("contacts", "xero.contact"),
            ("tax_rates", "xero.tax.rate"),
            ("accounts", "xero.account"),
            ("branding_themes", "xero.branding.theme"),
        ):
            action = (
                self.tenant.with_user(self.xero_user).with_context(xero_list=key).action_open_cache_list()
            )
            self.assertEqual(action["res_model"], model)
            self.assertEqual(
                self.env[model].search_count(action["domain"]),
                self.env[model].search_count([("tenant_id", "=", self.tenant.id)]),
            )
        with self.assertRaises(UserError):
            self.tenant.with_context(xero_list="ir.config_parameter").action_open_cache_list()

    def test_mapping_health_is_one_record_per_user_and_organisation(self):
        Health = self.env["xero.mapping.health"].with_user(self.xero_user)
        first = Health.browse(Health._action_open(self.tenant)["res_id"])
        second = Health.browse(Health._action_open(self.tenant)["res_id"])
        self.assertEqual(first, second)
        self.assertEqual(first.display_name, f"Mapping health: {self.tenant.name}")
        taxes = first.with_context(xero_mapping="taxes").action_open_mapping()
        self.assertEqual(taxes["res_model"], "xero.tax.map")

    def test_accounts_on_the_default_are_not_unmapped(self):
        """Mapping health counts an account left to the organisation's default as mapped; the
        accounts list says the same (the account lines go to)."""
        account = self.env["account.account"].search(
            [("account_type", "=", "income"), ("company_ids", "in", self.company.id)], limit=1
        )
        mapping = self.env["xero.account.map"].create({"tenant_id": self.tenant.id, "account_id": account.id})
        self.assertEqual(mapping.match_state, "none")
        self.assertEqual(mapping.xero_used_account_id, self.tenant.xero_default_sales_account_id)
        self.make_move(post=False)
        health = self.env["xero.mapping.health"].new({"tenant_id": self.tenant.id})
        health._check()
        self.assertNotIn("account", health.line_ids.mapped("kind"))
        self.tenant.xero_default_sales_account_id = False
        mapping.invalidate_recordset()
        self.assertFalse(mapping.xero_used_account_id)

    def test_no_sums_of_rates_prices_and_calls_left(self):
        for model, name in (
            ("xero.tax.rate", "effective_rate"),
            ("xero.item", "sales_unit_price"),
            ("xero.payment", "currency_rate"),
            ("xero.sync.log", "http_status"),
        ):
            self.assertFalse(self.env[model]._fields[name].aggregator, f"{model}.{name}")

    # ------------------------------------------------------------------------------------
    # Amounts in several currencies
    # ------------------------------------------------------------------------------------
    def test_subtotals_never_add_two_currencies(self):
        report = self.env["xero.variance.report"].create({})
        Line = self.env["xero.variance.line"]
        base = {"report_id": report.id, "tenant_id": self.tenant.id, "company_id": self.company.id}
        Line.create(
            [
                {**base, "state": "differs", "name": "A", "odoo_total": 100, "odoo_currency": "AUD"},
                {**base, "state": "differs", "name": "B", "odoo_total": 50, "odoo_currency": "NZD"},
                {**base, "state": "equal", "name": "C", "odoo_total": 30, "odoo_currency": "AUD"},
                {**base, "state": "equal", "name": "D", "odoo_total": 20, "odoo_currency": "AUD"},
            ]
        )
        domain = [("report_id", "=", report.id)]
        by_state = {g["state"]: g for g in Line.read_group(domain, ["odoo_total:sum"], ["state"])}
        self.assertNotIn("odoo_total", by_state["differs"], "AUD and NZD are not added up")
        self.assertEqual(by_state["equal"]["odoo_total"], 50)
        by_currency = {
            g["currency"]: g["odoo_total"] for g in Line.read_group(domain, ["odoo_total:sum"], ["currency"])
        }
        self.assertEqual(by_currency, {"AUD": 150, "NZD": 50})

    # ------------------------------------------------------------------------------------
    # Buttons answer on screen
    # ------------------------------------------------------------------------------------
    def test_update_in_xero_answers_with_the_new_state(self):
        move = self.make_move()
        move.action_xero_export()
        move.invoice_line_ids[0].with_context(check_move_validity=False).name = "Consulting, revised"
        answer = move.with_user(self.xero_user).action_xero_update()
        self.assertEqual(answer["tag"], "display_notification")
        self.assertIn(move.name, answer["params"]["message"])
        self.assertIn("updated in Xero", answer["params"]["message"])
        self.assertNotIn(move.xero_status, answer["params"]["message"], "the status in words")
        self.assertEqual(answer["params"]["next"]["tag"], "soft_reload")

    # ------------------------------------------------------------------------------------
    # Export all: what the list shows
    # ------------------------------------------------------------------------------------
    def test_export_all_sends_what_the_list_shows(self):
        invoices = self.make_move() | self.make_move()
        bill = self.make_move("in_invoice", ref="BILL-2025", invoice_date=fields.Date.to_date("2025-06-30"))
        refund = self.make_move("out_refund")  # customer credit notes are in the same list
        vendor_refund = self.make_move("in_refund", ref="VR-1")
        exported = self.make_move()
        exported.action_xero_export()
        draft = self.make_move(post=False)
        customer_invoices = self.env.ref("account.action_move_out_invoice_type")
        list_domain = safe_eval(customer_invoices.domain)
        Move = self.env["account.move"].with_user(self.xero_user).with_context(active_domain=list_domain)
        opened = Move.browse().action_xero_export_all_from_list()
        wizard = self.env["xero.export.all.wizard"].browse(opened["res_id"])
        self.assertEqual(
            wizard.move_ids, invoices | refund, "only the list's posted documents not yet in Xero"
        )
        self.assertEqual(wizard.move_count, 3)
        for other in (bill, vendor_refund, exported, draft):
            self.assertNotIn(other, wizard.move_ids)
        answer = wizard.with_user(self.xero_user).action_export()
        message = answer["params"]["message"]
        for move in invoices | refund:
            self.assertIn(move.name, message)
        self.assertTrue(all((invoices | refund).mapped("xero_id")))
        self.assertFalse(bill.xero_id or vendor_refund.xero_id)
        sent = answer["params"]["next"]
        self.assertEqual(self.env["account.move"].search(sent["domain"]), invoices | refund)

    def test_export_all_keeps_to_the_selected_companies_and_rows(self):
        company_b = self.second_company("Screens Company B")
        connection = self.connect_directly(self.xero_manager, [self.org_b["tenantId"]])
        company_b.xero_tenant_id = connection.tenant_ids.filtered(
            lambda t: t.tenant_id == self.org_b["tenantId"]
        )
        mine = self.make_move()
        theirs = (
            self.env["account.move"]
            .with_company(company_b)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_date": fields.Date.today(),
                    "invoice_line_ids": [Command.create({"name": "Other", "quantity": 1, "price_unit": 10})],
                }
            )
        )
        theirs.action_post()
        self.assertTrue(theirs.xero_tenant_id)
        self.xero_user.write({"company_ids": [Command.link(company_b.id)]})
        Wizard = self.env["xero.export.all.wizard"].with_user(self.xero_user)
        only_a = Wizard.with_context(allowed_company_ids=[self.company.id])._documents_of_list(
            self.env["account.move"], [("move_type", "=", "out_invoice")]
        )
        self.assertIn(mine, only_a)
        self.assertNotIn(theirs, only_a)
        both = Wizard.with_context(allowed_company_ids=[self.company.id, company_b.id])._documents_of_list(
            self.env["account.move"], [("move_type", "=", "out_invoice")]
        )
        self.assertIn(theirs, both)
        other = self.make_move()
        selected = Wizard.with_context(allowed_company_ids=[self.company.id])._documents_of_list(mine, [])
        self.assertEqual(selected, mine)
        self.assertNotIn(other, selected)

    def test_export_all_with_nothing_to_send_says_so(self):
        Move = self.env["account.move"].with_user(self.xero_user)
        with self.assertRaisesRegex(UserError, "Nothing to export"):
            Move.with_context(active_domain=[("id", "=", 0)]).action_xero_export_all_from_list()


@tagged("post_install", "-at_install")
class TestChart(XeroExportCase):
    def test_calls_chart_reads_as_a_chart(self):
        self.assertEqual([nice_ceiling(v) for v in (0, 3, 7, 12, 230)], [1, 5, 10, 20, 500])
        days = [
            (f"Day {i}", calls, errors)
            for i, (calls, errors) in enumerate([(3, 0), (0, 0), (48, 2), (1, 1), (0, 0), (7, 0), (12, 3)])
        ]
        svg = str(calls_chart_svg(days, "Calls per day", "calls", "errors"))
        self.assertIn('data-total="71"', svg)
        for label, *_counts in days:
            self.assertIn(f">{label}</text>", svg, "each day named under its bar")
        self.assertIn(">50</text>", svg, "the y axis ends at a round figure above the peak")
        self.assertIn(">0</text>", svg)

    def test_overview_card_has_seven_days(self):
        svg = str(self.tenant._overview_chart())
        self.assertEqual(svg.count('class="o_xero_chart_day"'), 7)
        calls = self.env["xero.sync.log"].search_count([("tenant_id", "=", self.tenant.id)])
        self.assertIn(f'data-total="{calls}"', svg)


@tagged("post_install", "-at_install")
class TestDisconnectAnswer(XeroExportCase):
    """Disconnect revokes the login at Xero (the sandbox remembers): a class of its own."""

    def test_disconnect_shows_the_new_state(self):
        connection = self.connection_of(self.xero_manager)
        # Settings' Disconnect and the login's own form both end here.
        answer = connection.with_user(self.xero_manager).action_disconnect()
        self.assertEqual(connection.state, "disconnected")
        self.assertEqual(answer["params"]["next"], {"type": "ir.actions.client", "tag": "soft_reload"})


@tagged("post_install", "-at_install")
class TestScreenTours(XeroExportCase):
    """The menus and a button's answer, pressed in a browser."""

    def test_menus_mappings_and_settings(self):
        self.env["xero.sync.log"].sudo().create(
            {"tenant_id": self.tenant.id, "operation": "tour", "state": "success", "http_status": 200}
        )
        self.start_tour("/odoo/customer-invoices", "xero_menus_tour", login="admin")

    def test_update_in_xero_answers_on_screen(self):
        move = self.make_move()
        move.action_xero_export()
        self.assertEqual(move.xero_status, "DRAFT")
        move.ref = "PO 4471 from the customer"  # something Xero does not have yet
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{move.id}",
            "xero_update_answer_tour",
            login="xero_clerk",
        )
        self.assertTrue(move.message_ids.filtered(lambda m: "Updated in Xero" in (m.body or "")))

    def test_queued_document_form_refreshes_itself(self):
        move = self.make_move()
        move._xero_write_fields({"xero_export_state": "queued"})
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{move.id}",
            "xero_queued_refresh_tour",
            login="xero_clerk",
        )
        self.assertTrue(move.xero_id)
