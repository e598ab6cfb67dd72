"""Odoo's copy of one Xero organisation's lists: contacts, items, tax rates, accounts, tracking
categories and currencies (M-Power's "Xero cache"), one model per list in its own file
(``xero_contact.py``, ``xero_item.py``...). Forms and mappings read these records instead of
asking Xero every time; the refresh is the only writer: each cache model reads its list from
Xero in ``_xero_refresh(tenant, full)``, and ``xero.cache.refresh.request._refresh_cache``
runs them in order (models/xero_cache_request.py).

Each model turns one Xero JSON document (Xero's own PascalCase keys, as the Accounting API
answers) into field values in ``_xero_vals``; the mixin's ``_xero_upsert`` writes a page of them
in bulk. What Xero archived or deleted stays in the cache, archived (``active=False``), so
that links made to it earlier keep pointing somewhere."""

from odoo import Command, api, fields, models
from odoo.tools import float_compare

from ..utils import if_modified_since, parse_xero_datetime


def _plain(value):
    """A field value in comparable form: records as ids, empty as False."""
    if isinstance(value, models.BaseModel):
        return value.id or False
    return value if value not in (None, "") else False


def _text(value):
    """Xero leaves fields out or sends empty strings; the cache stores both as empty."""
    if value is None:
        return False
    value = str(value).strip()
    return value or False


