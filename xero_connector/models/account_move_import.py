"""Documents made in Xero, brought into Odoo: invoices and bills (``/Invoices``) and credit
notes (``/CreditNotes``) typed in Xero become Odoo documents, per company setting (off, as
drafts, or posted).

Reads: each list 1,000 a page with If-Modified-Since (Xero's clock: the latest UpdatedDateUTC
already seen) and no ``where`` filter, which high-volume organisations accept; so 10,000 new
invoices cost 10 pages and one more to see that nothing follows. A webhook naming an invoice
reads it by id (50 a call) at once.

Links: the Odoo document carries the Xero id and organisation (``xero_id``,
``xero_tenant_id``), so it is never exported back (the export only sends unlinked documents)
and the payment sync treats it as it treats an exported one. Exactly once: the import of one
organisation runs under a transaction-level advisory lock (a second run at the same moment,
the cron and a webhook, returns at once and leaves the work to the next run), and a unique
index on (organisation, Xero id) is the last guard.

Reverse mappings: contact → partner through the partner links (a new partner when there is
none and the company asks for it), item → product, account → Odoo account and tax rate →
Odoo tax through the mapping screens. What has no mapping is listed on the document, naming
what to map; a posted import stays a draft until then."""

import logging

import psycopg2

from odoo import Command, _, api, fields, models

from ..utils import MENU_MAPPINGS, menu_path, parse_xero_datetime, xero_date

_logger = logging.getLogger(__name__)

LOCK_NAMESPACE = 0x58494D50  # "XIMP": advisory locks of the document import, keyed by tenant id
IDS_PER_READ = 50
IMPORT_MODES = [
    ("none", "Off"),
    ("draft", "As drafts"),
    ("posted", "Posted"),
]
# Xero's list → (id key, number key, {Xero Type: Odoo move_type})
IMPORT_LISTS = {
    "Invoices": ("InvoiceID", "InvoiceNumber", {"ACCREC": "out_invoice", "ACCPAY": "in_invoice"}),
    "CreditNotes": (
        "CreditNoteID",
        "CreditNoteNumber",
        {"ACCRECCREDIT": "out_refund", "ACCPAYCREDIT": "in_refund"},
    ),
}
READERS = {"Invoices": "get_invoices", "CreditNotes": "get_credit_notes"}
GONE = ("VOIDED", "DELETED")
APPROVED = ("AUTHORISED", "PAID")


