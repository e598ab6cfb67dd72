"""OAuth 2.0 against the sandbox's identity service, the way the connector will do it:
requests-oauthlib's OAuth2Session with state and PKCE, a browser-like consent page, then code
exchange, refresh rotation, expiry, revocation and /connections."""

import base64
import json
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from requests_oauthlib import OAuth2Session

from xero_sandbox.client import (
    DEFAULT_SCOPE,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    pkce_pair,
)
from xero_sandbox.client import (
    DEMO_REDIRECT_URI as REDIRECT_URI,
)

MINUTE = 60
DAY = 24 * 3600


class _Form(HTMLParser):
    """Collects the consent form's fields as a browser would submit them."""

    def __init__(self):
        super().__init__()
        self.fields, self.tenants, self.buttons, self.labels = [], [], {}, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("type") == "hidden":
            self.fields.append((a["name"], a["value"]))
        elif tag == "input" and a.get("type") in ("checkbox", "radio"):
            self.tenants.append((a["value"], "checked" in a))
        elif tag == "button":
            self.buttons[a.get("id")] = (a.get("name"), a.get("value"))

    def handle_data(self, data):
        if data.strip():
            self.labels.append(data.strip())


def consent(http, authorization_url, keep=None, button="allow_access"):
    """Open the consent page, optionally untick organisations, press a button; return the
    redirect location."""
    page = http.get(authorization_url, timeout=10)
    assert page.status_code == 200, page.text
    form = _Form()
    form.feed(page.text)
    assert "allow_access" in form.buttons
    data = list(form.fields)
    data += [("tenant", t) for t, checked in form.tenants if checked and (keep is None or t in keep)]
    data.append(form.buttons[button])
    answer = http.post(authorization_url.split("?")[0], data=data, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def oauth_session(server, state=None):
    return OAuth2Session(
        DEMO_CLIENT_ID, redirect_uri=REDIRECT_URI, scope=DEFAULT_SCOPE.split(), state=state, pkce="S256"
    )


def token_url(server):
    return server.url + "/connect/token"


def fetch_token(server, session, location):
    return session.fetch_token(
        token_url(server),
        authorization_response=location,
        client_secret=DEMO_CLIENT_SECRET,
        include_client_id=True,
    )


def post_token(server, **data):
    return requests.post(token_url(server), data=data, timeout=10, auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET))


def jwt_claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def get_connections(server, access_token):
    return requests.get(
        server.url + "/connections", timeout=10, headers={"Authorization": f"Bearer {access_token}"}
    )


def org_call(server, access_token, tenant):
    return requests.get(
        server.url + "/api.xro/2.0/Organisation",
        timeout=10,
        headers={"Authorization": f"Bearer {access_token}", "Xero-Tenant-Id": tenant},
    )


# ---------------------------------------------------------------------------------- the dance
def test_full_dance_with_oauth2session(server, sb, orgs):
    sb.update_app(DEMO_CLIENT_ID, tier="advanced")  # bulk connections: every organisation at once
    session = oauth_session(server)
    url, state = session.authorization_url(server.url + "/identity/connect/authorize", prompt="consent")
    assert "code_challenge=" in url and "code_challenge_method=S256" in url
    location = consent(requests.Session(), url)
    assert parse_qs(urlsplit(location).query)["state"] == [state]
    assert location.startswith(REDIRECT_URI + "?")

    token = fetch_token(server, session, location)
    assert token["token_type"] == "Bearer" and token["expires_in"] == 1800
    assert set(token["scope"]) == set(DEFAULT_SCOPE.split())
    assert token["refresh_token"] and token["id_token"].count(".") == 2
    claims = jwt_claims(token["id_token"])
    assert claims["aud"] == DEMO_CLIENT_ID and claims["email"]

    connections = get_connections(server, token["access_token"]).json()
    assert {c["tenantId"] for c in connections} == {o["tenantId"] for o in orgs}
    assert {c["tenantName"] for c in connections} == {o["name"] for o in orgs}
    assert all(c["tenantType"] == "ORGANISATION" and c["authEventId"] for c in connections)
    assert org_call(server, token["access_token"], orgs[0]["tenantId"]).status_code == 200


def test_consent_page_lists_organisations_ticked(server, sb, orgs):
    sb.update_app(DEMO_CLIENT_ID, tier="advanced")
    url, _ = oauth_session(server).authorization_url(server.url + "/identity/connect/authorize")
    page = requests.get(url, timeout=10)
    form = _Form()
    form.feed(page.text)
    assert [t for t, _ in form.tenants] == [o["tenantId"] for o in orgs]
    assert all(checked for _, checked in form.tenants)
    assert all(o["name"] in form.labels for o in orgs)


