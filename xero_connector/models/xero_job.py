"""Background work as jobs of OCA's ``queue_job``: the crons only fan out, one job per
organisation (or per batch of documents) on the ``xero`` channel, and every server's job
runner hands the jobs to the HTTP workers. What a job promises, kept here once:

- one organisation's failure, slowness or spent budget is that job's alone;
- a job for one organisation and one kind of work never runs twice at once (the identity key
  keeps a second one from being queued while the first waits; a lock in PostgreSQL keeps two
  from running together should one be queued while the other runs);
- when Xero says to wait (a long ``Retry-After``, the day's budget, the reserve), the job is
  put back with that delay, never slept;
- a serialization failure (two jobs writing the same row) is retried by ``queue_job`` itself.
"""

import time
import zlib

from markupsafe import Markup, escape

from odoo import api, models
from odoo.addons.queue_job.exception import RetryableJobError

from ..errors import XeroRetryLater

CHANNEL = "root.xero"
# Documents named, each with its link, in the message that ends a background run.
LINKS_SHOWN = 30
# The bus notification that tells a user their background work ended, with a button opening
# its result (Odoo's simple_notification has none: static/src/background/ shows this one).
DONE_NOTIFICATION = "xero_connector/done"
# A job that finds its twin running tries again this much later.
BUSY_RETRY_SECONDS = 30


class XeroJob(models.AbstractModel):
    _name = "xero.job"
    _description = "Xero background job"

    @api.model
    def _xero_enqueue(
        self, records, method, *args, key, description, background=False, lock=None, claim=False
    ):
        """Queue ``records.method(*args)`` as a job on the xero channel. ``key``: the identity
        key (no second job with it is queued while one waits); ``lock``: a name, with the
        organisation's id in ``args[0]``/``records``, that two jobs never hold at once;
        ``claim``: documents still queued are taken with ``FOR UPDATE SKIP LOCKED`` when the
        job starts, so that two jobs never export the same document; ``background``: the work
        keeps the day's reserve for exports and users."""
        return self.with_delay(channel=CHANNEL, identity_key=key, description=description)._xero_run(
            records._name,
            records.ids,
            method,
            list(args),
            background=background,
            lock=lock,
            claim=claim,
        )

    @api.model
    def _xero_run(self, model, ids, method, args, background=False, lock=None, claim=False):
        """The job: ``env[model].browse(ids).method(*args)`` with the promises above."""
        records = self.env[model].browse(ids)
        if background:
            records = records.with_context(xero_background=True)
        if lock and not self._xero_try_lock(lock):
            raise RetryableJobError(
                f"{lock} is already running: tried again later", seconds=BUSY_RETRY_SECONDS, ignore_retry=True
            )
        if claim:
            records = self._xero_claim(records)
            if not records:
                return "nothing left to export"
        try:
            result = getattr(records, method)(*args)
        except XeroRetryLater as error:
            wait = max(1, int(error.retry_at.timestamp() - time.time() + 1)) if error.retry_at else 60
            raise RetryableJobError(str(error), seconds=wait, ignore_retry=True) from error
        if claim:  # documents left the export queue: the runs waiting for them move on
            self.env["xero.background.run"]._xero_documents_moved(records)
        return result if isinstance(result, str | int | float | bool | type(None)) else None

    def _xero_try_lock(self, name):
        """A lock held until the job's transaction ends, on this one name."""
        self.env.cr.execute(
            "SELECT pg_try_advisory_xact_lock(%s, %s)",
            [zlib.crc32(b"xero_connector.job") - 2**31, zlib.crc32(name.encode()) - 2**31],
        )
        return self.env.cr.fetchone()[0]

    def _xero_claim(self, documents):
        """The documents still waiting in the export queue, locked for this job; those another
        job holds, or that left the queue meanwhile, are left out."""
        if not documents:
            return documents
        self.env.cr.execute(
            f"""SELECT id FROM "{documents._table}" WHERE id IN %s AND xero_export_state = 'queued'
                ORDER BY id FOR UPDATE SKIP LOCKED""",
            [tuple(documents.ids)],
        )
        return documents.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _xero_tell_user(self, user, title, message, records, kind="info", action=None):
        """Tell ``user`` that background work ended: a notification in their open browser at
        once, whose Open button runs ``action`` (the result's list), and a message in their
        Discuss inbox (kept, unlike the notification) that opens each of ``records``."""
        user._bus_send(
            DONE_NOTIFICATION,
            {
                "title": title,
                "message": message,
                "type": kind,
                "sticky": True,
                "action": action or False,
                "button": self.env._("Open"),
            },
        )
        links = Markup(", ").join(
            Markup('<a href="/odoo/%s/%s">%s</a>') % (record._name, record.id, record.display_name)
            for record in records[:LINKS_SHOWN]
        )
        more = len(records) - LINKS_SHOWN
        if more > 0:
            links += escape(" " + self.env._("and %(count)s more", count=more))
        body = Markup("<p>%s</p><p>%s</p>") % (message, links)
        return self.env["mail.thread"].message_notify(
            partner_ids=user.partner_id.ids, subject=title, body=body
        )