class ResCompany(models.Model):
    _inherit = "res.company"

    xero_import_documents = fields.Selection(
        IMPORT_MODES,
        string="Documents made in Xero",
        default="none",
        required=True,
        help="Invoices, credit notes and bills created in Xero are brought into Odoo: as drafts, or posted "
        "(those approved in Xero and fully mapped; the others stay drafts listing what to map).",
    )
    xero_import_new_partners = fields.Boolean(
        "New partners for Xero contacts",
        default=True,
        help="A document from Xero whose contact is linked to no partner creates the partner; otherwise the "
        "document waits, as a draft, for the contact to be linked.",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    xero_import_documents = fields.Selection(related="company_id.xero_import_documents", readonly=False)
    xero_import_new_partners = fields.Boolean(related="company_id.xero_import_new_partners", readonly=False)


class XeroTenant(models.Model):
    _inherit = "xero.tenant"

    xero_invoices_imported_at = fields.Datetime("Invoices imported up to", readonly=True, copy=False)
    xero_credit_notes_imported_at = fields.Datetime("Credit notes imported up to", readonly=True, copy=False)


class AccountMove(models.Model):
    _inherit = "account.move"

    xero_imported = fields.Boolean(
        "Made in Xero", copy=False, readonly=True, help="Brought into Odoo from a document created in Xero."
    )
    xero_import_issues = fields.Text(
        "To map before posting",
        copy=False,
        readonly=True,
        help="What Odoo could not match in the Xero document: map it, then the next import updates this draft.",
    )

    def init(self):
        super().init()
        # Exactly once: one Odoo document per Xero document and organisation.
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS account_move_xero_tenant_xero_id_unique "
            "ON account_move (xero_tenant_id, xero_id) WHERE xero_id IS NOT NULL"
        )

    # ------------------------------------------------------------------------------------
    # Runs
    # ------------------------------------------------------------------------------------
    @api.model
    def _cron_xero_import_documents(self):
        """Fan out: a job per connected organisation whose company takes documents from Xero
        (``xero.job``), the organisations waiting longest first; one failing does not stop the
        others, and one organisation's import never runs twice at once."""
        tenants = self.env["xero.tenant"].search([("connection_id.state", "=", "connected")], order="id")
        for tenant in tenants.filtered(lambda t: t._xero_import_company()):
            self.env["xero.job"]._xero_enqueue(
                self,
                "_xero_import_documents",
                tenant,
                key=f"xero-import:{tenant.id}",
                lock=f"import:{tenant.id}",
                description=_("Documents made in Xero into Odoo: %s", tenant.name),
                background=True,  # keeps the day's reserve for exports
            )
        return True

    @api.model
    def _xero_import_documents(self, tenant, invoice_ids=None, credit_note_ids=None):
        """Bring what changed in ``tenant``'s Xero into Odoo; ``invoice_ids``: only these
        invoices (a webhook named them), read by id, 50 a call; ``credit_note_ids``: only these
        credit notes, one call each. Returns {"calls", "seen", "created",
        "updated", "cancelled"}, or {"busy": True} when another run holds the organisation."""
        tenant.ensure_one()
        company = tenant._xero_import_company()
        if not company:
            return {"calls": 0, "seen": 0, "created": 0, "updated": 0, "cancelled": 0}
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, tenant.id])
        if not self.env.cr.fetchone()[0]:
            return {"busy": True}
        stats = {"calls": 0, "seen": 0, "created": 0, "updated": 0, "cancelled": 0}
        imported = self.browse()
        if invoice_ids is not None or credit_note_ids is not None:
            # Documents exported from Odoo, and those brought in and posted, are the payment
            # sync's (which reads the same webhook's ids): only the others are read here.
            known = self.with_context(active_test=False).search(
                [("xero_tenant_id", "=", tenant.id), ("xero_id", "in", list(invoice_ids or ()))]
            )
            settled = set(
                known.filtered(lambda m: not (m.xero_imported and m.state == "draft")).mapped("xero_id")
            )
            ids = sorted(set(invoice_ids or ()) - settled)
            for start in range(0, len(ids), IDS_PER_READ):
                body = tenant._xero_call(
                    _("reading invoices made in Xero"),
                    "get_invoices",
                    params={"i_ds": ids[start : start + IDS_PER_READ], "page": 1},
                )
                stats["calls"] += 1
                imported |= self._xero_import_page(
                    tenant, company, "Invoices", body.get("Invoices") or [], stats
                )
            for credit_note_id in sorted(set(credit_note_ids or ())):
                body = tenant._xero_call(
                    _("reading credit notes made in Xero"),
                    "get_credit_note",
                    params={"credit_note_id": credit_note_id},
                )
                stats["calls"] += 1
                docs = body.get("CreditNotes") or []
                imported |= self._xero_import_page(tenant, company, "CreditNotes", docs, stats)
        else:
            for collection, stamp_field in (
                ("Invoices", "xero_invoices_imported_at"),
                ("CreditNotes", "xero_credit_notes_imported_at"),
            ):
                since = tenant[stamp_field]
                newest = self.env["xero.payment"]._xero_read_pages(
                    tenant,
                    _("reading documents made in Xero"),
                    READERS[collection],
                    collection,
                    stats,
                    lambda docs, c=collection: self._xero_import_store(tenant, company, c, docs, stats),
                    since=since,
                )
                if newest:
                    tenant[stamp_field] = max(filter(None, [newest, since]))
            imported = self.browse(sorted(stats.pop("ids", ())))
        self._xero_import_payments(tenant, imported)
        _logger.info("Documents made in Xero, %s: %s", tenant.name, stats)
        return stats

    def _xero_import_store(self, tenant, company, collection, docs, stats):
        moves = self._xero_import_page(tenant, company, collection, docs, stats)
        stats.setdefault("ids", set()).update(moves.ids)
        return max(filter(None, (parse_xero_datetime(d.get("UpdatedDateUTC")) for d in docs)), default=None)

    @api.model
    def _xero_import_payments(self, tenant, moves):
        """Payments Xero already holds on the documents just brought in: linked and turned into
        Odoo payments as for exported documents."""
        posted = moves.filtered(lambda m: m.state == "posted")
        if not posted:
            return
        XeroPayment = self.env["xero.payment"]
        XeroPayment.search(
            [
                ("tenant_id", "=", tenant.id),
                ("move_id", "=", False),
                ("document_xero_id", "in", posted.mapped("xero_id")),
            ]
        )._xero_link_documents()
        posted._xero_apply_payments()

    # ------------------------------------------------------------------------------------
    # One page
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_import_page(self, tenant, company, collection, docs, stats):
        """Create or update the Odoo documents of ``docs`` (one page of ``collection``);
        returns the documents made or changed."""
        id_key, _number_key, types = IMPORT_LISTS[collection]
        docs = [d for d in docs if d.get("Type") in types and d.get(id_key)]
        if not docs:
            return self.browse()
        linked = {
            m.xero_id: m
            for m in self.with_context(active_test=False).search(
                [("xero_tenant_id", "=", tenant.id), ("xero_id", "in", [d[id_key] for d in docs])]
            )
        }
        in_doubt = self._xero_import_in_doubt(tenant)
        resolver = _Resolver(self.env, tenant, company)
        done = self.browse()
        for doc in docs:
            stats["seen"] += 1
            move = linked.get(doc[id_key])
            if move:
                done |= move._xero_import_refresh(doc, collection, resolver, stats)
            elif doc.get("Status") not in GONE and not _sent_by_odoo(doc, collection, in_doubt):
                done |= self._xero_import_create(tenant, company, doc, collection, resolver, stats)
        return done

    @api.model
    def _xero_import_in_doubt(self, tenant):
        """{number or reference: document} of Odoo documents whose export to ``tenant`` is in
        doubt (sent, answer lost): Xero's copy of them is Odoo's own, which the export links
        when it looks them up, so the import leaves it alone."""
        candidates = self.search(
            [("xero_tenant_id", "=", tenant.id), ("xero_id", "=", False), ("state", "=", "posted")]
        )
        doubtful = self.env["xero.sender"]._xero_in_doubt(candidates)
        return {value: move for move in doubtful for value in (move.name, move.ref) if value}

    @api.model
    def _xero_import_create(self, tenant, company, doc, collection, resolver, stats):
        vals, issues = resolver.move_vals(doc, collection)
        vals.update(xero_tenant_id=tenant.id, company_id=company.id)
        try:
            with self.env.cr.savepoint():
                move = self.with_company(company).with_context(xero_importing=True).create(vals)
                move._xero_write_fields(_link_vals(doc, collection, issues))
                move.flush_recordset()
        except psycopg2.errors.UniqueViolation:  # another run linked it a moment ago
            _logger.info("Xero document %s of %s already brought in", doc.get("Type"), tenant.name)
            return self.browse()
        stats["created"] += 1
        move._message_log(body=_("Brought in from Xero, where it was created."))
        move._xero_import_post(company, doc)
        return move

    def _xero_import_refresh(self, doc, collection, resolver, stats):
        """A document already in Odoo: a draft brought in from Xero follows Xero's changes;
        voided in Xero, a draft is cancelled and a posted document flagged."""
        self.ensure_one()
        if not self.xero_imported:  # exported from Odoo: the payment sync follows it
            return self.browse()
        status = doc.get("Status")
        if status in GONE:
            if self.state == "draft":
                self.with_context(xero_importing=True).button_cancel()
                self._xero_write_fields({"xero_status": status})
                self._message_log(body=_("%(status)s in Xero: cancelled here too.", status=status.lower()))
                stats["cancelled"] += 1
            elif self.state == "posted":
                self._xero_update_state(doc)  # flags it with an activity
            return self
        unchanged = self.xero_checked_at == parse_xero_datetime(doc.get("UpdatedDateUTC"))
        if self.state != "draft" or (unchanged and not self.xero_import_issues):
            if self.state == "posted":
                self._xero_update_state(doc)
            return self
        vals, issues = resolver.move_vals(doc, collection)
        vals.pop("move_type", None)
        vals["invoice_line_ids"] = [Command.clear(), *vals["invoice_line_ids"]]
        self.with_context(xero_importing=True).write(vals)
        self._xero_write_fields(_link_vals(doc, collection, issues))
        stats["updated"] += 1
        self._xero_import_post(self.company_id, doc)
        return self

    def _xero_import_post(self, company, doc):
        """Posted mode: a document approved in Xero and fully mapped is posted."""
        if (
            company.xero_import_documents == "posted"
            and doc.get("Status") in APPROVED
            and not self.xero_import_issues
        ):
            self.with_context(xero_importing=True).action_post()

    def _xero_locked(self):
        # The import itself rewrites the drafts it brought in and posts them.
        return self.browse() if self.env.context.get("xero_importing") else super()._xero_locked()

    def action_xero_import_again(self):
        """A draft made in Xero, once what it lacked is mapped: read again and completed."""
        self._check_xero_user(self)
        for tenant, moves in (
            self.filtered(lambda m: m.xero_imported and m.state == "draft").grouped("xero_tenant_id").items()
        ):
            invoices = moves.filtered(lambda m: m.move_type in ("out_invoice", "in_invoice"))
            credit_notes = moves - invoices
            self._xero_import_documents(
                tenant, invoice_ids=invoices.mapped("xero_id"), credit_note_ids=credit_notes.mapped("xero_id")
            )
        return {"type": "ir.actions.client", "tag": "soft_reload"}


