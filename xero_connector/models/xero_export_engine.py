"""The export engine every document shares (invoices, credit notes, bills, purchase orders):
exactly once, in batches.

The flow, as data: documents → the model's builders (``_xero_ready``: {group: [(document,
pure payload)]}, every problem of a document collected) → documents an earlier attempt may
have created are looked up in Xero and linked (``_xero_recover``) → batches of ≤ 50 and
≤ MAX_BODY_BYTES (``_xero_batches``) → ``_xero_send_batch`` (one PUT with
summarizeErrors=false through the one sender, ``xero.sender``: checks first, the attempt and
its Idempotency-Key committed in a transaction of their own, then the call) → each
document's result written back
(``_xero_write_back``) or its failure recorded on it (``flag_problem``). What differs per
model is in small hooks the model implements (marked *hook* below)."""

import json
import logging

from odoo import _, api, fields, models
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.exceptions import UserError

from .. import const
from ..const import BATCH_SIZE
from ..documents import _contacts_by_partner, payload_fingerprint
from ..errors import XeroError, XeroRetryLater
from ..utils import clear_problem, deep_link, flag_problem, notification, validation_messages, xero_kind

_logger = logging.getLogger(__name__)
# A background *Export all* looks this often whether its documents are all done.
DONE_CHECK_SECONDS = 60


def _transient(error):
    """An error after which trying again later may well succeed: no answer, a rate limit, a
    server error, a login to refresh. Such documents stay queued for the next run."""
    return isinstance(error, XeroError) and (error.status in (0, 401, 429) or error.status >= 500)


