import inspect
import json

from xero_python.accounting import AccountingApi

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class XeroTenant(models.Model):
    """A Xero organisation ("tenant") Odoo is connected to. Each Odoo company sends its
    documents to one organisation (M-Power's profit centre → organisation)."""

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

    @api.depends("name", "short_code")
    def _compute_display_name(self):
        for tenant in self:
            tenant.display_name = f"{tenant.name} ({tenant.short_code})" if tenant.short_code else tenant.name

    # ------------------------------------------------------------------------------------
    # The choke point for this organisation's Accounting API calls
    # ------------------------------------------------------------------------------------
    def _get_connection(self):
        """The acting user's own Xero login for this organisation if they have one, else the
        organisation's default connection."""
        self.ensure_one()
        Connection = self.env["xero.connection"].sudo()
        own = Connection.search(
            [("user_id", "=", self.env.uid), ("tenant_ids", "in", self.id), ("state", "=", "connected")],
            limit=1,
        )
        connection = own or self.sudo().connection_id
        if not connection:
            raise UserError(
                _("No Xero login can reach the organisation %s: connect to Xero in Settings.", self.name)
            )
        if connection.state != "connected":
            raise connection._reconnect_error()
        return connection

    def _accounting_call(self, operation, method, records=None, idempotent=None, as_json=False, **kwargs):
        """Call ``AccountingApi.<method>(xero_tenant_id, **kwargs)`` for this organisation.
        Reads, and writes that carry an ``idempotency_key``, may be repeated after a lost
        response; other writes are tried once. ``records``: the Odoo documents concerned,
        for the sync log. ``as_json``: answer with Xero's JSON (PascalCase dicts) instead of
        the SDK's objects — several times cheaper for large pages, and read inside the
        retried call."""
        self.ensure_one()
        if idempotent is None:
            idempotent = method.startswith("get_") or bool(kwargs.get("idempotency_key"))
        connection = self._get_connection()
        self._xero_check_scope(connection, method, operation)
        api_url = connection._get_xero_config()["api_url"]
        tenant_id = self.tenant_id

        def call(client):
            api_method = getattr(AccountingApi(client, base_url=api_url), method)
            if not as_json:
                return api_method(tenant_id, **kwargs)
            response = api_method(tenant_id, _preload_content=False, **kwargs)
            try:
                return json.loads(response.data or b"{}")
            finally:
                response.release_conn()

        return connection._xero_request(
            _("%(operation)s in %(org)s", operation=operation, org=self.name),
            call,
            idempotent=idempotent,
            tenant=self,
            records=records,
        )

    def _xero_call_json(self, operation, method, records=None, idempotent=None, **kwargs):
        return self._accounting_call(
            operation, method, records=records, idempotent=idempotent, as_json=True, **kwargs
        )

    def _xero_read(self, operation, method, **kwargs):
        """A GET through the choke point, answered as Xero's JSON."""
        return self._xero_call_json(operation, method, idempotent=True, **kwargs)

    def _xero_write(self, operation, method, records=None, idempotency_key=None, **kwargs):
        """A create or update through the choke point, answered as Xero's JSON. Batches ask
        Xero for per-element errors (summarizeErrors=false) and unit prices keep 4 decimals
        (unitdp=4) where the endpoint takes them. Repeated after a lost answer only when it
        carries an Idempotency-Key."""
        accepted = inspect.signature(getattr(AccountingApi, method)).parameters
        if "summarize_errors" in accepted:
            kwargs.setdefault("summarize_errors", False)
        if "unitdp" in accepted:
            kwargs.setdefault("unitdp", 4)
        if idempotency_key:
            kwargs["idempotency_key"] = idempotency_key
        return self._xero_call_json(
            operation, method, records=records, idempotent=bool(idempotency_key), **kwargs
        )

    def _refresh_organisation_details(self):
        for tenant in self:
            organisations = tenant._accounting_call(
                _("reading the organisation"), "get_organisations"
            ).organisations
            if organisations:
                org = organisations[0]
                tenant.write(
                    {
                        "name": org.name,
                        "short_code": org.short_code,
                        "base_currency": org.base_currency
                        and str(
                            org.base_currency.value
                            if hasattr(org.base_currency, "value")
                            else org.base_currency
                        ),
                        "country_code": org.country_code
                        and str(
                            org.country_code.value if hasattr(org.country_code, "value") else org.country_code
                        ),
                    }
                )