class XeroTenantImport(models.Model):
    _inherit = "xero.tenant"

    def _xero_import_company(self):
        """The company of this organisation that takes documents from Xero (the first)."""
        self.ensure_one()
        return self.company_ids.filtered(lambda c: c.xero_import_documents != "none")[:1]


def _link_vals(doc, collection, issues):
    id_key, number_key, _types = IMPORT_LISTS[collection]
    return {
        "xero_id": doc[id_key],
        "xero_imported": True,
        "xero_number": doc.get(number_key),
        "xero_status": doc.get("Status"),
        "xero_total": doc.get("Total") or 0.0,
        "xero_amount_due": doc.get("AmountDue", doc.get("RemainingCredit")) or 0.0,
        "xero_amount_paid": doc.get("AmountPaid") or 0.0,
        "xero_checked_at": parse_xero_datetime(doc.get("UpdatedDateUTC")) or fields.Datetime.now(),
        "xero_import_issues": "\n".join(issues) or False,
    }


def _sent_by_odoo(doc, collection, in_doubt):
    """Whether ``doc`` is what an Odoo export in doubt created (same number or reference)."""
    _id_key, number_key, _types = IMPORT_LISTS[collection]
    return any(doc.get(key) in in_doubt for key in (number_key, "Reference") if doc.get(key))