def test_only_the_ticked_organisation_is_granted(server, sb, orgs):
    sb.update_app(DEMO_CLIENT_ID, tier="advanced")
    session = oauth_session(server)
    url, _ = session.authorization_url(server.url + "/identity/connect/authorize")
    token = fetch_token(server, session, consent(requests.Session(), url, keep=[orgs[1]["tenantId"]]))
    connections = get_connections(server, token["access_token"]).json()
    assert [c["tenantId"] for c in connections] == [orgs[1]["tenantId"]]
    assert org_call(server, token["access_token"], orgs[0]["tenantId"]).status_code == 403
    assert org_call(server, token["access_token"], orgs[1]["tenantId"]).status_code == 200


def test_cancel_redirects_with_access_denied(server, sb):
    session = oauth_session(server)
    url, state = session.authorization_url(server.url + "/identity/connect/authorize")
    location = consent(requests.Session(), url, button="cancel")
    assert parse_qs(urlsplit(location).query) == {"error": ["access_denied"], "state": [state]}


def test_unknown_client_gets_an_error_page(server, sb):
    page = requests.get(
        server.url + "/identity/connect/authorize",
        timeout=10,
        params={
            "response_type": "code",
            "client_id": "nobody",
            "redirect_uri": REDIRECT_URI,
            "scope": "openid",
            "state": "x",
        },
    )
    assert page.status_code == 400 and "unauthorized_client" in page.text


def test_unregistered_redirect_uri_gets_an_error_page(server, sb):
    sb.register_app("strict-app", "s3cret", ["https://odoo.example.com/xero/callback"])
    for client_id, uri in (
        ("strict-app", "https://odoo.example.com/other"),
        ("strict-app", "http://localhost:8069/xero/callback"),
        (DEMO_CLIENT_ID, "https://evil.example.com/cb"),
    ):
        page = requests.get(
            server.url + "/identity/connect/authorize",
            timeout=10,
            params={"response_type": "code", "client_id": client_id, "redirect_uri": uri, "scope": "openid"},
        )
        assert page.status_code == 400 and "redirect_uri" in page.text, (client_id, uri)


def test_registered_app_exact_redirect_and_its_secret(server, sb):
    uri = "https://odoo.example.com/xero/callback"
    sb.register_app("strict-app", "s3cret", [uri])
    verifier, challenge = pkce_pair()
    location = sb.authorize(uri, client_id="strict-app", code_challenge=challenge, state="s")
    code = parse_qs(urlsplit(location).query)["code"][0]
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": uri, "code_verifier": verifier}
    wrong = requests.post(token_url(server), data=data, auth=("strict-app", "nope"), timeout=10)
    assert wrong.status_code in (400, 401) and wrong.json()["error"] == "invalid_client"
    # client credentials in the body work as well as HTTP Basic
    ok = requests.post(
        token_url(server), timeout=10, data={**data, "client_id": "strict-app", "client_secret": "s3cret"}
    )
    assert ok.status_code == 200, ok.text


def test_state_is_echoed_verbatim(sb):
    location = sb.authorize(REDIRECT_URI, state="a b&c=d/é")
    assert parse_qs(urlsplit(location).query)["state"] == ["a b&c=d/é"]


# ------------------------------------------------------------------------------ code exchange
def _code(sb, challenge=None, redirect_uri=REDIRECT_URI):
    location = sb.authorize(redirect_uri, state="s", code_challenge=challenge)
    return parse_qs(urlsplit(location).query)["code"][0]


def _exchange(server, code, verifier=None, redirect_uri=REDIRECT_URI):
    """The demo app exchanges ``code`` (with no code_verifier when ``verifier`` is None)."""
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    if verifier is not None:
        data["code_verifier"] = verifier
    return post_token(server, **data)


def test_wrong_pkce_verifier_is_invalid_grant(server, sb):
    verifier, challenge = pkce_pair()
    answer = _exchange(server, _code(sb, challenge), verifier + "x")
    assert answer.status_code == 400 and answer.json() == {"error": "invalid_grant"}
    missing = _exchange(server, _code(sb, challenge))
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_grant"


def test_code_is_single_use(server, sb):
    verifier, challenge = pkce_pair()
    code = _code(sb, challenge)
    assert _exchange(server, code, verifier).status_code == 200
    again = _exchange(server, code, verifier)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_code_lives_five_minutes(server, sb):
    verifier, challenge = pkce_pair()
    code = _code(sb, challenge)
    sb.advance(5 * MINUTE + 1)
    answer = _exchange(server, code, verifier)
    assert answer.json()["error"] == "invalid_grant"


