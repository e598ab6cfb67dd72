"""Who may create an organisation record and what it may point at (a feature file of
``xero.tenant``), and the one check that a cached or mapped Xero record chosen somewhere
belongs to the organisation of that place (``check_same_tenant``).

An organisation record says which Xero login's tokens reach which Xero organisation: only the
connect flow writes that (``xero.connection._sync_tenants``, for the organisations Xero
granted the login), never a user by hand, or a manager could point a record at another
company's organisation or login and call Xero with tokens that are not theirs."""

from odoo import _, api, models
from odoo.exceptions import AccessError, ValidationError

# What only the connect flow writes: Xero's ids and the login that reaches the organisation.
CONNECT_FLOW_FIELDS = ("tenant_id", "connection_id", "xero_connection_ref", "tenant_type")

# The organisation's defaults that point at its own cache.
DEFAULT_FIELDS = (
    "xero_default_sale_tax_rate_id",
    "xero_default_purchase_tax_rate_id",
    "xero_default_sales_account_id",
    "xero_default_purchase_account_id",
    "xero_payment_account_id",
)


def check_same_tenant(label, tenant, choices):
    """Raise ValidationError unless every record of ``choices`` ([(what, records)]: cache or
    mapping records with a ``tenant_id``) belongs to ``tenant``; ``label`` names the place
    they were chosen (a document, a line, an organisation's default).

    Read as superuser: a record of another company's organisation is hidden from the caller
    by the record rules, and must be refused with this sentence, not with an access error.
    Its name is shown only to whoever may read it."""
    if not tenant:
        return
    env = tenant.env
    org = tenant.sudo()
    for what, records in choices:
        if not records:
            continue
        foreign = records.sudo().filtered(lambda record: record.tenant_id != org)
        if foreign:
            names = ", ".join(
                record.display_name
                if records.browse(record.id).has_access("read")
                else env._("one of another organisation")
                for record in foreign
            )
            raise ValidationError(
                env._(
                    "%(record)s: the %(what)s %(value)s belongs to another Xero organisation than %(org)s: "
                    "pick one of %(org)s.",
                    record=label,
                    what=what,
                    value=names,
                    org=org.name,
                )
            )


class XeroTenant(models.Model):
    _inherit = "xero.tenant"

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                _(
                    "Xero organisations are added by connecting to Xero (Settings > Xero: "
                    "Connect to Xero, or Add another organisation on your login), not by hand."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            locked = [name for name in CONNECT_FLOW_FIELDS if name in vals]
            if locked:
                raise AccessError(
                    _(
                        "%(fields)s of a Xero organisation come from Xero when a login is connected and "
                        "cannot be changed by hand.",
                        fields=", ".join(self._fields[name].string for name in locked),
                    )
                )
        return super().write(vals)

    @api.constrains(*DEFAULT_FIELDS)
    def _check_xero_defaults_tenant(self):
        for tenant in self:
            check_same_tenant(
                _("The defaults of %(org)s", org=tenant.name),
                tenant,
                [(tenant._fields[name].string, tenant[name]) for name in DEFAULT_FIELDS],
            )
