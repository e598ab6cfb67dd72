"""M-Power's Variance Report: for a period, does every Odoo invoice, credit note, bill and
refund exist in Xero, and does Xero still say what Odoo sent?

Xero is read once per 1,000 documents of the period (a date-range ``where``, ``page`` and
``pageSize=1000``; ``summaryOnly=true`` on /Invoices, whose totals are all the report needs:
Xero bills the data an app downloads). Documents Odoo exported but Xero no longer lists in the
period (their date changed there) are then asked for by id, 100 per call. Each row is one of:

- not exported: posted in Odoo, not in Xero;
- equal: in Xero with the same total, date, contact and currency, unchanged in Odoo;
- changed in Odoo: what Odoo would send now differs from what it sent (the fingerprint
  stored at export);
- differs in Xero: total, date, contact or currency differ (both values shown);
- voided or deleted in Xero (or not found there at all);
- in Xero only: a document of the period no Odoo document is linked to.
"""

from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, format_date, formatLang

from .. import const
from ..const import PAGE_SIZE, XERO_GONE_STATUSES, XERO_TYPES
from ..documents import _contacts_by_partner
from ..utils import notification, where_text, xero_date, xero_date_literal, xero_kind
from .xero_variance_line import STATES

KINDS = {
    "sales": ("out_invoice", "out_refund"),
    "purchases": ("in_invoice", "in_refund"),
    "all": ("out_invoice", "out_refund", "in_invoice", "in_refund"),
}
# Xero type → Odoo move type
MOVE_TYPE_OF = {xero_type: move_type for move_type, (_e, xero_type, _n) in XERO_TYPES.items()}


def _last_month():
    first_this_month = fields.Date.today().replace(day=1)
    last = first_this_month - timedelta(days=1)
    return last.replace(day=1), last


