from datetime import timedelta

from odoo import api, fields, models

from .. import const


class XeroOAuthSession(models.TransientModel):
    """One authorisation round in flight: the ``state`` sent to Xero and the PKCE verifier
    that must come back with it. Used once; transient records are vacuumed by Odoo."""

    _name = "xero.oauth.session"
    _description = "Xero authorisation round"

    state = fields.Char(required=True, index=True)
    code_verifier = fields.Char(required=True)
    user_id = fields.Many2one("res.users", required=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    connection_id = fields.Many2one("xero.connection", ondelete="cascade")
    used = fields.Boolean(default=False)

    _sql_constraints = [("state_unique", "unique(state)", "An authorisation state is used once.")]

    @api.model
    def _consume(self, state):
        """The round this ``state`` belongs to, if it is the current user's, fresh and unused;
        it is marked used at once so that a replayed callback finds nothing."""
        if not state:
            return self.browse()
        oldest = fields.Datetime.now() - timedelta(seconds=const.OAUTH_STATE_LIFETIME_SECONDS)
        session = self.sudo().search(
            [
                ("state", "=", state),
                ("user_id", "=", self.env.uid),
                ("used", "=", False),
                ("create_date", ">=", oldest),
            ],
            limit=1,
        )
        if session:
            self.env.cr.execute(
                "UPDATE xero_oauth_session SET used = true WHERE id = %s AND used IS NOT TRUE RETURNING id",
                [session.id],
            )
            if not self.env.cr.fetchone():
                return self.browse()
            session.invalidate_recordset(["used"])
        return session