class XeroCacheMixin(models.AbstractModel):
    """What every cached Xero list shares: which organisation, Xero's key, Xero's status, and
    the bulk upsert the refresh uses."""

    _name = "xero.cache.mixin"
    _description = "Xero cache record"
    _order = "name, id"

    # Xero statuses that mean "no longer in use": the record stays, archived.
    _xero_inactive_statuses = ("ARCHIVED", "DELETED")

    tenant_id = fields.Many2one(
        "xero.tenant", string="Organisation", required=True, ondelete="cascade", index=True, readonly=True
    )
    xero_id = fields.Char("Xero id", required=True, readonly=True, help="Xero's identifier (GUID or code).")
    name = fields.Char(readonly=True)
    active = fields.Boolean(
        default=True,
        readonly=True,
        help="Cleared when Xero archived or deleted the record: it stays, archived.",
    )
    xero_status = fields.Char("Xero status", readonly=True)
    xero_updated_at = fields.Datetime("Changed in Xero", readonly=True, help="Xero's UpdatedDateUTC.")
    company_ids = fields.One2many(related="tenant_id.company_ids", string="Companies")

    _sql_constraints = [
        (
            "xero_id_tenant_unique",
            "unique(tenant_id, xero_id)",
            "A Xero record is cached once per organisation.",
        )
    ]

    # ------------------------------------------------------------------------------------
    # Mapping: Xero JSON -> values
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_vals(self, doc):
        """Field values for one Xero document; must include ``xero_id``. One2many values are
        plain lists of dicts (the children's values), compared and replaced as a whole."""
        raise NotImplementedError

    @api.model
    def _xero_common_vals(self, xero_id, doc, status=None):
        status = status if status is not None else doc.get("Status")
        return {
            "xero_id": str(xero_id),
            "xero_status": _text(status),
            "active": (status or "").upper() not in self._xero_inactive_statuses,
            "xero_updated_at": parse_xero_datetime(doc.get("UpdatedDateUTC")),
        }

    # ------------------------------------------------------------------------------------
    # Bulk upsert
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_new_stats(self):
        return {"created": 0, "updated": 0, "archived": 0, "unchanged": 0}

    @api.model
    def _xero_upsert(self, tenant, docs, stats=None, seen=None, extra_vals=None):
        """Create or update the cache records of ``tenant`` for these Xero documents: one
        search, one ``create`` of a list for the new ones, and writes only for records whose
        values differ (Odoo's flush then batches the UPDATEs). ``stats`` counts created,
        updated, archived and unchanged records; ``seen`` collects the Xero ids met (to archive
        what a complete list no longer contains). Returns the latest UpdatedDateUTC met, as a
        naive UTC datetime, or False.

        The cache writer: the cache is read-only for users, so whoever refreshes it (a Xero
        user's refresh, an export that met new contacts, the webhook queue) writes as
        superuser here, and only here."""
        self = self.sudo()  # noqa: PLW0642
        stats = stats if stats is not None else self._xero_new_stats()
        by_id = {}
        for doc in docs:
            vals = self._xero_vals(doc)
            if extra_vals:
                vals.update(extra_vals(doc))
            by_id[vals["xero_id"]] = vals
        if seen is not None:
            seen.update(by_id)
        newest = max(
            (v["xero_updated_at"] for v in by_id.values() if v.get("xero_updated_at")), default=False
        )
        if not by_id:
            return newest
        records = self.with_context(active_test=False).search(
            [("tenant_id", "=", tenant.id), ("xero_id", "in", list(by_id))]
        )
        to_create = []
        existing = {record.xero_id: record for record in records}
        for xero_id, vals in by_id.items():
            record = existing.get(xero_id)
            if not record:
                to_create.append(dict(self._xero_commands(vals, create=True), tenant_id=tenant.id))
                stats["created"] += 1
                continue
            changes = self._xero_changes(record, vals)
            if not changes:
                stats["unchanged"] += 1
                continue
            stats["archived" if changes.get("active") is False else "updated"] += 1
            record.write(self._xero_commands(changes, create=False))
        if to_create:
            self.create(to_create)
        return newest

    @api.model
    def _xero_archive_missing(self, tenant, seen, stats=None, domain=None):
        """A complete list from Xero no longer holds these records: Xero deleted them. They
        stay in the cache, archived (the cache writer, as ``_xero_upsert``)."""
        gone = self.sudo().search(
            [("tenant_id", "=", tenant.id), ("xero_id", "not in", list(seen)), *(domain or [])]
        )
        if gone:
            gone.write({"active": False, "xero_status": "DELETED"})
            if stats is not None:
                stats["archived"] += len(gone)
        return gone

    @api.model
    def _xero_changes(self, record, vals):
        """The subset of ``vals`` that differs from what ``record`` holds (empty when nothing
        changed, so unchanged records cost no write)."""
        changes = {}
        for name, value in vals.items():
            field = self._fields[name]
            current = record[name]
            if field.type == "one2many":
                keys = sorted({key for row in value for key in row})
                current_rows = [{key: _plain(child[key]) for key in keys} for child in current]
                if current_rows != [{key: _plain(row.get(key)) for key in keys} for row in value]:
                    changes[name] = value
            elif self._xero_differs(field, current, value):
                changes[name] = value
        return changes

    def _xero_differs(self, field, current, value):
        if field.type == "many2one":
            return (current.id if isinstance(current, models.BaseModel) else current or False) != (
                value or False
            )
        if field.type == "float":
            digits = field.get_digits(self.env)
            precision = digits[1] if digits else 6
            return float_compare(current or 0.0, value or 0.0, precision_digits=precision) != 0
        if field.type == "boolean":
            return bool(current) != bool(value)
        return (current or False) != (value or False)

    @api.model
    def _xero_commands(self, vals, create):
        """One2many values (lists of dicts) as ORM commands: replace the children wholesale."""
        result = {}
        for name, value in vals.items():
            if self._fields[name].type == "one2many":
                commands = [] if create else [Command.clear()]
                result[name] = commands + [Command.create(child) for child in value]
            else:
                result[name] = value
        return result

    # ------------------------------------------------------------------------------------
    # Refresh: this list, read from Xero (run by xero.cache.refresh.request)
    # ------------------------------------------------------------------------------------
    @api.model
    def _xero_refresh(self, tenant, full):
        """Read this list of ``tenant`` from Xero into the cache; ``full`` ignores
        If-Modified-Since and archives what Xero no longer lists. Returns the stats
        ({"created", "updated", "archived", "unchanged", "calls"})."""
        raise NotImplementedError

    @api.model
    def _xero_refresh_incremental(self, tenant, since_field, method, operation, collection, full, **params):
        """One call for a list that takes If-Modified-Since (items, accounts): only what changed
        after the tenant's ``since_field``."""
        tenant.ensure_one()
        Model = self
        since = False if full else tenant[since_field]
        if since:
            params["if_modified_since"] = if_modified_since(since)
        body = tenant._xero_call(operation, method, params=params)
        stats = dict(Model._xero_new_stats(), calls=1)
        seen = set()
        newest = Model._xero_upsert(tenant, body.get(collection) or [], stats, seen)
        if not since:
            Model._xero_archive_missing(tenant, seen, stats)
        if newest and (not since or newest > since):
            self._xero_stamp(tenant, {since_field: newest})
        return stats

    @api.model
    def _xero_stamp(self, tenant, values):
        """The organisation's cache stamps (when a list was last read), written with the
        cache by the organisation's stamp writer (``xero.tenant._xero_stamp``)."""
        tenant._xero_stamp(values)

    @api.model
    def _xero_refresh_complete(self, tenant, method, operation, collection, **params):
        """One call for a list Xero always answers whole (no If-Modified-Since): what it no
        longer holds was deleted there. Returns (stats, Xero's answer)."""
        tenant.ensure_one()
        Model = self
        body = tenant._xero_call(operation, method, params=params)
        stats = dict(Model._xero_new_stats(), calls=1)
        seen = set()
        Model._xero_upsert(tenant, body.get(collection) or [], stats, seen)
        Model._xero_archive_missing(tenant, seen, stats)
        return stats, body
