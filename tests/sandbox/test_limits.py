"""Xero's rate limits on the virtual clock: per tenant 60/minute, a day's budget by the app's
tier (the demo app is Starter: 1,000/day), 5 in flight; per app 10,000/minute; remaining-budget
headers on every response; 429s do not count."""

import time
from concurrent.futures import ThreadPoolExecutor

RATE_HEADERS = ("X-MinLimit-Remaining", "X-DayLimit-Remaining", "X-AppMinLimit-Remaining")


def remaining(answer):
    return tuple(int(answer.headers[h]) for h in RATE_HEADERS)


def test_headers_count_down(api):
    seen = [remaining(api("GET", "/Organisation")) for _ in range(3)]
    assert seen == [(59, 999, 9999), (58, 998, 9998), (57, 997, 9997)]


def test_61st_call_in_a_minute_is_refused_until_the_window_frees(sb, api):
    for _ in range(60):
        assert api("GET", "/Organisation").status_code == 200
    refused = api("GET", "/Organisation")
    assert refused.status_code == 429
    assert refused.headers["X-Rate-Limit-Problem"] == "minute"
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 60
    assert remaining(refused)[0] == 0
    # refusals do not count: asking again does not push the wait further out
    again = api("GET", "/Organisation")
    assert again.status_code == 429 and int(again.headers["Retry-After"]) <= wait
    sb.advance(wait)
    answer = api("GET", "/Organisation")
    assert answer.status_code == 200
    assert remaining(answer)[1] == 1000 - 61  # the two refusals were not counted


def test_limits_are_per_tenant(api, orgs):
    for _ in range(60):
        api("GET", "/Organisation")
    assert api("GET", "/Organisation").status_code == 429
    other = api("GET", "/Organisation", tenant=orgs[1]["tenantId"])
    assert other.status_code == 200 and remaining(other)[:2] == (59, 999)
    assert remaining(other)[2] == 10000 - 61


def test_limits_are_per_app(sb, api, server, orgs):
    for _ in range(60):
        api("GET", "/Organisation")
    assert api("GET", "/Organisation").status_code == 429
    sb.register_app("second-app", "secret-2", ["http://localhost:8070/cb"])
    token = sb.connect("http://localhost:8070/cb", client_id="second-app", client_secret="secret-2")
    answer = api("GET", "/Organisation", token=token["access_token"])
    assert answer.status_code == 200 and remaining(answer) == (59, 999, 9999)


def test_day_limit(sb, api):
    sb.set_limits(day=70)  # instead of 5,000 real calls
    for _ in range(60):
        assert api("GET", "/Organisation").status_code == 200
    sb.advance(61)
    for _ in range(10):
        assert api("GET", "/Organisation").status_code == 200
    refused = api("GET", "/Organisation")
    assert refused.status_code == 429
    assert refused.headers["X-Rate-Limit-Problem"] == "day"
    assert refused.headers["X-DayLimit-Remaining"] == "0"
    wait = int(refused.headers["Retry-After"])
    assert 24 * 3600 - 70 <= wait <= 24 * 3600 - 55
    sb.advance(wait)
    fresh = sb.connect()  # a day later the access token has long expired
    assert api("GET", "/Organisation", token=fresh["access_token"]).status_code == 200


def test_day_limit_real_numbers_headers(sb):
    # day: None = each app's tier decides
    assert sb.limits()["limits"] == {
        "minute": 60,
        "day": None,
        "concurrent": 5,
        "app_minute": 10000,
        "latency": 0.0,
    }


def test_app_minute_limit_across_tenants(sb, api, orgs):
    sb.set_limits(app_minute=5)
    for i in range(5):
        assert api("GET", "/Organisation", tenant=orgs[i % 2]["tenantId"]).status_code == 200
    refused = api("GET", "/Organisation", tenant=orgs[1]["tenantId"])
    assert refused.status_code == 429
    assert refused.headers["X-Rate-Limit-Problem"] == "appminute"
    assert refused.headers["X-AppMinLimit-Remaining"] == "0"


def test_six_concurrent_calls_one_is_refused(sb, api):
    # five calls are held in flight by a slow answer; the sixth arrives meanwhile
    sb.add_fault("timeout", method="GET", path="/Organisation$", count=5, delay=1.5)
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _: api("GET", "/Organisation"), range(6)))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] * 5 + [429]
    refused = next(a for a in answers if a.status_code == 429)
    assert refused.headers["X-Rate-Limit-Problem"] == "concurrent"
    assert int(refused.headers["Retry-After"]) >= 1
    assert api("GET", "/Organisation").status_code == 200  # slots are free again


def test_error_responses_carry_the_headers(api):
    violation = api("GET", "/NoSuchEndpoint")
    assert violation.status_code == 400
    assert all(h in violation.headers for h in RATE_HEADERS)
    refused = api("GET", "/Organisation", tenant="00000000-0000-0000-0000-000000000000")
    assert refused.status_code == 403 and all(h in refused.headers for h in RATE_HEADERS)


def test_new_minute_empties_the_minute_windows_only(sb, api):
    for _ in range(60):
        api("GET", "/Organisation")
    assert api("GET", "/Organisation").status_code == 429
    now = sb.now()
    sb.new_minute()
    answer = api("GET", "/Organisation")
    assert answer.status_code == 200 and remaining(answer)[:2] == (59, 1000 - 61)
    assert sb.now() - now < 5  # the clock did not move


def test_latency_holds_calls_in_flight_and_the_peak_is_reported(sb, api, orgs):
    """A benchmark's Xero: each admitted call takes the set latency; the peak of calls in
    flight and the 429s by problem are reported per organisation."""
    tenant = orgs[0]["tenantId"]
    sb.set_latency(0.5, tenant=tenant)
    sb.reset_peaks()
    started = time.monotonic()
    with ThreadPoolExecutor(7) as pool:
        answers = list(pool.map(lambda _: api("GET", "/Organisation"), range(7)))
    elapsed = time.monotonic() - started
    assert sorted(a.status_code for a in answers) == [200] * 5 + [429] * 2
    assert elapsed >= 0.5
    usage = sb.usage(tenant)
    assert usage["peak_in_flight"] == 5 and usage["in_flight"] == 0
    assert usage["refused"] == {"concurrent": 2}
    other = orgs[1]["tenantId"]
    started = time.monotonic()
    assert api("GET", "/Organisation", tenant=other).status_code == 200
    assert time.monotonic() - started < 0.5, "the latency was set for the first organisation only"
    sb.set_latency(0)
    assert sb.limits()["limits"]["latency"] == 0 and sb.limits()["latency"] == {}
    sb.reset_peaks()
    assert sb.usage(tenant)["peak_in_flight"] == 0 and sb.usage(tenant)["refused"] == {}