class XeroExportEngine(models.AbstractModel):
    _name = "xero.export.engine"
    _description = "Export of documents to Xero"

    # ------------------------------------------------------------------------------------
    # Hooks each document model implements
    # ------------------------------------------------------------------------------------
    def _xero_exportable(self):
        """*hook* Those of these documents that may go to Xero now."""
        raise NotImplementedError

    def _xero_ready(self, tenant, result):
        """*hook* {group: [(document, payload)]} of the documents to send; documents with
        problems are put in ``result["failed"]`` instead. A group is what one batch call
        takes (an endpoint, or a purchase order's kind)."""
        raise NotImplementedError

    def _xero_batch_call(self, group):
        """*hook* (Xero endpoint, purpose of the Idempotency-Key) of a batch of ``group``."""
        raise NotImplementedError

    def _xero_batch_operation(self, count):
        """*hook* What a batch does, in the user's words (for the log and the errors)."""
        raise NotImplementedError

    def _xero_lookup(self, tenant, group, payloads, result):
        """*hook* {document id: Xero element} of these documents (in doubt: an earlier attempt
        sent them) found in Xero. Those that cannot be asked now go through
        ``_xero_lookup_failed``."""
        raise NotImplementedError

    def _xero_link_recovered(self, tenant, group, element, payload, result):
        """*hook* Link this document to its Xero twin found after an interrupted export."""
        raise NotImplementedError

    def _xero_write_back(self, element, fingerprint=None, payload=None, post=True, group=None):
        """*hook* Link this document to Xero's answer; returns the chatter note of a first link
        (logged here when ``post``)."""
        raise NotImplementedError

    def _xero_answer_mismatch(self, element, payload, taken):
        """*hook* Why Xero's answer is not this document as sent, or False."""
        return False

    def _xero_responsible(self):
        """*hook* Who gets the activity of a failure or a difference."""
        return self.env.user

    def _xero_deep_link_path(self):
        """*hook* The page of this document in Xero."""
        raise NotImplementedError

    def _xero_failure_values(self, message, retry):
        """The fields of a document whose export failed. A queued document stays queued on
        ``retry`` (an outage, a lost answer), so the cron tries again."""
        values = {"xero_error": message}
        if not self.xero_id:
            values["xero_export_state"] = (
                "queued" if retry and self.xero_export_state == "queued" else "error"
            )
        return values

    def _xero_export_done(self, result):
        """*hook* After every organisation's batches, before failures are recorded."""

    def _xero_after_export(self, tenant):
        """*hook* Follow-up steps of the documents just linked in ``tenant``."""

    def _xero_queued_updates(self):
        """*hook* The export queue's documents already in Xero (a change to push) are handled
        here; returns the documents still to export."""
        return self

    # ------------------------------------------------------------------------------------
    # Exporting
    # ------------------------------------------------------------------------------------
    def _xero_export(self, raise_on_problems=False):
        """Export these documents; returns {"exported", "failed": {document: message},
        "queued": {document: next try}, "retry", "differs", "bills"}. Documents with problems
        send nothing; one refused by Xero does not sink its batch."""
        empty = self.browse()
        result = {
            "exported": empty,
            "failed": {},
            "queued": {},
            "retry": empty,
            "differs": empty,
            "bills": empty,
        }
        todo = self._xero_exportable()
        no_tenant = todo.filtered(lambda d: not d.xero_tenant_id)
        for document in no_tenant:
            result["failed"][document] = _(
                "%(doc)s has no Xero organisation: choose one for %(company)s in Settings > Xero.",
                doc=document.name,
                company=document.company_id.name,
            )
        # An organisation archived, or not one of the document's company, takes no export.
        refused = (todo - no_tenant).filtered(lambda d: d._xero_tenant_problem())
        for document in refused:
            result["failed"][document] = document._xero_tenant_problem()
        for tenant, documents in (todo - no_tenant - refused).grouped("xero_tenant_id").items():
            documents._xero_lock_for_export()
            try:
                documents.filtered(lambda d: not d.xero_id)._xero_export_to(tenant, result)
            except XeroRetryLater as wait:  # the day's budget ran out between two steps
                for document in documents.filtered(lambda d: not d.xero_id):
                    if document not in result["failed"]:
                        result["queued"][document] = wait.retry_at
            except UserError as error:
                # One organisation failing (say its login must be reconnected) fails only its
                # documents; what was linked before the failure stays linked.
                _logger.warning("Xero export to %s failed: %s", tenant.name, error)
                for document in documents.filtered(lambda d: not d.xero_id and d not in result["failed"]):
                    result["failed"][document] = str(error)
                    if _transient(error):
                        result["retry"] |= document
        # documents set aside only to wait for Xero's budget are not failures
        result["failed"] = {document: message for document, message in result["failed"].items() if message}
        self._xero_export_done(result)
        if result["queued"]:
            self._xero_queue_until(result["queued"])
        if result["failed"]:
            for document in self.browse([d.id for d in result["failed"]]):
                document._xero_record_failure(result["failed"][document], retry=document in result["retry"])
            if raise_on_problems and len(self) == 1 and self in result["failed"]:
                raise UserError(result["failed"][self])
        return result

    def _xero_lock_for_export(self):
        """Two users (or a user and the cron) exporting the same document at once: the second
        waits here, then finds it exported and skips it."""
        self.env.cr.execute(f'SELECT id FROM "{self._table}" WHERE id IN %s FOR UPDATE', [tuple(self.ids)])
        self.invalidate_recordset(["xero_id"])

    def _xero_export_to(self, tenant, result):
        self._xero_ensure_contacts(tenant, result)
        for group, documents in self._xero_ready(tenant, result).items():
            recovered = self._xero_recover(tenant, group, documents, result)
            result["exported"] |= recovered
            to_send = [
                (d, p)
                for d, p in documents
                if d not in recovered and d not in result["failed"] and d not in result["queued"]
            ]
            for batch in self._xero_batches(to_send, result):
                self._xero_send_batch(tenant, group, batch, result)
        result["exported"].filtered(lambda d: d.xero_tenant_id == tenant)._xero_after_export(tenant)

    def _xero_problems_message(self, problems):
        return _(
            "%(doc)s was not sent to Xero:\n%(problems)s",
            doc=self.name,
            problems="\n".join(f"• {p}" for p in problems),
        )

    def _xero_batches(self, documents, result):
        """Batches of at most 50 documents and at most MAX_BODY_BYTES of JSON: Xero refuses a
        request over 3.5 MB (long descriptions, many lines). A document too large on its own
        is refused here, naming what to do."""
        batch, size = [], 2
        for document, payload in documents:
            # what the SDK sends: the payload in Xero's JSON, plus the separator
            weight = len(json.dumps(payload, default=str).encode()) + 1
            if weight > const.MAX_BODY_BYTES - 64:
                result["failed"][document] = _(
                    "%(doc)s is too large for one request to Xero (%(size)s MB; Xero takes 3.5 MB): "
                    "split it into several documents or shorten its line descriptions.",
                    doc=document.name,
                    size=round(weight / 1_000_000, 1),
                )
                continue
            if batch and (len(batch) >= BATCH_SIZE or size + weight > const.MAX_BODY_BYTES - 64):
                yield batch
                batch, size = [], 2
            batch.append((document, payload))
            size += weight
        if batch:
            yield batch

    def _xero_ensure_contacts(self, tenant, result):
        """Partners with no Xero contact are exported (or linked) on the fly, in batches, when
        the company allows it."""
        partners = self.filtered(
            lambda d: d.company_id.xero_auto_create_contacts
        ).partner_id.commercial_partner_id
        contacts = _contacts_by_partner(self.env, partners, tenant)
        missing = partners.filtered(lambda p: not contacts.get(p.id))
        if not missing:
            return
        # Creating the customer's contact is part of exporting their document: a Xero user
        # may do it even without the right to edit partners in Odoo.
        outcome = missing.sudo()._xero_export_contacts(tenant)
        errors = {p.id: r["message"] for p, r in outcome.items() if r["status"] == "error"}
        retry = {p.id for p, r in outcome.items() if r.get("retry")}
        waits = {p.id: r["retry_at"] for p, r in outcome.items() if r.get("retry_at")}
        for document in self:
            partner_id = document.partner_id.commercial_partner_id.id
            error = errors.get(partner_id)
            if waits.get(partner_id):
                result["queued"][document] = waits[partner_id]
                result["failed"][document] = False  # skipped below, queued by _xero_export
                continue
            if partner_id in retry:
                result["retry"] |= document
            if error:
                result["failed"][document] = _(
                    "%(doc)s was not sent to Xero: its contact could not be created (%(error)s).",
                    doc=document.name,
                    error=error,
                )

    def _xero_send_batch(self, tenant, group, documents, result):
        """One PUT of up to 50 documents with summarizeErrors=false, through the sender: the
        attempt (documents and Idempotency-Key) is committed first, so that a retry after a
        lost answer replays Xero's first result, and after a crash, or a day later when Xero
        has forgotten the key, the documents are looked up in Xero (``_xero_recover``) before
        anything is sent again."""
        records = self.browse([d.id for d, _p in documents])
        payloads = [p for _d, p in documents]
        fingerprints = [payload_fingerprint(p) for p in payloads]
        endpoint, purpose = self._xero_batch_call(group)
        key = tenant._xero_key(
            purpose, sorted(zip(records.ids, records.mapped("xero_export_round"), fingerprints, strict=True))
        )
        operation = records._xero_batch_operation(len(records))
        kind = xero_kind(endpoint)
        try:
            answer = self.env["xero.sender"]._xero_send(
                tenant,
                operation,
                f"create_{kind.body_arg}",
                {endpoint: payloads},
                records,
                key,
                endpoint=endpoint,
                fingerprints=fingerprints,
            )
        except XeroRetryLater as wait:  # nothing sent (the day's budget), or a 429: nothing created
            for document in records:
                result["queued"][document] = wait.retry_at
            return
        except UserError as error:
            for document in records:
                result["failed"][document] = str(error)
                if _transient(error):
                    result["retry"] |= document
            return
        elements = answer.get(endpoint, [])
        ids = [e.get(kind.id_key) for e in elements if e.get(kind.id_key)]
        taken = set(
            self.sudo().search([("xero_tenant_id", "=", tenant.id), ("xero_id", "in", ids)]).mapped("xero_id")
        )
        linked, notes = [], {}
        for document, payload, fingerprint, element in zip(
            records, payloads, fingerprints, elements, strict=False
        ):
            errors = validation_messages(element)
            if element.get("HasErrors") or errors:
                result["failed"][document] = _(
                    "Xero refused %(doc)s: %(errors)s", doc=document.name, errors="; ".join(errors)
                )
                continue
            mismatch = document._xero_answer_mismatch(element, payload, taken)
            if mismatch:
                # Not linked: the attempt stays on record, so the next export looks the
                # document up in Xero (verified the same way) instead of sending it again.
                result["failed"][document] = mismatch
                result["retry"] |= document
                continue
            note = document._xero_write_back(element, fingerprint, payload, post=False, group=group)
            if note:
                notes[document.id] = note
            linked.append(document.id)
        for document in records[len(elements) :]:
            result["failed"][document] = _(
                "Xero's answer did not include %s: it is looked up in Xero at the next export.", document.name
            )
            result["retry"] |= document
        linked = self.browse(linked)
        result["differs"] |= linked.filtered(lambda d: d.xero_export_state == "differs")
        # One insert for the batch's chatter notes, one read for its stale failure activities.
        if notes:
            linked.browse(list(notes))._message_log_batch(notes)
        linked._xero_clear_failure_activities()
        result["exported"] |= linked

    # ------------------------------------------------------------------------------------
    # Recovery after a lost answer or a crash
    # ------------------------------------------------------------------------------------
    def _xero_recover(self, tenant, group, documents, result):
        """Documents an earlier attempt may have created in Xero (a crash, a lost answer whose
        retry never came): found in Xero and linked instead of being sent again. A document
        whose lookup fails is not sent (it may be in Xero); the others go on."""
        recovered = self.browse()
        in_doubt = self.env["xero.sender"]._xero_in_doubt(self.browse([d.id for d, _p in documents]))
        if not in_doubt:
            return recovered
        payloads = {d: p for d, p in documents if d in in_doubt}
        found = in_doubt._xero_lookup(tenant, group, payloads, result)
        for document in in_doubt:
            element = found.get(document.id)
            if element:
                document._xero_link_recovered(tenant, group, element, payloads[document], result)
                recovered |= document
        return recovered

    def _xero_lookup_failed(self, error, result):
        """These documents could not be looked up in Xero: not sent now (they may be there);
        queued until Xero's Retry-After, or failed with the reason, and looked up again."""
        for document in self:
            if isinstance(error, XeroRetryLater):  # a long Retry-After, the day's budget
                result["queued"][document] = error.retry_at
                result["failed"][document] = False  # not sent now, queued by _xero_export
                continue
            result["failed"][document] = _(
                "%(doc)s was not sent again: an earlier export may have reached Xero, and Xero could not "
                "be asked (%(error)s). It is looked up again at the next export.",
                doc=document.name,
                error=error,
            )
            if _transient(error):
                result["retry"] |= document

    # ------------------------------------------------------------------------------------
    # Failures, the queue, updates
    # ------------------------------------------------------------------------------------
    def _xero_record_failure(self, message, retry=False):
        """The failure on the document, in its chatter and as an activity."""
        self.ensure_one()
        self._xero_write_fields(self._xero_failure_values(message, retry))
        flag_problem(self, _("Xero export failed"), message, self._xero_responsible())

    def _xero_clear_failure_activities(self):
        clear_problem(self, _("Xero export failed"))

    def _xero_queue_until(self, queued):
        """Put these documents ({document: retry_at}) back in the queue until Xero takes calls
        again; the export cron is woken then (and skips them until that moment)."""
        for retry_at, docs in self.browse([d.id for d in queued]).grouped(lambda d: queued[d]).items():
            docs._xero_write_fields(
                {"xero_export_state": "queued", "xero_next_try_at": retry_at, "xero_error": False}
            )
        self._xero_wake_queue(at=min(queued.values()))

    def _xero_wake_queue(self, at=None):
        cron = self.env.ref("xero_connector.ir_cron_xero_export_queue", raise_if_not_found=False)
        if cron:
            cron._trigger(at=at)  # ir.cron sudoes its trigger itself

    @api.model
    def _cron_xero_export_queue(self, limit=None):
        """Fan the export queue out (every 5 minutes, and at once when a document is queued):
        one job per batch of an organisation's due documents, the organisation whose documents
        waited longest first (``xero.job``); the jobs run in parallel, within Xero's limits."""
        queued = self.search(
            [
                ("xero_export_state", "=", "queued"),
                "|",
                ("xero_next_try_at", "=", False),
                ("xero_next_try_at", "<=", fields.Datetime.now()),
            ],
            limit=limit,
            order="id",
        )
        queued = queued._xero_queued_updates()
        chunk = BATCH_SIZE * 2
        Job = self.env["xero.job"]
        for tenant, documents in queued.grouped("xero_tenant_id").items():
            for start in range(0, len(documents), chunk):
                batch = documents[start : start + chunk]
                Job._xero_enqueue(
                    batch,
                    "_xero_export",
                    key=f"xero-export:{self._name}:{batch.ids[0]}-{batch.ids[-1]}:{len(batch)}",
                    description=_(
                        "Export to Xero: %(count)s documents of %(org)s from %(first)s",
                        count=len(batch),
                        org=tenant.name,
                        first=batch[0].name,
                    ),
                    claim=True,
                )
        return True

    def _xero_export_in_background(self):
        """Many documents from one press (*Export all*): queued, then exported by jobs in
        parallel rather than within the user's request; a background run shows how many are
        done (each export job moves it, see xero.job._xero_run) and opens on the answer."""
        run = self.env["xero.background.run"]._xero_start(
            "export", _("Export to Xero: %(count)s documents", count=len(self)), len(self), self
        )
        self._xero_write_fields({"xero_export_state": "queued", "xero_next_try_at": False})
        self._cron_xero_export_queue()
        self.env["xero.job"]._xero_enqueue(
            self,
            "_xero_export_all_done",
            run.id,
            key=f"xero-export-done:{self._name}:{self.ids[0]}-{self.ids[-1]}:{len(self)}",
            description=_("Export to Xero: tell the user when %(count)s documents are done", count=len(self)),
        )
        return notification(
            _("Xero"),
            _(
                "%(count)s document(s) are being exported to Xero in the background: the progress shows "
                "here, and you are told when they are done.",
                count=len(self),
            ),
            "info",
            next_action=run._action_open(),
        )

    def _xero_export_all_done(self, run_id):
        """The job that makes sure a background *Export all* ends even if its documents left
        the queue some other way: while one still waits it looks again later."""
        run = self.env["xero.background.run"].browse(run_id)
        run._xero_export_progress()
        if run.state == "running":
            raise RetryableJobError("documents still queued", seconds=DONE_CHECK_SECONDS, ignore_retry=True)
        return run.summary

    def _xero_export_run_done(self, run):
        """End the export ``run`` of these documents: how many went and failed, and the list
        of them (grouped by their export state) behind the notification's Open button."""
        failed = self.filtered(lambda d: not d.xero_id)
        message = _("%(count)s document(s) exported to Xero.", count=len(self - failed))
        if failed:
            message += " " + _("%(count)s not exported (see their chatter).", count=len(failed))
        action = {
            "type": "ir.actions.act_window",
            "name": _("Sent to Xero"),
            "res_model": self._name,
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", self.ids)],
            "context": {"create": False, "group_by": ["xero_export_state"]},
            "target": "current",
        }
        return run._xero_finish(
            _("Xero"), message, "warning" if failed else "success", failed + (self - failed), action
        )

    def _xero_post_update(self, tenant, endpoint, payload, fingerprint):
        """POST ``payload`` (with its Xero id) onto this document's Xero copy; returns Xero's
        element, raises UserError with Xero's refusal."""
        self.ensure_one()
        kind = xero_kind(endpoint)
        answer = self.env["xero.sender"]._xero_send(
            tenant,
            _("updating %(doc)s", doc=self.name),
            kind.update_one,
            {endpoint: [payload]},
            self,
            tenant._xero_key("update", self.xero_id, fingerprint),
            params={kind.id_arg: self.xero_id},
        )
        element = (answer.get(endpoint) or [{}])[0]
        errors = validation_messages(element)
        if errors:
            raise UserError(
                _("Xero refused the update of %(doc)s: %(errors)s", doc=self.name, errors="; ".join(errors))
            )
        return element

    # ------------------------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------------------------
    @api.model
    def _check_xero_user(self, records=None, operation="read"):
        """A Xero user who may read (or change) ``records`` and reach their organisations:
        the one access check, before the export's or write-back's superuser steps."""
        Access = self.env["xero.access"]
        Access._xero_check_access("user", records, operation)
        if records:
            Access._xero_check_access("user", records.xero_tenant_id)

    def action_xero_open(self):
        """Open this document in Xero (Xero's deep link into its organisation)."""
        self.ensure_one()
        self._check_xero_user(self)
        if not (self.xero_id and self.xero_tenant_id.short_code):
            raise UserError(_("%s is not in Xero yet.", self.name))
        return {
            "type": "ir.actions.act_url",
            "target": "new",
            "url": deep_link(self.xero_tenant_id.short_code, self._xero_deep_link_path()),
        }
