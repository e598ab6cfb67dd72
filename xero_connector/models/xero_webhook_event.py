"""What signed webhook deliveries asked for, and the queue that does it."""

import uuid

from odoo import _, api, fields, models
from odoo.exceptions import AccessError


class XeroWebhookEvent(models.Model):
    """Work a signed webhook delivery asked for: an invoice or contact to look at again.
    The controller only inserts these rows and triggers the cron, so it answers within
    Xero's 5 seconds whatever the queue holds."""

    _name = "xero.webhook.event"
    _description = "Xero webhook event (queued)"
    _order = "id"

    tenant_id = fields.Many2one("xero.tenant", required=True, ondelete="cascade", index=True)
    category = fields.Char(required=True)
    event_type = fields.Char()
    resource_id = fields.Char(required=True)
    event_date = fields.Char()
    state = fields.Selection([("queued", "Queued"), ("done", "Done")], default="queued", index=True)

    # ------------------------------------------------------------------------------------
    # From the controller
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_superuser_only(self):
        """The webhook (``auth="none"``, its environment made superuser by the controller,
        signature checked first) and the queue's cron are the only callers: what they read
        (the webhook keys) and write (the queue, the contact cache) no user may."""
        if not self.env.su:
            raise AccessError(_("Only Xero's webhook and its queue may do this."))

    @api.model
    def _xero_webhook_keys(self):
        """[(key, tenant or None)]: the app's key from Settings (any linked organisation), and
        keys set on single organisations."""
        self._xero_superuser_only()
        keys = []
        app_key = self.env["ir.config_parameter"].get_param("xero_connector.webhook_key")
        if app_key:
            keys.append((app_key, None))
        for tenant in self.env["xero.tenant"].search([("xero_webhook_key", "!=", False)]):
            keys.append((tenant.xero_webhook_key, tenant))
        return keys

    @api.model
    def _xero_queue_webhook(self, body, tenant=None):
        """Queue the invoices and contacts of a verified delivery; returns how many events
        were queued. Events of organisations not linked here (or not the key's own) are
        ignored."""
        self._xero_superuser_only()
        # Only events of Xero's documented shape: an object whose resourceId and tenantId are
        # ids. Another one, once queued, would fail its organisation's queue at every run.
        events = [e for e in body.get("events") or [] if _well_formed(e)]
        domain = [("tenant_id", "in", list({e["tenantId"] for e in events}))]
        tenants = {t.tenant_id: t for t in self.env["xero.tenant"].search(domain)}
        vals = []
        for event in events:
            target = tenants.get(event.get("tenantId"))
            if not target or (tenant and target != tenant):
                continue
            if event.get("eventCategory") not in ("INVOICE", "CONTACT"):
                continue
            vals.append(
                {
                    "tenant_id": target.id,
                    "category": event["eventCategory"],
                    "event_type": event.get("eventType"),
                    "resource_id": event["resourceId"],
                    "event_date": event.get("eventDateUtc"),
                }
            )
        self.create(vals)
        return len(vals)

    # ------------------------------------------------------------------------------------
    # The queue
    # ------------------------------------------------------------------------------------
    @api.model
    def _cron_xero_webhook_queue(self):
        """What signed webhooks asked for: the named invoices' payments and state, the named
        contacts refreshed in the cache. One organisation failing does not stop the others."""
        self._xero_superuser_only()
        queued = self.search([("state", "=", "queued")], order="id")
        for tenant, events in queued.grouped("tenant_id").items():  # a job each, the oldest first
            self.env["xero.job"]._xero_enqueue(
                self,
                "_xero_work_events",
                tenant,
                events,
                key=f"xero-webhooks:{tenant.id}:{events.ids[-1]}",
                lock=f"webhooks:{tenant.id}",
                description=_("Xero webhook events of %s", tenant.name),
                background=True,  # keeps the day's reserve for exports
            )
        return True

    @api.model
    def _xero_work_events(self, tenant, events):
        """Do what ``events`` of ``tenant`` ask for, then mark them done."""
        invoices = {e.resource_id for e in events if e.category == "INVOICE"}
        contacts = sorted({e.resource_id for e in events if e.category == "CONTACT"})
        if invoices and tenant._xero_import_company():  # documents made in Xero, at once
            self.env["account.move"]._xero_import_documents(tenant, invoice_ids=invoices)
        if invoices and any(tenant.company_ids.mapped("xero_payments_from_xero")):
            self.env["xero.payment"]._xero_sync_payments(tenant, invoice_ids=invoices)
        pages = tenant._xero_documents(
            "Contacts", _("reading contacts"), ids=contacts, params={"include_archived": True}
        )
        for docs in pages:
            self.env["xero.contact"]._xero_upsert(tenant, docs)
        events.state = "done"


def _well_formed(event):
    """Whether ``event`` is a webhook event as Xero documents it: an object naming its
    organisation and resource by their ids."""
    if not isinstance(event, dict):
        return False
    for key in ("tenantId", "resourceId"):
        try:
            uuid.UUID(event.get(key) if isinstance(event.get(key), str) else "")
        except ValueError:
            return False
    return True