def test_redirect_uri_must_match_the_authorisation(server, sb):
    verifier, challenge = pkce_pair()
    answer = _exchange(server, _code(sb, challenge), verifier, redirect_uri="http://localhost:9999/other")
    assert answer.json()["error"] == "invalid_grant"


def test_unsupported_grant_type(server, sb):
    answer = post_token(server, grant_type="password", username="a", password="b")
    assert answer.status_code == 400 and answer.json()["error"] == "unsupported_grant_type"


def test_no_refresh_token_without_offline_access(sb):
    token = sb.connect(scope="openid accounting.invoices")
    assert "refresh_token" not in token and token["access_token"]


# ----------------------------------------------------------------------- refresh and expiry
def refresh(server, refresh_token):
    return post_token(server, grant_type="refresh_token", refresh_token=refresh_token)


def test_refresh_rotates_and_keeps_a_30_minute_grace(server, sb, tokens):
    first = tokens["refresh_token"]
    answer = refresh(server, first)
    assert answer.status_code == 200, answer.text
    second = answer.json()
    assert second["refresh_token"] != first and second["access_token"] != tokens["access_token"]
    sb.advance(29 * MINUTE)
    assert refresh(server, first).status_code == 200  # still inside the grace
    sb.advance(2 * MINUTE)  # 31 minutes after the rotation
    late = refresh(server, first)
    assert late.status_code == 400 and late.json()["error"] == "invalid_grant"
    assert refresh(server, second["refresh_token"]).status_code == 200


def test_refresh_via_oauth2session(server, sb, tokens):
    session = OAuth2Session(DEMO_CLIENT_ID, token=tokens)
    new = session.refresh_token(token_url(server), auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET))
    assert new["refresh_token"] != tokens["refresh_token"]


def test_refresh_token_unused_for_60_days_is_dead(server, sb, tokens):
    sb.advance(60 * DAY + 1)
    answer = refresh(server, tokens["refresh_token"])
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


def test_refresh_token_59_days_old_still_works(server, sb, tokens):
    sb.advance(59 * DAY)
    assert refresh(server, tokens["refresh_token"]).status_code == 200


def test_age_refresh_tokens_control(server, sb, tokens):
    sb.age_refresh_tokens()
    assert refresh(server, tokens["refresh_token"]).json()["error"] == "invalid_grant"


def test_refresh_with_wrong_client_secret(server, sb, tokens):
    answer = requests.post(
        token_url(server),
        timeout=10,
        auth=(DEMO_CLIENT_ID, "wrong"),
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
    )
    assert answer.json()["error"] == "invalid_client"


def test_access_token_expires_after_30_minutes(server, sb, tokens, orgs):
    tenant = orgs[0]["tenantId"]
    sb.advance(29 * MINUTE)
    assert org_call(server, tokens["access_token"], tenant).status_code == 200
    sb.advance(MINUTE + 1)
    answer = org_call(server, tokens["access_token"], tenant)
    assert answer.status_code == 401
    body = answer.json()
    assert body["Title"] == "Unauthorized" and body["Status"] == 401
    assert body["Detail"].startswith("TokenExpired: token expired at ")
    fresh = refresh(server, tokens["refresh_token"]).json()
    assert org_call(server, fresh["access_token"], tenant).status_code == 200


def test_expire_tokens_control(server, sb, tokens, orgs):
    assert sb.expire_tokens() >= 1
    assert org_call(server, tokens["access_token"], orgs[0]["tenantId"]).status_code == 401


def test_unknown_or_missing_token_is_authentication_unsuccessful(server, sb, orgs):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic eDp5"}):
        answer = requests.get(
            server.url + "/api.xro/2.0/Organisation",
            timeout=10,
            headers={**headers, "Xero-Tenant-Id": orgs[0]["tenantId"]},
        )
        assert answer.status_code == 401
        body = answer.json()
        assert (body["Type"], body["Title"], body["Status"], body["Detail"]) == (
            None,
            "Unauthorized",
            401,
            "AuthenticationUnsuccessful",
        )