class XeroVarianceReport(models.TransientModel):
    _name = "xero.variance.report"
    _description = "Xero variance report"

    date_from = fields.Date("From", required=True, default=lambda self: _last_month()[0])
    date_to = fields.Date("To", required=True, default=lambda self: _last_month()[1])
    document_kind = fields.Selection(
        [
            ("sales", "Sales: invoices and credit notes"),
            ("purchases", "Purchases: bills and refunds"),
            ("all", "Sales and purchases"),
        ],
        string="Documents",
        required=True,
        default=lambda self: self._default_document_kind(),
    )
    only_differences = fields.Boolean(
        "Only differences", help="Leave out the documents that are exported and equal in Xero."
    )
    tenant_ids = fields.Many2many(
        "xero.tenant",
        string="Organisations",
        default=lambda self: self._default_tenants(),
        help="The Xero organisations to compare with; all those of your companies by default.",
    )
    line_ids = fields.One2many("xero.variance.line", "report_id", string="Rows", readonly=True)
    call_count = fields.Integer("Xero calls", readonly=True)
    summary = fields.Text(readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_chosen_tenants(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_chosen_tenants(vals)
        return super().write(vals)

    @api.model
    def _check_chosen_tenants(self, vals):
        """The organisations chosen, checked as given: once stored, reading the field would
        silently hide another company's organisation instead of refusing it."""
        ids = set()
        for command in vals.get("tenant_ids") or ():
            if isinstance(command, int):
                ids.add(command)
            elif command[0] == fields.Command.SET:
                ids.update(command[2])
            elif command[0] == fields.Command.LINK:
                ids.add(command[1])
        if ids:
            self.env["xero.access"]._xero_check_access("user", self.env["xero.tenant"].browse(sorted(ids)))

    @api.model
    def _default_document_kind(self):
        move_type = self.env.context.get("default_move_type") or ""
        if move_type.startswith("in_"):
            return "purchases"
        if move_type.startswith("out_"):
            return "sales"
        return "all"

    @api.model
    def _default_tenants(self):
        return self.env["xero.tenant"].search([("company_ids", "in", self.env.companies.ids)])

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for report in self:
            if report.date_from > report.date_to:
                raise UserError(_("The variance report's start date is after its end date."))

    # ------------------------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------------------------
    def action_run(self):
        """Run the report and show its rows."""
        self.ensure_one()
        # The report reads each organisation's documents in Xero: only those of one's companies
        # (the choice was checked when stored, see _check_chosen_tenants).
        chosen = self.tenant_ids
        self.env["xero.access"]._xero_check_access("user", chosen)
        tenants = chosen or self._default_tenants()
        self.env["xero.access"]._xero_check_access("user", tenants)
        if not tenants:
            raise UserError(
                _("None of your companies has a Xero organisation: choose one in Settings > Xero.")
            )
        count = self._document_count(tenants)
        if count > const.VARIANCE_BACKGROUND_ABOVE:
            self.line_ids.unlink()
            self.call_count = 0
            run = self.env["xero.background.run"]._xero_start("variance", self._title(), count)
            self._enqueue_next(tenants, run)
            return notification(
                _("Xero"),
                _(
                    "The period has %(count)s documents: the report runs in the background, its progress shows "
                    "here, and you are told when its rows are ready.",
                    count=count,
                ),
                next_action=run._action_open(),
            )
        self._run(tenants)
        return self._action_open_rows()

    def _enqueue_next(self, tenants, run):
        self.env["xero.job"]._xero_enqueue(
            self,
            "_run_in_background",
            tenants.ids,
            run.id,
            key=f"xero-variance:{self.id}:{tenants.ids[0]}",
            description=_("Xero variance report %(id)s", id=self.id),
        )

    def _run_in_background(self, tenant_ids, run_id):
        """A job of a report of many documents: one organisation's rows (the run's progress
        moves as each job ends), then the next organisation's job; after the last, the user
        told, with the rows to open."""
        tenants = self.env["xero.tenant"].browse(tenant_ids)
        run = self.env["xero.background.run"].browse(run_id)
        self._add_rows(tenants[0])
        run._xero_progress(run.done_count + self._document_count(tenants[0]))
        if tenants[1:]:
            self._enqueue_next(tenants[1:], run)
            return
        self._summarise()
        run._xero_finish(
            _("Xero variance report ready"), self.summary, "success", self, self._action_open_rows()
        )

    def _title(self):
        return _(
            "Xero variance %(start)s – %(end)s",
            start=format_date(self.env, self.date_from),
            end=format_date(self.env, self.date_to),
        )

    def _action_open_rows(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("xero_connector.action_xero_variance_line")
        action["name"] = self._title()
        action["domain"] = [("report_id", "=", self.id)]
        action["help"] = self.summary
        return action

    # ------------------------------------------------------------------------------------
    # The engine
    # ------------------------------------------------------------------------------------
    def _run(self, tenants):
        self.line_ids.unlink()
        self.call_count = 0
        for tenant in tenants:
            self._add_rows(tenant)
        self._summarise()

    def _add_rows(self, tenant):
        """One organisation's rows."""
        rows, calls = self._rows_for(tenant)
        if self.only_differences:
            rows = [r for r in rows if r["state"] != "equal"]
        self.env["xero.variance.line"].create([{**row, "report_id": self.id} for row in rows])
        self.call_count += calls

    def _summarise(self):
        counts = defaultdict(int)
        for line in self.line_ids:
            counts[line.state] += 1
        labels = dict(self.env["xero.variance.line"]._fields["state"]._description_selection(self.env))
        self.summary = ", ".join(
            f"{labels[state]}: {counts[state]}" for state, _l in STATES if counts[state]
        ) or _("No document in this period.")

    def _document_count(self, tenants):
        """How many Odoo documents the report reads for these organisations: what decides
        whether it runs while the user waits."""
        Move = self.env["account.move"]
        return sum(Move.search_count(self._odoo_documents_domain(tenant)) for tenant in tenants)

    def _odoo_documents(self, tenant):
        return self.env["account.move"].search(
            self._odoo_documents_domain(tenant), order="invoice_date, name, id"
        )

    def _odoo_documents_domain(self, tenant):
        types = KINDS[self.document_kind]
        return [
            ("xero_tenant_id", "=", tenant.id),
            ("company_id", "in", self.env.companies.ids),
            ("move_type", "in", types),
            ("invoice_date", ">=", self.date_from),
            ("invoice_date", "<=", self.date_to),
            "|",
            ("state", "=", "posted"),
            ("xero_id", "!=", False),
        ]

    def _rows_for(self, tenant):
        """([row values], Xero calls) for one organisation."""
        types = KINDS[self.document_kind]
        moves = self._odoo_documents(tenant)
        xero_docs, calls = self._read_period(tenant, types)
        by_id = {doc["_id"]: doc for doc in xero_docs}
        # Exported to this organisation with a date outside the period in Odoo, but in it in Xero.
        Move = self.env["account.move"]
        linked_ids = set(moves.mapped("xero_id"))
        outside = Move.search(
            [
                ("xero_tenant_id", "=", tenant.id),
                ("company_id", "in", self.env.companies.ids),
                ("xero_id", "in", [i for i in by_id if i not in linked_ids]),
            ]
        )
        moves |= outside
        missing = [m for m in moves if m.xero_id and m.xero_id not in by_id]
        found, more_calls = self._read_by_ids(tenant, missing)
        calls += more_calls
        by_id.update({doc["_id"]: doc for doc in found})

        exported = moves.filtered("xero_id")
        ctx = exported._xero_export_context(tenant) if exported else None
        contacts = _contacts_by_partner(self.env, moves.partner_id.commercial_partner_id, tenant)
        numbers = {
            (doc["Type"], (doc.get("_number") or "").lower()): doc
            for doc in xero_docs
            if doc.get("_number") and doc.get("Status") not in XERO_GONE_STATUSES
        }
        rows, used = [], set()
        for move in moves:
            if move.xero_id:
                used.add(move.xero_id)
                rows.append(self._row_exported(move, by_id.get(move.xero_id), ctx, contacts))
            elif move.state == "posted":
                twin = numbers.get(
                    (xero_kind(move.move_type).xero_type, (move._xero_number_for_variance() or "").lower())
                )
                if twin and twin["_id"] not in linked_ids:
                    used.add(twin["_id"])
                rows.append(self._row_not_exported(move, twin))
        used |= self._sent_from_orders(tenant, [doc["_id"] for doc in xero_docs if doc["_id"] not in used])
        for doc in xero_docs:
            if doc["_id"] in used or doc.get("Status") == "DELETED":
                continue
            rows.append(self._row_xero_only(tenant, doc))
        return rows, calls

    def _sent_from_orders(self, tenant, xero_ids):
        """Those of these Xero bills that Odoo sent from a purchase order (MRPeasy's "orders as
        bills"): Odoo's, not Xero's only, though no vendor bill is linked to them yet. Only
        their ids are read, whoever runs the report."""
        if not xero_ids:
            return set()
        self.env["purchase.order"].flush_model(["xero_id", "xero_kind", "xero_tenant_id"])
        self.env.cr.execute(
            "SELECT xero_id FROM purchase_order WHERE xero_tenant_id = %s AND xero_kind = 'bill' AND xero_id IN %s",
            [tenant.id, tuple(xero_ids)],
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def _read_period(self, tenant, types):
        """Every Xero document of these types dated in the period: (docs, calls)."""
        period = f"Date>={xero_date_literal(self.date_from)} AND Date<={xero_date_literal(self.date_to)}"
        by_endpoint = defaultdict(list)
        for move_type in types:
            kind = xero_kind(move_type)
            by_endpoint[kind.endpoint].append(kind.xero_type)
        docs, calls = [], 0
        for endpoint, xero_types in by_endpoint.items():
            all_of_endpoint = len(xero_types) == 2
            where = period if all_of_endpoint else f"Type=={where_text(xero_types[0])} AND {period}"
            page = 1
            while True:
                kwargs = {"where": where, "page": page, "page_size": PAGE_SIZE}
                if endpoint == "Invoices":
                    kwargs["summary_only"] = True
                body = tenant._xero_call(
                    _("reading %(what)s for the variance report (page %(page)s)", what=endpoint, page=page),
                    f"get_{xero_kind(endpoint).body_arg}",
                    params=kwargs,
                )
                calls += 1
                batch = body.get(endpoint) or []
                docs += [_normalise(endpoint, doc) for doc in batch]
                page_count = (body.get("pagination") or {}).get("pageCount")
                if len(batch) < PAGE_SIZE or (page_count is not None and page >= page_count):
                    break
                page += 1
        return docs, calls

    def _read_by_ids(self, tenant, moves):
        """Exported documents Xero did not list in the period, asked for through the reader
        (50 a call: invoices with ``IDs=``, credit notes with a paged ``where`` on their ids).
        Only Xero's own answer says one is gone; when Xero cannot be asked, no report."""
        stats = {"calls": 0}
        answers = self.env["xero.reader"]._xero_read(
            self.env["account.move"].browse([move.id for move in moves]),
            operation=_("reading documents dated outside the period"),
            params={"Invoices": {"summary_only": True}},
            stats=stats,
        )
        docs = []
        for move, found in answers.items():
            if found.unknown:
                raise UserError(found.message)
            if found.element:
                docs.append(_normalise(xero_kind(move.move_type).endpoint, found.element))
        return docs, stats["calls"]

    # ------------------------------------------------------------------------------------
    # Rows
    # ------------------------------------------------------------------------------------
    def _row_base(self, move):
        return {
            "move_id": move.id,
            "tenant_id": move.xero_tenant_id.id,
            "company_id": move.company_id.id,
            "name": move.name,
            "move_type": move.move_type,
            "partner_id": move.partner_id.commercial_partner_id.id,
            "odoo_date": move.invoice_date,
            "odoo_total": move.amount_total,
            "odoo_currency": move.currency_id.name,
        }

    def _row_not_exported(self, move, twin):
        row = {**self._row_base(move), "state": "not_exported"}
        if twin:
            row.update(_xero_values(twin))
            row["details"] = _(
                "Xero has a document numbered %(number)s that Odoo is not linked to (typed in Xero?).",
                number=twin.get("_number"),
            )
        return row

    def _row_exported(self, move, doc, ctx, contacts):
        row = {**self._row_base(move), "xero_id": move.xero_id, "xero_number": move.xero_number}
        if doc is None:
            row.update(state="gone", xero_status="DELETED", details=_("Xero no longer has this document."))
            return row
        row.update(_xero_values(doc))
        if doc.get("Status") in XERO_GONE_STATUSES:
            row.update(state="gone", details=_("%(status)s in Xero.", status=doc["Status"]))
            return row
        details = []
        currency = move.currency_id
        if float_compare(
            move._xero_expected_total(), doc.get("Total") or 0.0, precision_rounding=currency.rounding
        ):
            details.append(
                _(
                    "Total: %(odoo)s in Odoo, %(xero)s in Xero",
                    odoo=move._xero_total_words(),
                    xero=formatLang(self.env, doc.get("Total") or 0.0, currency_obj=currency),
                )
            )
        due = move._xero_due_difference(doc.get("Status"), doc.get("AmountDue", doc.get("RemainingCredit")))
        if due:
            details.append(due)
        sent_date = move._xero_variance_sent_date()
        if sent_date and doc.get("_date") and sent_date != doc["_date"]:
            details.append(
                _(
                    "Date: %(odoo)s in Odoo, %(xero)s in Xero",
                    odoo=format_date(self.env, sent_date),
                    xero=format_date(self.env, doc["_date"]),
                )
            )
        contact = contacts.get(move.partner_id.commercial_partner_id.id)
        row["odoo_contact"] = contact.name if contact else move.partner_id.commercial_partner_id.name
        xero_contact = doc.get("Contact") or {}
        if contact and xero_contact.get("ContactID") and contact.xero_id != xero_contact["ContactID"]:
            details.append(
                _(
                    "Contact: %(odoo)s in Odoo, %(xero)s in Xero",
                    odoo=contact.name,
                    xero=xero_contact.get("Name") or xero_contact["ContactID"],
                )
            )
        if doc.get("CurrencyCode") and doc["CurrencyCode"] != currency.name:
            details.append(
                _(
                    "Currency: %(odoo)s in Odoo, %(xero)s in Xero",
                    odoo=currency.name,
                    xero=doc["CurrencyCode"],
                )
            )
        changed = move._xero_changed_since_export(ctx)
        if changed:
            details.append(_("Changed in Odoo since it was sent to Xero."))
        if move.state != "posted":
            details.append(_("No longer posted in Odoo (%(state)s).", state=move.state))
        differs = len(details) - bool(changed) - (move.state != "posted")
        row["state"] = "differs" if differs else ("changed" if details else "equal")
        row["details"] = "\n".join(details) or False
        return row

    def _row_xero_only(self, tenant, doc):
        move_type = MOVE_TYPE_OF.get(doc.get("Type"))
        return {
            **_xero_values(doc),
            "tenant_id": tenant.id,
            "company_id": (tenant.company_ids & self.env.companies)[:1].id or self.env.company.id,
            "name": doc.get("_number") or doc["_id"],
            "move_type": move_type,
            "state": "xero_only",
            "xero_id": doc["_id"],
            "xero_number": doc.get("_number"),
            "details": _("No Odoo document is linked to this Xero document."),
        }


def _normalise(endpoint, doc):
    """Xero's JSON with the id, number and date under the same keys for both endpoints."""
    kind = xero_kind(endpoint)
    doc["_id"] = doc.get(kind.id_key)
    doc["_number"] = doc.get(kind.number_key)
    doc["_date"] = xero_date(doc.get("Date") or doc.get("DateString"))
    doc["_endpoint"] = endpoint
    return doc


def _xero_values(doc):
    contact = doc.get("Contact") or {}
    return {
        "xero_id": doc["_id"],
        "xero_number": doc.get("_number"),
        "xero_status": doc.get("Status"),
        "xero_date": doc.get("_date"),
        "xero_total": doc.get("Total") or 0.0,
        "xero_currency": doc.get("CurrencyCode"),
        "xero_contact": contact.get("Name"),
    }
