"""The company's default Xero branding theme (a feature file of ``res.company``): how Xero
brands the documents the company sends, unless a document chooses its own."""

from odoo import _, api, fields, models

from .xero_tenant_guard import check_same_tenant


class ResCompany(models.Model):
    _inherit = "res.company"

    xero_branding_theme_id = fields.Many2one(
        "xero.branding.theme",
        string="Xero branding theme",
        compute="_compute_xero_branding_theme_id",
        store=True,
        readonly=False,
        ondelete="set null",
        domain="[('tenant_id', '=', xero_tenant_id), ('active', '=', True)]",
        help="How Xero brands this company's invoices, credit notes, bills and purchase orders (layout, "
        "logo, terms) when a document chooses no theme of its own; it also applies to documents of other "
        "companies sent to this company's organisation. Empty: Xero's own default.",
    )

    @api.depends("xero_tenant_id")
    def _compute_xero_branding_theme_id(self):
        """Another organisation has other themes: the default is chosen anew."""
        for company in self:
            if company.xero_branding_theme_id.tenant_id != company.xero_tenant_id:
                company.xero_branding_theme_id = False

    @api.constrains("xero_branding_theme_id", "xero_tenant_id")
    def _check_xero_branding_theme_tenant(self):
        for company in self:
            check_same_tenant(
                _("The Xero settings of %(company)s", company=company.name),
                company.xero_tenant_id,
                [(_("branding theme"), company.xero_branding_theme_id)],
            )

    def _xero_branding_themes(self, tenant):
        """{company id: the theme these companies' documents get in ``tenant`` when they choose
        none}: a company's own default in its own organisation; in another organisation (a
        document sent there by a Xero manager), the default of the company that organisation
        belongs to. An empty record lets Xero apply its own default."""
        owners = tenant.company_ids.filtered("xero_branding_theme_id").sorted("id")
        theirs = owners[:1].xero_branding_theme_id
        return {
            company.id: company.xero_branding_theme_id if company.xero_tenant_id == tenant else theirs
            for company in self
        }
