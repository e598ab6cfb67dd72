"""Invoices, credit notes, vendor bills and refunds → Xero: the hooks of the shared export
engine (``xero.export.engine``: batches of 50, attempt first, Idempotency-Key, per-element
result, recovery by lookup), the write-back of Xero's answer, its checks, "Update in Xero"
and "Clear exported status".

The flow, as data: documents → their payloads (``account_move_builder.py``) → the engine's
batches → each document's result written back here (Xero id, number, status, totals,
fingerprint) and posted in its chatter.
"""

from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, format_date, formatLang

from .. import const
from ..const import XERO_GONE_STATUSES, XERO_MUTABLE_STATUSES, XERO_TYPES
from ..utils import answer, clear_problem, flag_problem, notification, xero_kind, xero_status_word


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "xero.document.mixin"]

    xero_export_state = fields.Selection(
        [
            ("not_exported", "Not exported"),
            ("queued", "Queued"),
            ("exported", "Exported"),
            ("differs", "Differs in Xero"),
            ("error", "Export failed"),
        ],
        string="Xero export",
        default="not_exported",
        copy=False,
        readonly=True,
        index=True,
    )
    xero_error = fields.Text("Xero export problems", copy=False, readonly=True)
    # Monetary: needs the model's currency_id, so not on the mixin.
    xero_total = fields.Monetary("Total in Xero", copy=False, readonly=True)
    xero_amount_paid = fields.Monetary("Paid in Xero", copy=False, readonly=True)
    xero_amount_due = fields.Monetary("Due in Xero", copy=False, readonly=True)
    xero_online_url = fields.Char("Xero payment link", copy=False, readonly=True)
    xero_difference = fields.Char(
        "Difference with Xero",
        copy=False,
        readonly=True,
        help="Set when Xero's total of the linked document is not Odoo's: both figures.",
    )
    xero_export_label = fields.Char(compute="_compute_xero_export_label")
    xero_is_exportable = fields.Boolean(compute="_compute_xero_export_label")

    @api.depends("xero_id", "xero_export_date", "move_type", "state", "xero_export_state")
    def _compute_xero_export_label(self):
        for move in self:
            move.xero_is_exportable = move.move_type in XERO_TYPES and move.state == "posted"
            if not move.xero_id:
                move.xero_export_label = False
            elif move.xero_export_state == "differs":
                move.xero_export_label = _("Differs in Xero")
            else:
                move.xero_export_label = _("Exported %s", format_date(self.env, move.xero_export_date))

    # ------------------------------------------------------------------------------------
    # Exporting: the engine's hooks (xero_export_engine.py)
    # ------------------------------------------------------------------------------------
    def _xero_exportable(self):
        return self.filtered(lambda m: m.move_type in XERO_TYPES and m.state == "posted" and not m.xero_id)

    def _xero_ready(self, tenant, result):
        ctx = self._xero_export_context(tenant)
        ready = {}  # endpoint → [(move, payload)]
        for move in self:
            if move in result["failed"]:
                continue
            payload, problems = move._xero_payload(ctx)
            if problems:
                result["failed"][move] = move._xero_problems_message(problems)
                continue
            ready.setdefault(XERO_TYPES[move.move_type][0], []).append((move, payload))
        return ready

    def _xero_batch_call(self, group):
        return group, group.lower()

    def _xero_batch_operation(self, count):
        return _("exporting %(count)s document(s)", count=count)

    def _xero_answer_mismatch(self, element, payload, taken):
        return self._xero_mismatch(element, payload, taken=taken)

    def _xero_responsible(self):
        return self.invoice_user_id or self.env.user

    def _xero_reader_kind(self):
        return xero_kind(self.move_type)

    def _xero_deep_link_path(self):
        view = "AccountsReceivable" if self.is_sale_document() else "AccountsPayable"
        return f"/{view}/View.aspx?InvoiceID={self.xero_id}"

    def _xero_lookup(self, tenant, group, payloads, result):
        """The documents in doubt looked for by number through the reader, 50 per call
        (``InvoiceNumbers=``; credit notes by a paged ``where`` on their numbers): a call that
        cannot be made fails only the documents it asked for."""
        moves = self.browse([move.id for move in payloads])
        answers = {}
        for same_endpoint in moves.grouped(lambda m: XERO_TYPES[m.move_type][0]).values():
            answers.update(same_endpoint._xero_find_by_number(tenant, payloads=payloads))
        unknown = self.browse([move.id for move, found in answers.items() if found.unknown])
        for move in unknown:
            move._xero_lookup_failed(answers[move].error, result)
        return {move.id: found.element for move, found in answers.items() if found.present}

    def _xero_write_back(self, element, fingerprint=None, payload=None, post=True, group=None):
        """Link this document to Xero's answer. The first time, a note says where it went:
        posted here, or returned (``post=False``) for the caller to log a batch's notes at once."""
        self.ensure_one()
        kind = xero_kind(self.move_type)
        number_key, id_key = kind.number_key, kind.id_key
        first_time = not self.xero_id
        self._xero_record_left_out()
        difference = self._xero_total_difference(element)
        had_difference = bool(self.xero_difference)
        values = {
            "xero_id": element[id_key],
            "xero_number": element.get(number_key),
            "xero_status": element.get("Status"),
            "xero_total": element.get("Total"),
            "xero_amount_paid": element.get("AmountPaid") or 0.0,
            "xero_amount_due": element.get("AmountDue", element.get("RemainingCredit")) or 0.0,
            "xero_export_state": "differs" if difference else "exported",
            "xero_difference": difference or False,
            "xero_error": False,
            "xero_next_try_at": False,
            "xero_checked_at": fields.Datetime.now(),
        }
        if fingerprint:
            values["xero_fingerprint"] = fingerprint
        if first_time:
            values["xero_export_date"] = fields.Datetime.now()
        # The first link's note names the status: no separate tracking message for it.
        self.with_context(mail_notrack=first_time)._xero_write_fields(values)
        note = False
        if first_time:
            note = _(
                "Exported to Xero (%(org)s) as %(number)s, status %(status)s, total %(total)s.",
                org=self.xero_tenant_id.name,
                number=self.xero_number or "-",
                status=self.xero_status,
                total=formatLang(self.env, self.xero_total or 0.0, currency_obj=self.currency_id),
            )
            left_out = self._xero_left_out_note()
            if left_out:
                note = f"{note} {left_out}"
        if difference:
            self._xero_flag_difference(difference)
        elif had_difference:
            self._xero_clear_difference_activities()
        if post:
            if note:
                self._message_log(body=note)
            self._xero_clear_failure_activities()
        return note

    # ------------------------------------------------------------------------------------
    # Checking Xero's answer
    # ------------------------------------------------------------------------------------
    def _xero_mismatch(self, element, payload, check_link=True, taken=None):
        """Why Xero's ``element`` is not this document as sent (``payload``), or False. A
        server (or a proxy, or a lookup) answering with another document must never link it.
        ``check_link``: the element must also have an id no other Odoo document is linked to
        (``taken``: those ids, when the caller read them for a whole batch at once)."""
        self.ensure_one()
        endpoint, xero_type, number_key = XERO_TYPES[self.move_type]
        problems = []
        if element.get("Type") and element.get("Type") != xero_type:
            problems.append(_("type %(got)s instead of %(want)s", got=element.get("Type"), want=xero_type))
        sent_number = (payload or {}).get(number_key)
        number = element.get(number_key)
        if sent_number and (number or "").strip().casefold() != sent_number.strip().casefold():
            problems.append(_("number %(got)s instead of %(want)s", got=number or "-", want=sent_number))
        sent_contact = ((payload or {}).get("Contact") or {}).get("ContactID")
        contact = (element.get("Contact") or {}).get("ContactID")
        if sent_contact and contact != sent_contact:
            problems.append(
                _("another contact (%s)", (element.get("Contact") or {}).get("Name") or contact or "-")
            )
        xero_id = element.get(xero_kind(endpoint).id_key)
        if not check_link:
            pass
        elif not xero_id:
            problems.append(_("no Xero id"))
        elif (
            xero_id in taken
            if taken is not None
            else self.sudo().search_count(
                [
                    ("xero_id", "=", xero_id),
                    ("id", "!=", self.id),
                    ("xero_tenant_id", "=", self.xero_tenant_id.id),
                ],
                limit=1,
            )
        ):
            problems.append(_("a document already linked to another Odoo document"))
        if not problems:
            return False
        return _(
            "Xero answered for %(doc)s with another document (%(problems)s): not linked. The next export "
            "looks %(doc)s up in Xero before sending anything again.",
            doc=self.name,
            problems="; ".join(problems),
        )

    def _xero_total_difference(self, element):
        """ "Odoo 77.00, Xero 42.00" when Xero's total is not Odoo's (less the lines left out
        of Xero), else False."""
        self.ensure_one()
        total = element.get("Total")
        if total is None or element.get("Status") in XERO_GONE_STATUSES:
            return False
        if (
            float_compare(total, self._xero_expected_total(), precision_rounding=self.currency_id.rounding)
            == 0
        ):
            return False
        return _(
            "Odoo %(odoo)s, Xero %(xero)s",
            odoo=self._xero_total_words(),
            xero=formatLang(self.env, total, currency_obj=self.currency_id),
        )

    def _xero_flag_difference(self, difference, reason=None):
        """A visible state and an activity: Xero's copy is not what Odoo has."""
        self.ensure_one()
        message = reason or _(
            "%(doc)s differs in Xero: %(difference)s. Check the document in Xero (Exported button); "
            "update it in Xero while it is a draft there, or correct it with a credit note.",
            doc=self.name,
            difference=difference,
        )
        flag_problem(self, _("Differs in Xero"), message, self._xero_responsible())

    def _xero_clear_difference_activities(self):
        clear_problem(self, _("Differs in Xero"))

    def _xero_write_fields(self, values):
        """Write Xero's side of these documents. Only fields of this module change, never the
        lines: Odoo's invoice-line synchronisation and balance check (the bulk of a write on a
        posted invoice) are skipped, and the documents are not marked as edited by hand."""
        self.sudo().with_context(
            skip_invoice_sync=True, check_move_validity=False, skip_is_manually_modified=True
        ).write(values)

    def _xero_link_recovered(self, tenant, group, element, payload, result):
        self.ensure_one()
        fingerprint = self._xero_fingerprint(payload)
        sent = self.env["xero.export.attempt"]._sent_fingerprints(self)
        unchanged = fingerprint in sent or not any(sent)
        if unchanged:
            self._xero_write_back(element, fingerprint, payload)
            self._message_log(body=_("Found in Xero after an interrupted export, and linked."))
            return
        status = element.get("Status")
        self._xero_write_back(element)
        if status in XERO_MUTABLE_STATUSES:
            try:
                self._xero_update_in_xero(tenant, payload)
            except UserError as error:
                self._xero_flag_difference(
                    self.xero_difference,
                    reason=_(
                        "%(doc)s was found in Xero after an interrupted export, but it changed in Odoo since "
                        "and Xero refused the update: %(error)s",
                        doc=self.name,
                        error=error,
                    ),
                )
                self._xero_write_fields({"xero_export_state": "differs"})
            else:
                self._message_log(
                    body=_(
                        "Found in Xero after an interrupted export; it changed in Odoo since, so Xero's copy "
                        "was updated."
                    )
                )
        else:
            reason = _(
                "%(doc)s was found in Xero after an interrupted export, but it changed in Odoo since and Xero's "
                "copy is %(status)s there, so it cannot be updated (%(difference)s). Correct it in Xero (void "
                "or credit note), then Clear exported status and export again.",
                doc=self.name,
                status=status,
                difference=self.xero_difference or _("same total, other content"),
            )
            self._xero_write_fields({"xero_export_state": "differs", "xero_error": reason})
            self._xero_flag_difference(self.xero_difference, reason=reason)
        if self.xero_export_state == "differs":
            result["differs"] |= self

    def _xero_find_by_number(self, tenant, number=None, payloads=None):
        """{move: XeroAnswer} of these documents (one endpoint) looked for in Xero by their
        number (``number``: another one, for one document) through the reader: *present* with
        their twin (``_xero_pick_twin``), *gone* when Xero has none, *unknown*. With
        ``payloads`` (what is sent now) an answer naming other numbers cannot be trusted."""
        endpoint = XERO_TYPES[self[:1].move_type][0]
        operation = _(
            "looking up %(docs)s", docs=self.name if len(self) == 1 else _("%s documents", len(self))
        )
        return self.env["xero.reader"]._xero_find(
            tenant,
            endpoint,
            self,
            lambda move: number or move._xero_lookup_number(),
            lambda move, listed: move._xero_pick_twin(
                listed, number, payloads[move] if payloads is not None else None
            ),
            operation,
            strict=payloads is not None,
        )

    def _xero_pick_twin(self, listed, number=None, payload=None):
        """This document's twin among ``listed``: same type and number, not voided or deleted.
        With ``payload`` (what is sent now) only a document of the same contact and content
        counts (a bill reference is not unique: another supplier's bill may carry it); a bill
        linked back to this Odoo document (its Url) is preferred."""
        self.ensure_one()
        _endpoint, xero_type, number_key = XERO_TYPES[self.move_type]
        number = number or self._xero_lookup_number()
        candidates = [
            e
            for e in listed
            if e.get("Type", xero_type) == xero_type
            and (e.get(number_key) or "").strip().casefold() == number.strip().casefold()
            and e.get("Status") not in XERO_GONE_STATUSES
        ]
        if payload is not None:
            candidates = [e for e in candidates if not self._xero_mismatch(e, payload)]
        else:
            candidates = [e for e in candidates if e.get(number_key) == number]
        if xero_type == "ACCPAY":
            own = f"/odoo/account.move/{self.id}"
            candidates = [e for e in candidates if (e.get("Url") or "").endswith(own)] or candidates
        return candidates[0] if candidates else None

    # ------------------------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------------------------
    def action_xero_export(self):
        """The Export to Xero button: one document, or the selection in a list."""
        self = self._xero_in_their_companies()  # noqa: PLW0642
        self._check_xero_user(self)
        exportable = self._xero_exportable()
        if not exportable:
            raise UserError(
                _("Nothing to export: only posted invoices, credit notes and bills not yet in Xero.")
            )
        result = exportable._xero_export(raise_on_problems=len(self) == 1)
        return self._xero_export_notification(result)

    @api.model
    def action_xero_export_all(self):
        """Export every posted document of the user's companies not yet in Xero."""
        self._check_xero_user()
        without = self.env.companies.filtered(lambda c: not c.xero_tenant_id)
        if without == self.env.companies:
            raise UserError(
                _(
                    "Nothing was exported: %(companies)s has no Xero organisation. Choose one in Settings > "
                    "Xero.",
                    companies=", ".join(without.mapped("name")),
                )
            )
        moves = self.search(
            [
                ("move_type", "in", list(XERO_TYPES)),
                ("state", "=", "posted"),
                ("xero_id", "=", False),
                ("xero_tenant_id", "!=", False),
                ("company_id", "in", self.env.companies.ids),
            ]
        )
        self._check_xero_user(moves)
        if len(moves) > const.BACKGROUND_EXPORT_ABOVE:
            return moves._xero_export_in_background()
        return moves._xero_export_notification(moves._xero_export())

    def _xero_export_notification(self, result):
        exported, failed, queued = result["exported"], result["failed"], result.get("queued") or {}
        differs = result.get("differs") or self.browse()
        message = _("%(count)s document(s) exported to Xero.", count=len(exported - differs))
        if differs:
            message += " " + _(
                "%(count)s linked but differ in Xero: %(docs)s (see their Xero tab).",
                count=len(differs),
                docs=", ".join(differs.mapped("name")),
            )
        if queued:
            next_try = min(queued.values())
            shown = fields.Datetime.to_string(
                fields.Datetime.context_timestamp(self, next_try).replace(tzinfo=None)
            )
            if next_try - fields.Datetime.now() > timedelta(hours=1):
                message += " " + _(
                    "Xero's daily limit is spent: %(count)s document(s) wait in the queue, next try at %(time)s.",
                    count=len(queued),
                    time=shown,
                )
            else:
                message += " " + _(
                    "Xero asked Odoo to slow down: %(count)s document(s) wait in the queue, next try at %(time)s.",
                    count=len(queued),
                    time=shown,
                )
        if failed:
            message += " " + _(
                "%(count)s not exported: %(docs)s (see their chatter).",
                count=len(failed),
                docs=", ".join(m.name for m in failed),
            )
        kind = "warning" if failed or differs or queued else "success"
        if failed and not exported and not queued:
            kind = "danger"  # nothing went: not a partial success
        return notification(
            _("Xero"),
            message,
            kind,
            sticky=bool(failed or differs or queued),
            next_action={"type": "ir.actions.act_window_close"}
            if len(self) > 1
            else {"type": "ir.actions.client", "tag": "soft_reload"},
        )

    def action_xero_check(self):
        """The Exported button: ask Xero now, show its number, status, totals and payments."""
        self.ensure_one()
        self._check_xero_user(self)
        return self.env["xero.check.wizard"]._open_for(self)

    def action_xero_total_for_number(self):
        """ "Xero total for this number": look the number up in Xero even if never exported."""
        self.ensure_one()
        self._check_xero_user(self)
        return self.env["xero.check.wizard"]._open_for(self, by_number=True)

    def action_xero_update(self):
        """Push this document's current state to Xero while Xero still accepts changes."""
        return self._xero_update()

    def _xero_update(self, xero_differs=False):
        """Update in Xero; with nothing to send (Odoo unchanged since it was sent, and Xero's
        copy not known to differ: ``xero_differs`` when the caller just saw it does), say so
        and call nothing."""
        self.ensure_one()
        self = self._xero_in_their_companies()  # noqa: PLW0642
        self._check_xero_user(self)
        if not self.xero_id:
            raise UserError(_("%s is not in Xero yet: export it first.", self.name))
        tenant = self.xero_tenant_id
        ctx = self._xero_export_context(tenant)
        payload, problems = self._xero_payload(ctx)
        if problems:
            raise UserError("\n".join(problems))
        if (
            not xero_differs
            and self.xero_fingerprint
            and self.xero_export_state != "differs"
            and not self._xero_changed_since_export(ctx)
        ):
            return notification(
                _("Nothing to update"),
                _(
                    "%(doc)s has not changed since it was sent: Xero already has what Odoo would send.",
                    doc=self.name,
                ),
            )
        self._xero_update_in_xero(tenant, payload)
        self._message_log(body=_("Updated in Xero (status %s).", self.xero_status))
        return answer(
            self.env,
            _(
                "%(doc)s updated in Xero (%(status)s).",
                doc=self.name,
                status=xero_status_word(self.env, self.xero_status),
            ),
            "success" if self.xero_export_state != "differs" else "warning",
        )

    def _xero_update_in_xero(self, tenant, payload):
        """POST this document's ``payload`` onto its Xero copy; Xero's answer must be that very
        document, and its total is compared with Odoo's (see ``_xero_write_back``)."""
        self.ensure_one()
        kind = xero_kind(self.move_type)
        id_key = kind.id_key
        payload = {**payload, id_key: self.xero_id}
        fingerprint = self._xero_fingerprint(payload)
        element = self._xero_post_update(tenant, kind.endpoint, payload, fingerprint)
        if element.get(id_key) != self.xero_id or self._xero_mismatch(element, payload, check_link=False):
            raise UserError(
                _(
                    "Xero answered the update of %(doc)s with another document: nothing was changed in Odoo. "
                    "Check the document in Xero (Exported button) and try again.",
                    doc=self.name,
                )
            )
        self._xero_write_back(element, fingerprint, payload)
        return element

    def action_xero_clear_exported(self):
        self.ensure_one()
        self._check_xero_user(self)
        return {
            "type": "ir.actions.act_window",
            "res_model": "xero.clear.exported.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_id": self.id},
            "name": _("Clear exported status"),
        }

    def _xero_clear_exported(self, reason):
        self.ensure_one()
        old = self.xero_number or self.xero_id
        self._xero_write_fields(
            {
                "xero_id": False,
                "xero_number": False,
                "xero_status": False,
                "xero_export_date": False,
                "xero_export_state": "not_exported",
                "xero_difference": False,
                "xero_error": False,
                "xero_fingerprint": False,
                "xero_total": 0.0,
                "xero_amount_paid": 0.0,
                "xero_amount_due": 0.0,
                "xero_online_url": False,
                "xero_left_out": False,
                "xero_left_out_total": 0.0,
                "xero_export_round": self.xero_export_round + 1,
            }
        )
        self.env["xero.export.attempt"]._forget(self)
        self._xero_clear_difference_activities()
        self._message_log(
            body=_("Exported status cleared (was %(old)s in Xero): %(reason)s", old=old, reason=reason)
        )
