"""/ManualJournals with Xero's rules, through the HTTP server (every request checked against
Xero's OpenAPI): what the balances journals of the connector rely on."""

import uuid
from datetime import datetime, timezone

import pytest


def journal(lines, narration="Odoo balances 2024-03-31 Test", date="2024-03-31", **fields):
    body = {
        "Narration": narration,
        "Date": date,
        "Status": "POSTED",
        "LineAmountTypes": "NoTax",
        "JournalLines": [
            {"AccountCode": code, "LineAmount": amount, "Description": f"line {n}", **extra}
            for n, (code, amount, extra) in enumerate((*line, {})[:3] for line in lines)
        ],
    }
    body.update(fields)
    return body


def put(api, *journals, **headers):
    return api("PUT", "/ManualJournals", json={"ManualJournals": list(journals)}, headers=headers or None)


def messages(answer):
    body = answer.json()
    return [e["Message"] for el in body.get("Elements", []) for e in el.get("ValidationErrors", [])]


@pytest.fixture(autouse=True)
def no_violations(sb):
    yield
    assert sb.violations() == []


def test_balanced_journal_is_posted_and_read_back_by_id(api):
    answer = put(api, journal([("429", 120.5), ("090", -100), ("880", -20.5)]))
    assert answer.status_code == 200
    created = answer.json()["ManualJournals"][0]
    assert created["Status"] == "POSTED" and len(created["JournalLines"]) == 3
    again = api("GET", f"/ManualJournals/{created['ManualJournalID']}").json()["ManualJournals"][0]
    assert [(line["AccountCode"], line["LineAmount"]) for line in again["JournalLines"]] == [
        ("429", 120.5),
        ("090", -100.0),
        ("880", -20.5),
    ]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([("429", 100), ("090", -99.99)], "The total debits (100.00) must equal total credits (99.99)"),
        ([("429", 0)], "A manual journal must have at least two journal lines"),
        (
            [("610", 50), ("429", -50)],
            "Account code '610' is a system account and cannot be used in a manual journal",
        ),
        (
            [("800", -50), ("429", 50)],
            "Account code '800' is a system account and cannot be used in a manual journal",
        ),
        ([("469", 50), ("429", -50)], "Account code '469' is not a valid code for this document."),
        ([("999", 50), ("429", -50)], "Account code '999' is not a valid code for this document."),
    ],
)
def test_xero_refuses(api, lines, expected):
    answer = put(api, journal(lines))
    assert answer.status_code == 400
    assert expected in messages(answer)


def test_draft_with_one_line_is_refused_too(api):
    answer = put(api, journal([("429", 0)], Status="DRAFT"))
    assert "A manual journal must have at least two journal lines" in messages(answer)


def test_tracking_limits(api):
    region = [{"Name": "Region", "Option": "North"}]
    ok = put(api, journal([("429", 10, {"Tracking": region}), ("090", -10)]))
    assert ok.status_code == 200
    assert ok.json()["ManualJournals"][0]["JournalLines"][0]["Tracking"][0]["Option"] == "North"
    archived = put(
        api, journal([("429", 10, {"Tracking": [{"Name": "Region", "Option": "West"}]}), ("090", -10)])
    )
    assert any("West" in m for m in messages(archived))
    twice = put(api, journal([("429", 10, {"Tracking": region * 2}), ("090", -10)]))
    assert any("can only be used once per line" in m for m in messages(twice))
    three = [{"Name": f"Cat{n}", "Option": "x"} for n in range(3)]
    assert "A line item can have a maximum of 2 tracking categories." in messages(
        put(api, journal([("429", 10, {"Tracking": three}), ("090", -10)]))
    )


def test_unknown_body_field_is_a_contract_violation(sb, api):
    answer = put(api, journal([("429", 10), ("090", -10)], Reference="not a field of ManualJournal"))
    if answer.status_code == 400 and answer.json().get("Type") == "SandboxContractViolation":
        sb.clear_violations()  # the stricter contract check (issue 10) refuses it
    else:
        assert answer.status_code == 200


def test_where_narration_and_date_paging_and_if_modified_since(sb, api):
    tag = uuid.uuid4().hex[:6]
    for day in ("2024-04-01", "2024-04-02", "2024-04-03"):
        put(api, journal([("429", 1), ("090", -1)], narration=f"Odoo balances {day} {tag}", date=day))
    where = f'Narration=="Odoo balances 2024-04-02 {tag}" AND Date==DateTime(2024,04,02)'
    found = api("GET", "/ManualJournals", params={"where": where, "page": 1}).json()["ManualJournals"]
    assert [j["Narration"] for j in found] == [f"Odoo balances 2024-04-02 {tag}"]
    assert found[0]["JournalLines"], "a page carries the lines"
    unpaged = api("GET", "/ManualJournals", params={"where": where}).json()["ManualJournals"]
    assert "JournalLines" not in unpaged[0], "an unpaged list leaves the lines out"
    first = api("GET", "/ManualJournals", params={"page": 1, "pageSize": 2}).json()
    assert len(first["ManualJournals"]) == 2 and first["pagination"]["pageCount"] >= 2
    sb.advance(60)
    cut = datetime.fromtimestamp(sb.now() - 1, timezone.utc)
    put(api, journal([("429", 2), ("090", -2)], narration=f"late {tag}"))
    since = api(
        "GET",
        "/ManualJournals",
        params={"page": 1},
        headers={"If-Modified-Since": cut.strftime("%Y-%m-%dT%H:%M:%SZ")},
    ).json()
    assert "ManualJournals" in since, since
    since = since["ManualJournals"]
    assert [j["Narration"] for j in since] == [f"late {tag}"]


def test_idempotency_key_replays_the_first_journal(sb, api):
    key = str(uuid.uuid4())
    body = journal([("429", 5), ("090", -5)], narration=f"once {key}")
    first = put(api, body, **{"Idempotency-Key": key}).json()["ManualJournals"][0]
    second = put(api, body, **{"Idempotency-Key": key}).json()["ManualJournals"][0]
    assert first["ManualJournalID"] == second["ManualJournalID"]
    assert len([j for j in sb.dump(api.tenant, "ManualJournals") if j["Narration"] == f"once {key}"]) == 1
