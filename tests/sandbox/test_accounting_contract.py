"""The sandbox's answers validate against the response schemas of Xero's own OpenAPI description
(openapi-core response validation), so shape mistakes show up here and not in the connector."""

import json
import warnings
from pathlib import Path

import pytest
from accounting_support import Api, demo_org, invoice, line, payment

openapi_core = pytest.importorskip("openapi_core")
SPEC = Path(__file__).resolve().parents[3] / "shared" / "xero" / "openapi" / "xero_accounting.yaml"
SERVER = "https://api.xero.com"
PREFIX = "/api.xro/2.0"


class SpecRequest:
    def __init__(self, method, path, query=None):
        from openapi_core.datatypes import RequestParameters
        from werkzeug.datastructures import Headers, ImmutableMultiDict

        self.host_url = SERVER
        self.path = PREFIX + path
        self.method = method.lower()
        self.body = None
        self.content_type = "application/json"
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(list((query or {}).items())),
            header=Headers([("xero-tenant-id", "x")]),
            cookie=ImmutableMultiDict(),
        )


class SpecResponse:
    def __init__(self, status, body):
        from werkzeug.datastructures import Headers

        self.status_code = status
        self.data = json.dumps(body).encode()
        self.content_type = "application/json"
        self.headers = Headers([("Content-Type", "application/json")])


@pytest.fixture(scope="module")
def spec():
    if not SPEC.is_file():
        pytest.skip("Xero's OpenAPI description is not available")
    from openapi_core import Config, OpenAPI

    return OpenAPI.from_file_path(str(SPEC), config=Config(spec_validator_cls=None))


@pytest.fixture(scope="module")
def api():
    return Api(demo_org())


def assert_conforms(spec, method, path, reply, query=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        errors = list(
            spec.iter_response_errors(
                SpecRequest(method, path, query), SpecResponse(reply.status, reply.body)
            )
        )
    details = [f"{e}: {getattr(e.__cause__, 'schema_errors', '')}"[:2000] for e in errors]
    assert not errors, "\n".join(details)


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/Invoices", {"page": "1"}),
        ("/Invoices", {}),
        ("/Contacts", {"page": "1", "includeArchived": "true"}),
        ("/Items", {}),
        ("/Accounts", {}),
        ("/TaxRates", {}),
        ("/Currencies", {}),
        ("/TrackingCategories", {"includeArchived": "true"}),
        ("/CreditNotes", {"page": "1"}),
        ("/Payments", {"page": "1"}),
        ("/Overpayments", {"page": "1"}),
        ("/Prepayments", {"page": "1"}),
        ("/PurchaseOrders", {"page": "1"}),
        ("/ManualJournals", {"page": "1"}),
        ("/Organisation", {}),
    ],
)
def test_list_responses_conform(spec, api, path, query):
    reply = api.get(path, query)
    assert reply.status == 200
    assert_conforms(spec, "GET", path, reply, query)


def test_write_responses_conform(spec, api):
    created = api.put(
        "/Invoices",
        {
            "Invoices": [
                invoice(
                    Status="AUTHORISED",
                    lines=[line(Tracking=[{"Name": "Region", "Option": "North"}], DiscountRate=5)],
                )
            ]
        },
    )
    assert_conforms(spec, "PUT", "/Invoices", created)
    invoice_id = created.items("Invoices")[0]["InvoiceID"]
    assert_conforms(spec, "GET", f"/Invoices/{invoice_id}", api.get(f"/Invoices/{invoice_id}"))
    paid = api.put("/Payments", {"Payments": [payment({"Invoice": {"InvoiceID": invoice_id}}, 10)]})
    assert_conforms(spec, "PUT", "/Payments", paid)
    mixed = api.put(
        "/Contacts",
        {"Contacts": [{"Name": "Spec Shapes Ltd"}, {"Name": "Bayside Club"}]},
        summarizeErrors="false",
    )
    assert_conforms(spec, "PUT", "/Contacts", mixed)
    online = api.get(f"/Invoices/{invoice_id}/OnlineInvoice")
    assert_conforms(spec, "GET", f"/Invoices/{invoice_id}/OnlineInvoice", online)


def test_error_responses_conform(spec, api):
    failed = api.put("/Invoices", {"Invoices": [invoice(lines=[line(account="999")])]})
    assert failed.status == 400
    assert_conforms(spec, "PUT", "/Invoices", failed)


class _SdkResponse:
    """Just enough of urllib3's response for xero-python's ApiClient.deserialize."""

    def __init__(self, body):
        self.data = json.dumps(body).encode()
        self.text = self.data.decode()
        self.status = 200

    def getheader(self, name, default=None):
        return default

    def getheaders(self):
        return {}


def test_xero_python_reads_the_sandbox_answers(api):
    """The connector uses xero-python: its models must load what the sandbox returns."""
    pytest.importorskip("xero_python")
    from xero_python.accounting import AccountingApi
    from xero_python.api_client import ApiClient, Configuration
    from xero_python.api_client.oauth2 import OAuth2Token

    client = ApiClient(Configuration(oauth2_token=OAuth2Token(client_id="id", client_secret="secret")))
    models = AccountingApi(client).get_model_finder()
    created = api.put(
        "/Invoices",
        {
            "Invoices": [
                invoice(Status="AUTHORISED", lines=[line(Tracking=[{"Name": "Region", "Option": "North"}])])
            ]
        },
    ).items("Invoices")[0]
    api.put("/Payments", payment({"Invoice": {"InvoiceID": created["InvoiceID"]}}, 10))  # a bare body
    loaded = client.deserialize(
        _SdkResponse(api.get(f"/Invoices/{created['InvoiceID']}").body), "Invoices", models
    ).invoices[0]
    assert (str(loaded.date), str(loaded.due_date)) == ("2024-03-01", "2024-03-31")
    assert loaded.updated_date_utc.year == 2024
    assert (loaded.total, loaded.amount_due) == (110, 100)
    assert loaded.line_items[0].tracking[0].option == "North"
    assert loaded.payments[0].amount == 10 and loaded.contact.name == "Bayside Club"
    for path, key in [
        ("/Contacts", "Contacts"),
        ("/Payments", "Payments"),
        ("/Items", "Items"),
        ("/Accounts", "Accounts"),
        ("/TaxRates", "TaxRates"),
        ("/CreditNotes", "CreditNotes"),
        ("/Overpayments", "Overpayments"),
        ("/Prepayments", "Prepayments"),
        ("/PurchaseOrders", "PurchaseOrders"),
        ("/ManualJournals", "ManualJournals"),
        ("/TrackingCategories", "TrackingCategories"),
        ("/Organisation", "Organisations"),
        ("/Currencies", "Currencies"),
    ]:
        body = api.get(path, {"page": "1"}).body
        assert client.deserialize(_SdkResponse(body), key, models) is not None, path
    failed = api.put("/Invoices", {"Invoices": [invoice(lines=[line(account="999")])]}).body
    error = client.deserialize(_SdkResponse(failed), "Error", models)
    assert error.elements[0].validation_errors[0].message == (
        "Account code '999' is not a valid code for this document."
    )
