"""Xero's side of webhooks: signed deliveries and the "intent to receive" check.

Xero POSTs `{"events": [...], "firstEventSequence", "lastEventSequence", "entropy"}` with
`x-xero-signature` = base64(HMAC-SHA256(raw body, webhook key)). The receiver must answer 200
to a correct signature and 401 to a wrong one, within 5 seconds (FACTS.md).
"""

import base64
import hashlib
import hmac
import json
import secrets
import string
import time

import requests

RESPONSE_DEADLINE = 5.0


def sign(body: bytes, key: str) -> str:
    return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


def payload(events: list, first: int, last: int) -> bytes:
    entropy = "".join(secrets.choice(string.ascii_uppercase) for _ in range(20))
    return json.dumps(
        {"events": events, "firstEventSequence": first, "lastEventSequence": last, "entropy": entropy}
    ).encode()


def post(url: str, key: str, body: bytes, tamper: bool = False) -> dict:
    """POST one signed body; report the receiver's status (None if it did not answer in time)
    and how long it took."""
    signature = sign(body, key if not tamper else key + "-tampered")
    started = time.monotonic()
    try:
        answer = requests.post(
            url,
            data=body,
            timeout=RESPONSE_DEADLINE,
            headers={
                "Content-Type": "application/json",
                "x-xero-signature": signature,
                "User-Agent": "Xero-Webhooks-Sandbox",
            },
        )
        status, text = answer.status_code, answer.text[:500]
        empty, cookies = not answer.content, answer.headers.get("Set-Cookie")
    except requests.RequestException as exc:
        status, text = None, f"{type(exc).__name__}: {exc}"
        empty, cookies = False, None
    elapsed = time.monotonic() - started
    return {
        "status": status,
        "ms": round(elapsed * 1000, 1),
        "body": text,
        "empty": empty,
        "cookies": cookies,
        "in_time": status is not None and elapsed <= RESPONSE_DEADLINE,
    }


def deliver(url: str, key: str, events: list, first: int, last: int, tamper: bool = False) -> dict:
    return post(url, key, payload(events, first, last), tamper)


def intent_to_receive(url: str, key: str) -> dict:
    """Xero's subscription check: a correctly signed empty delivery must get 200 and a wrongly
    signed one 401, both within 5 seconds, and both answers without a body or cookies (Xero's
    webhook documentation: "The response must not contain a body or cookies")."""
    good = post(url, key, payload([], 0, 0))
    bad = post(url, key, payload([], 0, 0), tamper=True)
    problems = []
    if not (good["status"] == 200 and good["in_time"]):
        problems.append("the signed delivery did not get 200 within 5 seconds")
    if not (bad["status"] == 401 and bad["in_time"]):
        problems.append("the tampered delivery did not get 401 within 5 seconds")
    for name, answer in (("signed", good), ("tampered", bad)):
        if answer["status"] is not None and not answer["empty"]:
            problems.append(f"the answer to the {name} delivery has a body")
        if answer["cookies"]:
            problems.append(f"the answer to the {name} delivery sets cookies ({answer['cookies'][:80]})")
    return {"ok": not problems, "problems": problems, "signed": good, "tampered": bad}
