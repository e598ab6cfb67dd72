"""Partners ↔ Xero contacts: the partner's links (one ``xero.partner.binding`` per organisation),
the public mapping API and the partner form's buttons.

Public API for other parts of the connector (invoice export builds on it):

- ``partner._xero_contact(tenant)``: the ``xero.contact`` mapped to the partner's commercial
  entity in that organisation, or an empty recordset;
- ``partner._xero_map_contact(tenant, contact)``: remember (or, with an empty contact, forget)
  that link;
- ``partners._xero_export_contacts(tenant)``: link or create in Xero, returns one result per
  partner (res_partner_export.py);
- ``Partner._xero_import_contacts(tenant)``: Xero contacts → partners (res_partner_import.py).

Seeds: M-Power maps each company to one Xero contact ("Not Selected" until then, "Export
Company to Xero"); Momentus Elite matches by name and email, else creates; Connec! sends up to
five persons and the addresses; MRPeasy imports new customers and vendors only."""

from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..utils import notification
from .xero_tenant_guard import check_same_tenant


def _norm(text):
    return (text or "").strip().lower()


def _norm_vat(text):
    return "".join(ch for ch in (text or "") if ch.isalnum()).upper()


class ResPartner(models.Model):
    _inherit = "res.partner"

    xero_binding_ids = fields.One2many(
        "xero.partner.binding",
        "partner_id",
        string="Xero contacts",
        help="This partner's contact in each Xero organisation.",
    )

    # ------------------------------------------------------------------------------------
    # Public API: mapping
    # ------------------------------------------------------------------------------------
    def _xero_contact(self, tenant):
        """The Xero contact mapped to this partner's commercial entity in ``tenant`` (empty
        when none), as the caller may read it: Xero users of the organisation, or its crons."""
        if not self or not tenant:
            return self.env["xero.contact"]
        self.ensure_one()
        binding = self.env["xero.partner.binding"].search(
            [("partner_id", "=", self.commercial_partner_id.id), ("tenant_id", "=", tenant.id)], limit=1
        )
        return binding.contact_id

    def _xero_map_contact(self, tenant, contact):
        """Map this partner's commercial entity to ``contact`` in ``tenant`` (an empty
        ``contact`` forgets the link). A contact maps to one partner only."""
        self.ensure_one()
        self.env["xero.access"]._xero_check_access("user")
        partner = self.commercial_partner_id
        if contact:
            contact.ensure_one()
            check_same_tenant(partner.display_name, tenant, [(_("Xero contact"), contact)])
            # The contact is of ``tenant``, which the caller reaches: its links are theirs to read.
            other = self.env["xero.partner.binding"].search(
                [("contact_id", "=", contact.id), ("partner_id", "!=", partner.id)], limit=1
            )
            if other:
                raise UserError(
                    _(
                        "The Xero contact %(contact)s of %(org)s is already mapped to %(partner)s. "
                        "Unmap it there first, or pick another contact.",
                        contact=contact.name,
                        org=tenant.name,
                        partner=other.partner_id.display_name,
                    )
                )
        binding = partner._xero_bindings(tenant)[partner.id]
        if binding.contact_id == contact:
            return binding
        binding.write({"contact_id": contact.id, "last_error": False})
        if contact:
            body = _(
                "Mapped to the Xero contact %(contact)s in %(org)s.",
                contact=contact.name,
                org=tenant.name,
            )
        else:
            body = _("No longer mapped to a Xero contact in %(org)s.", org=tenant.name)
        partner.message_post(body=body)
        return binding

    def _xero_bindings(self, tenant):
        """{commercial partner id: binding} in ``tenant``, creating the missing ones."""
        partners = self.commercial_partner_id
        Binding = self.env["xero.partner.binding"]
        bindings = Binding.search([("tenant_id", "=", tenant.id), ("partner_id", "in", partners.ids)])
        result = {binding.partner_id.id: binding for binding in bindings}
        missing = [partner.id for partner in partners if partner.id not in result]
        if missing:
            for binding in Binding.create([{"partner_id": pid, "tenant_id": tenant.id} for pid in missing]):
                result[binding.partner_id.id] = binding
        return result

    def _xero_tenant_groups(self):
        """{tenant: commercial partners}: the organisation in the context (a document's), else
        the partner's company's, else the current company's."""
        Tenant = self.env["xero.tenant"]
        tenant_id = self.env.context.get("xero_tenant_id")
        if tenant_id:
            return {Tenant.browse(tenant_id): self.commercial_partner_id}
        groups = defaultdict(lambda: self.browse())
        for partner in self.commercial_partner_id:
            company = partner.company_id or self.env.company
            if not company.xero_tenant_id:
                raise UserError(
                    _(
                        "The company %(company)s has no Xero organisation: choose one in Settings > Xero.",
                        company=company.name,
                    )
                )
            groups[company.xero_tenant_id] |= partner
        return groups

    # ------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------
    def action_xero_export_contact(self):
        """Partner form, list (bulk) and document forms: link or create each partner's Xero
        contact in its organisation. One partner: an error is shown as such; several: one
        summary notification (each partner's outcome is in its chatter)."""
        return self._xero_run(lambda partners, tenant: partners._xero_export_contacts(tenant))

    def action_xero_update_contact(self):
        return self._xero_run(lambda partners, tenant: partners._xero_update_contacts(tenant))

    def _xero_checked_tenant_groups(self):
        """``_xero_tenant_groups``, once the user is checked as a Xero user of these partners
        and of each organisation (the entry point of every partner button)."""
        Access = self.env["xero.access"]
        Access._xero_check_access("user", self)
        groups = self._xero_tenant_groups()
        for tenant in groups:
            Access._xero_check_access("user", tenant)
        return groups

    def _xero_run(self, operation):
        results = {}
        for tenant, partners in self._xero_checked_tenant_groups().items():
            results.update(operation(partners, tenant))
        if len(results) == 1:
            result = next(iter(results.values()))
            if result["status"] == "error":
                raise UserError(result["message"])
        return self._xero_notification(results)

    @api.model
    def _xero_notification(self, results):
        counts = defaultdict(int)
        for result in results.values():
            counts[result["status"]] += 1
        errors = [result["message"] for result in results.values() if result["status"] == "error"]
        message = _(
            "%(created)s created, %(linked)s linked to an existing contact, %(updated)s updated, "
            "%(skipped)s already mapped, %(errors)s failed.",
            created=counts["created"],
            linked=counts["linked"],
            updated=counts["updated"],
            skipped=counts["skipped"],
            errors=counts["error"],
        )
        if errors:
            message += "\n" + "\n".join(errors[:10])
            if len(errors) > 10:
                message += "\n" + _(
                    "… and %(count)s more: see each partner's chatter.", count=len(errors) - 10
                )
        return notification(
            _("Xero contacts"),
            message,
            "warning" if errors else "success",
            sticky=bool(errors),
            next_action={"type": "ir.actions.client", "tag": "soft_reload"},
        )