def test_missing_or_foreign_tenant_is_forbidden(server, sb, tokens):
    other = sb.create_org("Not Granted Ltd", "!ngr01")  # created after the consent
    for tenant in (None, other["tenantId"], "00000000-0000-0000-0000-000000000000"):
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        if tenant:
            headers["Xero-Tenant-Id"] = tenant
        answer = requests.get(server.url + "/api.xro/2.0/Organisation", headers=headers, timeout=10)
        assert answer.status_code == 403
        body = answer.json()
        assert (body["Type"], body["Title"], body["Status"], body["Detail"]) == (
            None,
            "Forbidden",
            403,
            "AuthenticationUnsuccessful",
        )


# ------------------------------------------------------------------ revocation, connections
def test_revocation_kills_tokens_and_connections(server, sb, tokens, orgs):
    answer = requests.post(
        server.url + "/connect/revocation",
        timeout=10,
        auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
        data={"token": tokens["refresh_token"]},
    )
    assert answer.status_code == 200
    assert refresh(server, tokens["refresh_token"]).json()["error"] == "invalid_grant"
    assert org_call(server, tokens["access_token"], orgs[0]["tenantId"]).status_code == 401
    again = sb.connect()  # the user consents again: no stale connections came back
    assert len(get_connections(server, again["access_token"]).json()) == len(orgs)


def test_delete_connection_disconnects_one_tenant(server, sb, tokens, orgs):
    connections = get_connections(server, tokens["access_token"]).json()
    gone = next(c for c in connections if c["tenantId"] == orgs[0]["tenantId"])
    answer = requests.delete(
        f"{server.url}/connections/{gone['id']}",
        timeout=10,
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    assert answer.status_code == 204 and answer.content == b""
    left = get_connections(server, tokens["access_token"]).json()
    assert [c["tenantId"] for c in left] == [org["tenantId"] for org in orgs[1:]]
    assert org_call(server, tokens["access_token"], orgs[0]["tenantId"]).status_code == 403
    assert org_call(server, tokens["access_token"], orgs[1]["tenantId"]).status_code == 200
    missing = requests.delete(
        f"{server.url}/connections/{gone['id']}",
        timeout=10,
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    assert missing.status_code == 404


def test_second_authorisation_adds_a_connection(server, sb, orgs):
    first = sb.connect(tenants=[orgs[0]["tenantId"]])
    second = sb.connect(tenants=[orgs[1]["tenantId"]])
    for token in (first, second):  # connections are per user + app, across authorisations
        connections = get_connections(server, token["access_token"]).json()
        assert {c["tenantId"] for c in connections} == {orgs[0]["tenantId"], orgs[1]["tenantId"]}
    events = {c["tenantId"]: c["authEventId"] for c in get_connections(server, second["access_token"]).json()}
    assert events[orgs[0]["tenantId"]] != events[orgs[1]["tenantId"]]
    only = requests.get(
        server.url + "/connections",
        timeout=10,
        params={"authEventId": events[orgs[1]["tenantId"]]},
        headers={"Authorization": f"Bearer {second['access_token']}"},
    ).json()
    assert [c["tenantId"] for c in only] == [orgs[1]["tenantId"]]


def test_connections_need_a_valid_token(server, sb, tokens):
    assert get_connections(server, "bogus").status_code == 401
    sb.advance(31 * MINUTE)
    answer = get_connections(server, tokens["access_token"])
    assert answer.status_code == 401 and "TokenExpired" in answer.json()["Detail"]


@pytest.mark.parametrize("path", ["/connections", "/Connections"])
def test_connections_path_is_case_insensitive(server, sb, tokens, path):
    answer = requests.get(
        server.url + path, timeout=10, headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert answer.status_code == 200 and len(answer.json()) >= 1


def test_auto_consent_app_redirects_straight_back_with_its_tenants(server, sb, orgs):
    """Browser tours cannot press Allow on another site's page: an app registered with
    auto_consent is granted those organisations as soon as the browser arrives."""
    sb.register_app("tour-app", "tour-secret", [REDIRECT_URI], auto_consent=[orgs[1]["tenantId"]])
    verifier, challenge = pkce_pair()
    page = requests.get(
        server.url + "/identity/connect/authorize",
        params={
            "response_type": "code",
            "client_id": "tour-app",
            "redirect_uri": REDIRECT_URI,
            "scope": DEFAULT_SCOPE,
            "state": "s1",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert page.status_code == 302
    query = parse_qs(urlsplit(page.headers["Location"]).query)
    assert query["state"] == ["s1"]
    token = requests.post(
        server.url + "/connect/token",
        auth=("tour-app", "tour-secret"),
        data={
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
        },
        timeout=10,
    ).json()
    connections = get_connections(server, token["access_token"]).json()
    assert [c["tenantId"] for c in connections] == [orgs[1]["tenantId"]]
