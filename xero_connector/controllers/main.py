import logging

from odoo import _, http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

from .. import const

_logger = logging.getLogger(__name__)


class XeroOAuthController(http.Controller):
    @http.route(const.CALLBACK_PATH, type="http", auth="user", methods=["GET"], readonly=False)
    def xero_oauth_callback(self, state=None, code=None, error=None, **kwargs):
        """Where Xero sends the browser back after consent. The ``state`` must be one this
        user started, fresh and unused; anything else is refused before any token exchange."""
        session = request.env["xero.oauth.session"]._consume(state)
        if not session:
            _logger.warning(
                "Xero OAuth callback refused for user %s: missing, unknown, expired or replayed state",
                request.env.user.login,
            )
            return self._error_page(
                _(
                    "This Xero authorisation link is not valid: it was already used, has expired or was "
                    "not started from this Odoo session. Start again with Connect to Xero in Settings."
                )
            )
        if error == "unauthorized_client" and kwargs.get("error_description"):
            # what Xero answers an app created on or after 2 March 2026 asking for a broad scope
            return self._error_page(
                _(
                    "Xero did not grant access (%(error)s: %(description)s). Nothing was changed. Xero apps "
                    "created on or after 2 March 2026 cannot ask for accounting.transactions: use the "
                    "granular scopes in Settings > Xero > Xero app.",
                    error=error,
                    description=kwargs["error_description"][:200],
                )
            )
        if error or not code:
            return self._error_page(
                _("Xero did not grant access (%s). Nothing was changed.", error or _("no code"))
            )
        try:
            request.env["xero.access"]._xero_check_access("manager")
            with request.env.cr.savepoint():
                request.env["xero.connection"]._complete_authorization(session, code)
        except (UserError, AccessError) as failure:
            return self._error_page(str(failure))
        return request.redirect("/odoo/action-xero_connector.action_xero_tenant")

    def _error_page(self, message):
        return request.render("xero_connector.oauth_error_page", {"message": message}, status=400)