class _Resolver:
    """Xero's contacts, items, accounts and tax rates → Odoo's, through the mappings in
    reverse; each lookup done once per page."""

    def __init__(self, env, tenant, company):
        self.env, self.tenant, self.company = env, tenant, company
        domain = [("tenant_id", "=", tenant.id)]
        self.items = {m.item_id.code: m for m in env["xero.product.map"].search(domain) if m.item_id.code}
        self.accounts = {}
        for mapping in env["xero.account.map"].search(domain, order="id"):
            if company in mapping.account_id.company_ids:
                self.accounts.setdefault(mapping.xero_account_id.code, mapping.account_id)
        self.taxes = {}
        for mapping in env["xero.tax.map"].search(domain, order="id"):
            if mapping.tax_id.company_id == company:
                self.taxes.setdefault(
                    (mapping.tax_rate_id.tax_type, mapping.tax_id.type_tax_use), mapping.tax_id
                )
        self.currencies = {}

    def partner(self, contact, issues):
        ContactModel = self.env["xero.contact"]
        contact_id = (contact or {}).get("ContactID")
        if not contact_id:
            issues.append(_("The Xero document names no contact."))
            return self.env["res.partner"]
        cached = ContactModel.search([("tenant_id", "=", self.tenant.id), ("xero_id", "=", contact_id)])
        binding = (
            self.env["xero.partner.binding"].search([("contact_id", "=", cached.id)]) if cached else None
        )
        if binding:
            return binding.partner_id
        if not self.company.xero_import_new_partners:
            issues.append(
                _(
                    "Xero contact %(name)s is linked to no Odoo partner: link it on the partner's Xero tab, "
                    "or let Odoo create partners for Xero contacts in Settings.",
                    name=contact.get("Name") or contact_id,
                )
            )
            return self.env["res.partner"]
        if not cached:
            ContactModel._xero_upsert(self.tenant, [contact])
            cached = ContactModel.search([("tenant_id", "=", self.tenant.id), ("xero_id", "=", contact_id)])
        partner = self.env["res.partner"].create(
            {
                "name": cached.name or contact.get("Name"),
                "email": cached.email or False,
                "is_company": True,
                "company_id": False,
            }
        )
        self.env["xero.partner.binding"].create(
            {"partner_id": partner.id, "tenant_id": self.tenant.id, "contact_id": cached.id}
        )
        partner._message_log(
            body=_("Created for the Xero contact %s of a document made in Xero.", cached.name)
        )
        return partner

    def currency(self, code):
        if code not in self.currencies:
            self.currencies[code] = (
                self.env["res.currency"]
                .with_context(active_test=False)
                .search([("name", "=", code)], limit=1)
            )
        return self.currencies[code]

    def move_vals(self, doc, collection):
        """(account.move values, [what to map]) of one Xero document."""
        _id_key, number_key, types = IMPORT_LISTS[collection]
        move_type = types[doc["Type"]]
        use = "sale" if move_type.startswith("out") else "purchase"
        issues = []
        partner = self.partner(doc.get("Contact"), issues)
        inclusive = doc.get("LineAmountTypes") == "Inclusive"
        lines = []
        for number, line in enumerate(doc.get("LineItems") or [], start=1):
            lines.append(Command.create(self.line_vals(number, line, use, inclusive, issues)))
        currency = (
            self.currency(doc.get("CurrencyCode")) if doc.get("CurrencyCode") else self.company.currency_id
        )
        if not currency:
            issues.append(_("Currency %s is not in Odoo: activate it.", doc.get("CurrencyCode")))
        number = doc.get(number_key)
        vals = {
            "move_type": move_type,
            "partner_id": partner.id,
            "invoice_date": xero_date(doc.get("Date")) or False,
            "invoice_date_due": xero_date(doc.get("DueDate")) or False,
            "currency_id": (currency or self.company.currency_id).id,
            "ref": (number if use == "purchase" else doc.get("Reference")) or False,
            "payment_reference": number if use == "sale" else False,
            "invoice_line_ids": lines,
        }
        return vals, issues

    def line_vals(self, number, line, use, inclusive, issues):
        vals = {
            "name": line.get("Description") or line.get("ItemCode") or _("Line %s", number),
            "quantity": line.get("Quantity") or 1.0,
            "price_unit": line.get("UnitAmount") or 0.0,
            "discount": line.get("DiscountRate") or 0.0,
            "tax_ids": [Command.clear()],
        }
        code = line.get("ItemCode")
        if code:
            mapping = self.items.get(code)
            if mapping:
                vals["product_id"] = mapping.product_tmpl_id.product_variant_id.id
            else:
                issues.append(
                    _(
                        "Line %(n)s: Xero item %(code)s has no Odoo product: map it in %(menu)s (Products).",
                        n=number,
                        code=code,
                        menu=menu_path(self.env, MENU_MAPPINGS),
                    )
                )
        account_code = line.get("AccountCode")
        account = self.accounts.get(account_code)
        if account:
            vals["account_id"] = account.id
        elif account_code:
            issues.append(
                _(
                    "Line %(n)s: Xero account %(code)s has no Odoo account: map it in %(menu)s (Accounts).",
                    n=number,
                    code=account_code,
                    menu=menu_path(self.env, MENU_MAPPINGS),
                )
            )
        tax_type = line.get("TaxType")
        tax = self.taxes.get((tax_type, use))
        if tax:
            vals["tax_ids"] = [Command.set(tax.ids)]
        elif tax_type and tax_type != "NONE" and (line.get("TaxAmount") or 0.0):
            issues.append(
                _(
                    "Line %(n)s: Xero tax rate %(type)s has no Odoo tax: map it in %(menu)s (Taxes).",
                    n=number,
                    type=tax_type,
                    menu=menu_path(self.env, MENU_MAPPINGS),
                )
            )
        line_amount = line.get("LineAmount") or 0.0
        if inclusive and line_amount and not (tax and tax.price_include):
            # Xero's unit price includes the tax; Odoo's tax adds it: the price without it
            vals["price_unit"] = (
                vals["price_unit"] * (line_amount - (line.get("TaxAmount") or 0.0)) / line_amount
            )
        return vals
