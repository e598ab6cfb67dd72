import contextlib
import inspect
import json
from datetime import datetime

from xero_python.accounting import AccountingApi

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .. import const, limits
from ..errors import XeroRetryLater
from ..limits import required_scope, scope_granted
from ..utils import idempotency_key

STAMPS = (
    "xero_cache_contacts_synced_at",
    "xero_cache_items_synced_at",
    "xero_cache_accounts_synced_at",
    "xero_cache_refreshed_at",
    "xero_contacts_refreshed_at",
    "xero_payments_synced_at",
    "xero_payment_docs_synced_at",
    "xero_journals_synced_at",
    "xero_po_synced_at",
)
_STAMP = {"compute": "_compute_xero_stamps", "inverse": "_inverse_xero_stamps", "readonly": True}


class XeroTenant(models.Model):
    """A Xero organisation ("tenant") Odoo is connected to. Each Odoo company sends its
    documents to one organisation (M-Power's profit centre → organisation).

    Holds the organisation's identity, Xero's limits for it (scopes, the day's budget), the
    one way into its Accounting API (``_xero_call``) and, feature by feature at the end, the
    settings and buttons its form shows; every engine lives on the model it produces. Just
    over 500 lines because those per-feature settings are the organisation's own fields."""

    _name = "xero.tenant"
    _description = "Xero Organisation"
    _order = "name, id"

    name = fields.Char(required=True)
    tenant_id = fields.Char("Xero tenant id", required=True, readonly=True, index=True)
    tenant_type = fields.Char(readonly=True, default="ORGANISATION")
    xero_connection_ref = fields.Char(
        "Xero connection id",
        readonly=True,
        help="Xero's id of the connection, used to disconnect one organisation.",
    )
    connection_id = fields.Many2one(
        "xero.connection",
        string="Default connection",
        ondelete="set null",
        help="The Xero login used for this organisation when the acting user has none of their own.",
    )
    short_code = fields.Char(readonly=True, help="Xero's short code, used in links that open Xero.")
    base_currency = fields.Char(readonly=True)
    country_code = fields.Char(readonly=True)
    company_ids = fields.One2many("res.company", "xero_tenant_id", string="Companies", readonly=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("tenant_id_unique", "unique(tenant_id)", "This Xero organisation is already linked.")
    ]

    # Xero's limits for this organisation, as last answered (see ``limits.py``)
    xero_day_remaining = fields.Integer(
        "Calls left today",
        compute="_compute_xero_budget",
        help="Xero's X-DayLimit-Remaining on the last answer for this organisation.",
    )
    xero_day_checked_at = fields.Datetime("Calls left, as of", compute="_compute_xero_budget")
    xero_next_try_at = fields.Datetime(
        "Next try at",
        compute="_compute_xero_budget",
        help="Xero asked Odoo to wait until then (its daily limit is spent): queued exports go then.",
    )
    xero_queued_count = fields.Integer("Documents waiting", compute="_compute_xero_budget")

    # ------------------------------------------------------------------------------------
    # The choke point for this organisation's Accounting API calls
    # ------------------------------------------------------------------------------------
    def _get_connection(self):
        """The acting user's own Xero login for this organisation if they have one, else the
        organisation's default connection. An own login Xero dropped (to reconnect) stops the
        call: Xero would otherwise record the user's work as someone else's; one its owner
        disconnected is no longer theirs to use."""
        self.ensure_one()
        Connection = self.env["xero.connection"].sudo()
        mine = Connection.search(
            [("user_id", "=", self.env.uid), ("tenant_ids", "in", self.id), ("state", "!=", "disconnected")]
        )
        own = mine.filtered(lambda c: c.state == "connected")[:1]
        if mine and not own:
            raise mine[0]._reconnect_error()
        connection = own or self.sudo().connection_id
        if not connection:
            raise UserError(
                _("No Xero login can reach the organisation %s: connect to Xero in Settings.", self.name)
            )
        if connection.state != "connected":
            raise connection._reconnect_error()
        return connection

    def _xero_call(self, operation, method, body=None, params=None, key=None, records=None):
        """The one way into Xero's Accounting API for this organisation: JSON in, JSON out.

        ``method``: the xero-python ``AccountingApi`` method (``get_invoices``,
        ``create_invoices``…); ``body``: the request body as Xero's JSON (PascalCase dicts,
        e.g. ``{"Invoices": [...]}``; bytes for an attachment); ``params``: the other
        arguments in the SDK's names (``where``, ``page``, ``invoice_id``…); ``key``: the
        Idempotency-Key of a write (``utils.idempotency_key``). Reads, and writes that carry a
        key, may be repeated after a lost answer; other writes are tried once. Writes ask for
        per-element errors (``summarizeErrors=false``) and 4-decimal prices (``unitdp=4``)
        where the endpoint takes them. ``records``: the Odoo records concerned, for the sync
        log. Answers Xero's JSON as a dict ({} for an empty answer); raises ``XeroError``."""
        self.ensure_one()
        kwargs = dict(params or {})
        accepted = inspect.signature(getattr(AccountingApi, method)).parameters
        writing = not method.startswith("get_")
        if writing and not self.env.context.get("xero_sender"):
            # Exactly once is the sender's promise: checks, attempt and key before the call.
            raise RuntimeError(f"{method}: writes to Xero go through xero.sender._xero_send")
        if writing:
            if "summarize_errors" in accepted:
                kwargs.setdefault("summarize_errors", False)
            if "unitdp" in accepted:
                kwargs.setdefault("unitdp", 4)
        if body is not None:
            required = [
                name
                for name, param in accepted.items()
                if param.default is inspect.Parameter.empty and name not in ("self", "xero_tenant_id")
            ]
            kwargs[required[-1]] = body
        if key:
            kwargs["idempotency_key"] = key
        connection = self._get_connection()
        self._xero_check_scope(connection, method, operation)
        api_url = connection._get_xero_config()["api_url"]
        tenant_id = self.tenant_id

        def call(client):
            api_method = getattr(AccountingApi(client, base_url=api_url), method)
            response = api_method(tenant_id, _preload_content=False, **kwargs)
            try:
                return json.loads(response.data or b"{}")
            finally:
                response.release_conn()

        return connection._xero_request(
            _("%(operation)s in %(org)s", operation=operation, org=self.name),
            call,
            idempotent=not writing or bool(key),
            tenant=self,
            records=records,
        )

    def _xero_key(self, purpose, *content):
        """The Idempotency-Key of a write to this organisation: derived from this database,
        the organisation, the write's ``purpose`` and what is sent (``utils.idempotency_key``)."""
        self.ensure_one()
        dbuuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid", "")
        return idempotency_key(dbuuid, purpose, self.tenant_id, *content)

    def _refresh_organisation_details(self):
        for tenant in self:
            answer = tenant._xero_call(_("reading the organisation"), "get_organisations")
            organisations = answer.get("Organisations") or []
            if organisations:
                org = organisations[0]
                tenant.write(
                    {
                        "name": org.get("Name") or tenant.name,
                        "short_code": org.get("ShortCode"),
                        "base_currency": org.get("BaseCurrency"),
                        "country_code": org.get("CountryCode"),
                    }
                )

    # ------------------------------------------------------------------------------------
    # Limits: scopes and the day's budget, checked before each call
    # ------------------------------------------------------------------------------------
    def init(self):
        limits.create_table(self.env.cr)

    def _compute_xero_budget(self):
        now = fields.Datetime.now()
        Log = self.env["xero.sync.log"].sudo()
        for tenant in self:
            shared = limits.state(self.env.registry, tenant.id) if tenant.id else {}
            last = Log.search(
                [("tenant_id", "=", tenant.id), ("day_remaining", "!=", False)], limit=1, order="id desc"
            )
            known = shared.get("remaining") is not None
            tenant.xero_day_remaining = shared["remaining"] if known else (last.day_remaining or 0)
            tenant.xero_day_checked_at = (
                datetime.utcfromtimestamp(shared["at"]) if known and shared.get("at") else last.create_date
            )
            retry_at = tenant._xero_retry_at() if tenant.id else False
            tenant.xero_next_try_at = retry_at if retry_at and retry_at > now else False
            tenant.xero_queued_count = (  # the user's own documents: record rules apply
                self.env["account.move"].search_count(
                    [("xero_tenant_id", "=", tenant.id), ("xero_export_state", "=", "queued")]
                )
            )

    def _xero_retry_at(self):
        """When Xero said to try again (every process's shared limits, else the sync log)."""
        self.ensure_one()
        shared = limits.state(self.env.registry, self.id)
        if shared.get("retry_at"):
            return datetime.utcfromtimestamp(shared["retry_at"]).replace(microsecond=0)
        last = (
            self.env["xero.sync.log"]
            .sudo()
            .search([("tenant_id", "=", self.id), ("retry_at", "!=", False)], limit=1, order="id desc")
        )
        return last.retry_at or False

    # ------------------------------------------------------------------------------------
    # Before, during and after each call (from the choke point, xero.connection._xero_request)
    # ------------------------------------------------------------------------------------
    def _xero_limit_options(self):
        return {
            "background": bool(self.env.context.get("xero_background")),
            "reserve_percent": self._xero_reserve_percent(),
        }

    def _xero_check_budget(self, operation):
        """Raise XeroRetryLater, sending nothing, when Xero said to wait or when background
        work would eat into the reserve kept for exports and users."""
        self.ensure_one()
        try:
            limits.check(self.env.registry, self.id, **self._xero_limit_options())
        except limits.Refused as refusal:
            raise self._xero_refusal_error(operation, refusal) from None

    @contextlib.contextmanager
    def _xero_slot(self, operation):
        """Around one call: one of the organisation's 5 slots and a place in its rolling minute,
        shared by every process and server (``limits.take``), given back on every way out;
        raises XeroRetryLater, sending nothing, when the call cannot go now."""
        self.ensure_one()
        try:
            token = limits.take(self.env.registry, self.id, **self._xero_limit_options())
        except limits.Refused as refusal:
            raise self._xero_refusal_error(operation, refusal) from None
        try:
            yield
        finally:
            limits.release(self.env.registry, self.id, token)

    def _xero_note_answer(self, headers, retry_after=None):
        """Note Xero's remaining budget and, for a long Retry-After, when to try again (an
        answer outside ``_xero_slot``). Returns that moment (epoch) or None."""
        self.ensure_one()
        value = (headers or {}).get("X-DayLimit-Remaining")
        return limits.note_answer(
            self.env.registry,
            self.id,
            int(value) if value not in (None, "") else None,
            retry_after,
            (headers or {}).get("X-Rate-Limit-Problem"),
        )

    def _xero_refusal_error(self, operation, refusal):
        return self._xero_retry_error(
            operation, refusal.retry_at, reserve=refusal.problem == "reserve", problem=refusal.problem
        )

    def _xero_retry_error(self, operation, retry_at, reserve=False, problem="day"):
        when = datetime.utcfromtimestamp(retry_at).replace(microsecond=0)
        shown = fields.Datetime.to_string(fields.Datetime.context_timestamp(self, when))
        if reserve:
            message = _(
                "%(org)s has only its reserve of Xero calls left today, kept for exports and users: "
                "%(operation)s waits until %(time)s.",
                org=self.name,
                operation=operation,
                time=shown,
            )
        elif problem == "day":
            message = _(
                "Xero's daily limit for %(org)s is spent: %(operation)s waits in the queue, next try at "
                "%(time)s.",
                org=self.name,
                operation=operation,
                time=shown,
            )
        else:
            message = _(
                "Xero asks Odoo to wait (%(problem)s limit of %(org)s): %(operation)s was not sent, next "
                "try at %(time)s.",
                problem=problem,
                org=self.name,
                operation=operation,
                time=shown,
            )
        return XeroRetryLater(message, when)

    @api.model
    def _xero_scope_features(self):
        """(scope, what a user loses without it), in the order Settings lists them."""
        return [
            ("accounting.invoices", _("Export of invoices, credit notes and bills; items; purchase orders")),
            ("accounting.payments", _("Payments from and to Xero")),
            ("accounting.contacts", _("Contacts (export, link, import)")),
            ("accounting.settings", _("Organisation details, accounts, tax rates, tracking and currencies")),
            ("accounting.attachments", _("Attach PDF")),
            ("accounting.manualjournals", _("Manual journals")),
        ]

    @api.model
    def _xero_reserve_percent(self):
        value = self.env["ir.config_parameter"].sudo().get_param(const.PARAM_PREFIX + "background_reserve")
        try:
            return max(0.0, min(100.0, float(value))) if value else const.BACKGROUND_RESERVE
        except ValueError:
            return const.BACKGROUND_RESERVE

    def _xero_check_scope(self, connection, method, operation):
        """Refuse, before sending anything, a call the login was not granted the scope for."""
        scope = required_scope(method)
        if not connection.scope or scope_granted(scope, connection.scope):
            return
        feature = dict(self._xero_scope_features()).get(scope.removesuffix(".read"), operation)
        raise UserError(
            _(
                "%(feature)s needs the Xero permission %(scope)s, which the Xero login of %(user)s was "
                "not granted: press Connect to Xero in Settings > Xero to grant it "
                "(nothing was sent for %(operation)s).",
                feature=feature,
                scope=scope,
                user=connection.user_id.name,
                operation=operation,
            )
        )

    # ------------------------------------------------------------------------------------
    # Buttons of the organisation's form and overview card, feature by feature. Each only
    # checks access and hands over to the model that does the work.
    # ------------------------------------------------------------------------------------
    # -- Cache and mappings (engines: xero.cache.refresh.request, the xero.*.map models) --
    # The cache: Xero's time of the latest change already cached (its UpdatedDateUTC), per list
    # with If-Modified-Since: the next refresh asks only for what changed after it.
    xero_cache_contacts_synced_at = fields.Datetime("Contacts cached up to", **_STAMP)
    xero_cache_items_synced_at = fields.Datetime("Items cached up to", **_STAMP)
    xero_cache_accounts_synced_at = fields.Datetime("Accounts cached up to", **_STAMP)
    xero_cache_refreshed_at = fields.Datetime(
        "Cache refreshed",
        **_STAMP,
        help="When Odoo last refreshed its copy of Xero's lists.",
    )
    xero_contacts_refreshed_at = fields.Datetime(
        "Contacts refreshed",
        **_STAMP,
        help="When Odoo last asked Xero for the contacts changed since the previous refresh.",
    )
    xero_contact_ids = fields.One2many("xero.contact", "tenant_id", string="Xero contacts", readonly=True)
    xero_item_ids = fields.One2many("xero.item", "tenant_id", string="Xero items", readonly=True)
    xero_tax_rate_ids = fields.One2many("xero.tax.rate", "tenant_id", string="Xero tax rates", readonly=True)
    xero_account_ids = fields.One2many("xero.account", "tenant_id", string="Xero accounts", readonly=True)
    xero_tracking_category_ids = fields.One2many(
        "xero.tracking.category", "tenant_id", string="Xero tracking categories", readonly=True
    )
    xero_currency_ids = fields.One2many("xero.currency", "tenant_id", string="Xero currencies", readonly=True)
    # The mappings, and the organisation's defaults for what has none (Momentus' default tax
    # and GL code, MRPeasy's default sales and purchase accounts).
    xero_default_sale_tax_rate_id = fields.Many2one(
        "xero.tax.rate",
        string="Default sales tax rate",
        domain="[('tenant_id', '=', id), ('can_apply_to_revenue', '=', True)]",
        help="The rate of Odoo sales taxes that have no Xero rate mapped, when “Use the default tax rate "
        "for unmapped taxes” is on. Lines without any tax in Odoo go with a rate that charges none: this "
        "one if it is 0 %, else the organisation's BAS Excluded / No GST / No VAT (or GST-free) rate, "
        "never a taxed rate (Xero would add its tax to a line Odoo did not tax).",
    )
    xero_default_purchase_tax_rate_id = fields.Many2one(
        "xero.tax.rate",
        string="Default purchase tax rate",
        domain="[('tenant_id', '=', id), ('can_apply_to_expenses', '=', True)]",
        help="The rate of Odoo purchase taxes that have no Xero rate mapped, when “Use the default tax "
        "rate for unmapped taxes” is on. Bill and purchase-order lines without any tax in Odoo go with a "
        "rate that charges none: this one if it is 0 %, else the organisation's BAS Excluded / No GST / "
        "No VAT (or GST-free) rate.",
    )
    xero_default_tax_for_unmapped = fields.Boolean(
        "Use the default tax rate for unmapped taxes",
        help="Momentus' behaviour: a tax with no Xero rate mapped goes out with the default rate of "
        "its side. Off by default, because Xero then computes the default's percentage, not the "
        "Odoo tax's. Taxes with several candidate rates always wait for a human choice.",
    )
    xero_default_sales_account_id = fields.Many2one(
        "xero.account",
        string="Default sales account",
        domain="[('tenant_id', '=', id), ('account_class', '=', 'REVENUE')]",
        help="Used for Odoo income accounts that have no Xero account mapped.",
    )
    xero_default_purchase_account_id = fields.Many2one(
        "xero.account",
        string="Default purchase account",
        domain="[('tenant_id', '=', id), ('account_class', 'in', ('EXPENSE', 'ASSET'))]",
        help="Used for Odoo expense accounts that have no Xero account mapped.",
    )
    xero_product_map_ids = fields.One2many("xero.product.map", "tenant_id", string="Product links")
    xero_category_map_ids = fields.One2many("xero.category.map", "tenant_id", string="Category links")
    xero_tax_map_ids = fields.One2many("xero.tax.map", "tenant_id", string="Tax mappings")
    xero_account_map_ids = fields.One2many("xero.account.map", "tenant_id", string="Account mappings")
    xero_tracking_map_ids = fields.One2many("xero.tracking.map", "tenant_id", string="Tracking mappings")

    def _xero_default_tax_rate(self, use):
        """The default Xero tax rate of this organisation for ``use`` ('sale' or 'purchase')."""
        self.ensure_one()
        rate = self.xero_default_sale_tax_rate_id if use == "sale" else self.xero_default_purchase_tax_rate_id
        return rate.filtered("active")

    def _xero_default_account(self, internal_group):
        """The default Xero account for an Odoo account of ``internal_group`` (income/expense)."""
        self.ensure_one()
        if internal_group == "income":
            return self.xero_default_sales_account_id.filtered("active")
        if internal_group == "expense":
            return self.xero_default_purchase_account_id.filtered("active")
        return self.env["xero.account"]

    @api.model
    def _xero_action_for_current_tenant(self, wizard_model):
        """A menu entry's wizard (``wizard_model._action_open(tenant)``) for the current
        company's organisation, else the first one the user sees; the organisations list when
        there is none yet."""
        tenant = self.env.company.xero_tenant_id or self.search([], limit=1)
        if not tenant:
            return self.env["ir.actions.act_window"]._for_xml_id("xero_connector.action_xero_tenant")
        return self.env[wizard_model]._action_open(tenant)

    def action_open_cache_refresh(self):
        """The refresh wizard, preset to this organisation."""
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("user", self)
        return {
            "type": "ir.actions.act_window",
            "name": _("Refresh Xero cache"),
            "res_model": "xero.cache.refresh.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_tenant_scope": "one", "default_tenant_id": self.id},
        }

    def action_auto_match_taxes(self):
        self.env["xero.access"]._xero_check_access("manager", self)
        return self.env["xero.tax.map"]._xero_auto_match_action(self, _("Taxes auto-matched"))

    def action_auto_match_accounts(self):
        self.env["xero.access"]._xero_check_access("manager", self)
        return self.env["xero.account.map"]._xero_auto_match_action(self, _("Accounts auto-matched"))

    def _action_mapping_list(self, xmlid):
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("user", self)
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("tenant_id", "=", self.id)]
        action["context"] = {"default_tenant_id": self.id}
        return action

    def action_open_tax_maps(self):
        return self._action_mapping_list("xero_connector.action_xero_tax_map")

    def action_open_account_maps(self):
        return self._action_mapping_list("xero_connector.action_xero_account_map")

    def action_open_product_maps(self):
        return self._action_mapping_list("xero_connector.action_xero_product_map")

    def action_open_category_maps(self):
        return self._action_mapping_list("xero_connector.action_xero_category_map")

    def action_open_tracking_maps(self):
        return self._action_mapping_list("xero_connector.action_xero_tracking_map")

    def action_open_product_link(self):
        self.ensure_one()
        return self.env["xero.product.link.wizard"]._action_open(self)

    def action_open_category_link(self):
        self.ensure_one()
        return self.env["xero.category.link.wizard"]._action_open(self)

    def action_open_item_import(self):
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("manager", self)
        return {
            "type": "ir.actions.act_window",
            "name": _("Import items from Xero"),
            "res_model": "xero.item.import.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_tenant_id": self.id},
        }

    def action_open_mapping_health(self):
        self.ensure_one()
        return self.env["xero.mapping.health"]._action_open(self)

    # -- end of cache and mappings --

    # -- Payments and webhooks (engines: xero.payment, xero.webhook.event) --
    xero_payment_journal_id = fields.Many2one(
        "account.journal",
        "Default journal for Xero payments",
        domain="[('type', 'in', ('bank', 'cash'))]",
        help="Payments made in Xero into a bank account with no journal of its own land here.",
    )
    xero_payment_account_id = fields.Many2one(
        "xero.account",
        "Default Xero bank account",
        domain="[('tenant_id', '=', id), '|', ('is_bank', '=', True), ('enable_payments_to_account', '=', True)]",
        help="Payments registered in Odoo from a journal with no Xero account of its own go to this account.",
    )
    xero_journal_map_ids = fields.One2many("xero.journal.map", "tenant_id", "Bank accounts ↔ journals")
    xero_webhook_key = fields.Char(
        "Webhook key",
        groups="base.group_system",
        copy=False,
        help="The webhook signing key of this organisation's Xero app, when it differs from the app key in Settings.",
    )
    xero_payments_synced_at = fields.Datetime("Payments synced up to", **_STAMP)
    xero_payment_docs_synced_at = fields.Datetime("Credits synced up to", **_STAMP)
    xero_payment_ids = fields.One2many("xero.payment", "tenant_id", "Xero payments", readonly=True)

    def action_xero_sync_payments(self):
        XeroPayment = self.env["xero.payment"]._xero_check_payment_sync(self)
        return XeroPayment._xero_sync_notification(self)

    def action_xero_open_payments(self):
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("user", self)
        action = self.env["ir.actions.actions"]._for_xml_id("xero_connector.action_xero_payment")
        action["domain"] = [("tenant_id", "=", self.id)]
        return action

    # -- end of payments and webhooks --

    # -- Balances as manual journals (engine: xero.manual.journal) --
    xero_journals_synced_at = fields.Datetime("Last journal run", **_STAMP)
    xero_manual_journal_count = fields.Integer(
        "Manual journals", compute="_compute_xero_manual_journal_count"
    )

    def _compute_xero_manual_journal_count(self):
        counts = dict(
            self.env["xero.manual.journal"]._read_group(
                [("tenant_id", "in", self.ids)], ["tenant_id"], ["__count"]
            )
        )
        for tenant in self:
            tenant.xero_manual_journal_count = counts.get(tenant, 0)

    def action_xero_sync_journals(self):
        """Synchronize now: every company of these organisations that sends its balances."""
        self.env["xero.access"]._xero_check_access("manager", self, "write")
        return self.env["xero.manual.journal"]._xero_sync_notification(self)

    def action_xero_open_manual_journals(self):
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("user", self)
        action = self.env["ir.actions.actions"]._for_xml_id("xero_connector.action_xero_manual_journal")
        action["domain"] = [("tenant_id", "=", self.id)]
        return action

    # -- end of balances --

    # -- Purchase orders (engine: purchase.order) --
    xero_po_synced_at = fields.Datetime("Purchase orders synced up to", **_STAMP)

    # -- end of purchase orders --
