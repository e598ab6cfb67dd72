"""The pure builders of contacts, items, payments and credit allocations, alone: no sandbox,
no HTTP. See ``test_builders`` for the organisation and mappings they read."""

from datetime import date

from odoo import Command
from odoo.tests import tagged

from .test_builders import XeroBuilderCase


@tagged("post_install", "-at_install")
class TestContactBuilder(XeroBuilderCase):
    """``res.partner._xero_contact_values``: a partner as Xero's contact JSON."""

    def company_partner(self, persons=("Mary Jane Watson", "Peter Parker")):
        australia = self.env.ref("base.au")
        partner = self.env["res.partner"].create(
            {
                "name": "  Reef Divers Pty  ",
                "is_company": True,
                "email": "office@reef.example",
                "vat": "51 824 753 556",
                "phone": "+61 2 5550 1234",
                "mobile": "+61 400 000 001",
                "street": "1 Wharf Rd",
                "street2": "Dock 4",
                "city": "Hobart",
                "zip": "7000",
                "country_id": australia.id,
            }
        )
        self.env["res.partner"].create(
            {
                "name": "Accounts",
                "type": "invoice",
                "parent_id": partner.id,
                "street": "PO Box 12",
                "street2": False,
                "city": "Hobart",
                "zip": "7001",
                "country_id": australia.id,
            }
        )
        for name in persons:
            email = name.lower().replace(" ", ".") + "@reef.example"
            self.env["res.partner"].create(
                {"name": name, "type": "contact", "parent_id": partner.id, "email": email}
            )
        partner.with_company(self.company).property_purchase_currency_id = self.env.ref("base.EUR")
        return partner

    def contact_number(self, partner):
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        return f"ODOO-{uuid[:8]}-{partner.id}"

    def test_company_with_persons_addresses_and_phones(self):
        partner = self.company_partner()
        self.assertEqual(
            partner._xero_contact_values(),
            {
                "Name": "Reef Divers Pty",
                "FirstName": "Mary Jane",
                "LastName": "Watson",
                "EmailAddress": "office@reef.example",
                "TaxNumber": "51 824 753 556",
                "DefaultCurrency": "EUR",
                "ContactNumber": self.contact_number(partner),
                "Phones": [
                    {"PhoneType": "DEFAULT", "PhoneNumber": partner.phone},
                    {"PhoneType": "MOBILE", "PhoneNumber": partner.mobile},
                ],
                "Addresses": [
                    {
                        "AddressType": "POBOX",
                        "AddressLine1": "PO Box 12",
                        "City": "Hobart",
                        "PostalCode": "7001",
                        "Country": "Australia",
                    },
                    {
                        "AddressType": "STREET",
                        "AddressLine1": "1 Wharf Rd",
                        "AddressLine2": "Dock 4",
                        "City": "Hobart",
                        "PostalCode": "7000",
                        "Country": "Australia",
                    },
                ],
                "ContactPersons": [
                    {
                        "FirstName": "Mary Jane",
                        "LastName": "Watson",
                        "EmailAddress": "mary.jane.watson@reef.example",
                        "IncludeInEmails": True,
                    },
                    {
                        "FirstName": "Peter",
                        "LastName": "Parker",
                        "EmailAddress": "peter.parker@reef.example",
                        "IncludeInEmails": True,
                    },
                ],
            },
        )

    def test_xero_keeps_five_persons_the_first_five_created(self):
        names = [f"Person {letter}" for letter in "ABCDEFG"]
        partner = self.company_partner(persons=names)
        persons = partner._xero_contact_values()["ContactPersons"]
        self.assertEqual([(p["FirstName"], p["LastName"]) for p in persons], [("Person", c) for c in "ABCDE"])

    def test_an_individual_is_split_into_first_and_last_name(self):
        ana = self.env["res.partner"].create({"name": "Ana María Lopez"})
        cher = self.env["res.partner"].create({"name": "Cher"})
        values = ana._xero_contact_values()
        self.assertEqual(
            (values["Name"], values["FirstName"], values["LastName"]),
            ("Ana María Lopez", "Ana María", "Lopez"),
        )
        self.assertNotIn("ContactPersons", values, "a new contact without persons sends none")
        values = cher._xero_contact_values()
        self.assertEqual(values["FirstName"], "Cher")
        self.assertNotIn("LastName", values)

    def test_update_names_the_contact_and_keeps_its_own_number(self):
        partner = self.env["res.partner"].create({"name": "Harbour Fisheries Pty", "is_company": True})
        contact = self.contact_customer
        contact.contact_number = "CUST-0042"
        values = partner._xero_contact_values(contact)
        self.assertEqual(values["ContactID"], contact.xero_id)
        self.assertNotIn("ContactNumber", values, "the number set in Xero is not overwritten")
        self.assertEqual(values["ContactPersons"], [], "an update clears persons removed in Odoo")
        contact.contact_number = self.contact_number(partner)
        self.assertEqual(partner._xero_contact_values(contact)["ContactNumber"], self.contact_number(partner))


@tagged("post_install", "-at_install")
class TestItemBuilder(XeroBuilderCase):
    """``product.template._xero_item_vals``: a product as Xero's item JSON, and its problems."""

    def product(self, **values):
        return self.env["product.template"].create(
            {
                "name": "Widget",
                "default_code": "WIDGET-01",
                "sale_ok": True,
                "purchase_ok": True,
                "list_price": 12.5,
                "standard_price": 7.25,
                "taxes_id": [Command.set(self.tax_sale.ids)],
                "supplier_taxes_id": [Command.set(self.tax_purchase.ids)],
                **values,
            }
        )

    def test_item_with_both_sides(self):
        vals, problems = self.product(description_purchase="Widget, boxed by 10")._xero_item_vals(self.tenant)
        self.assertEqual(problems, [])
        self.assertEqual(
            vals,
            {
                "Code": "WIDGET-01",
                "Name": "Widget",
                "IsSold": True,
                "IsPurchased": True,
                "SalesDetails": {"UnitPrice": 12.5, "AccountCode": "200", "TaxType": "OUTPUT"},
                "PurchaseDetails": {"UnitPrice": 7.25, "AccountCode": "400", "TaxType": "INPUT"},
                "PurchaseDescription": "Widget, boxed by 10",
            },
        )

    def test_a_side_not_used_is_not_sent(self):
        vals, problems = self.product(sale_ok=False)._xero_item_vals(self.tenant)
        self.assertEqual(problems, [])
        self.assertNotIn("SalesDetails", vals)
        self.assertEqual((vals["IsSold"], vals["IsPurchased"]), (False, True))

    def test_item_code_over_30_characters_is_a_problem_never_cut(self):
        code = "SUPPLIER-CATALOGUE-2026-000123X"  # 31 characters
        vals, problems = self.product(default_code=code)._xero_item_vals(self.tenant)
        self.assertEqual(vals["Code"], code)
        self.assertEqual(
            problems,
            [
                f"The internal reference of [{code}] Widget, {code}, has 31 characters; Xero accepts item codes "
                "of at most 30. Shorten it in Odoo (it is never cut)."
            ],
        )
        _vals, problems = self.product(default_code=code[:30])._xero_item_vals(self.tenant)
        self.assertEqual(problems, [], "30 characters are fine")

    def test_no_internal_reference_is_a_problem(self):
        _vals, problems = self.product(default_code=False)._xero_item_vals(self.tenant)
        self.assertEqual(problems, ["Widget has no internal reference: Xero needs it as the item code."])

    def test_long_name_is_cut_to_50_and_kept_whole_as_description(self):
        name = "Stainless steel marine-grade widget with a very long name"
        vals, _problems = self.product(name=name)._xero_item_vals(self.tenant)
        self.assertEqual(vals["Name"], name[:50])
        self.assertEqual(vals["Description"], name)

    def test_unmapped_account_and_tax_problems(self):
        self.tenant.write({"xero_default_sales_account_id": False})
        levy = self.env["account.tax"].create({"name": "Levy 7%", "amount": 7, "type_tax_use": "purchase"})
        product = self.product(supplier_taxes_id=[Command.set((self.tax_purchase | levy).ids)])
        vals, problems = product._xero_item_vals(self.tenant)
        self.assertNotIn("AccountCode", vals["SalesDetails"])
        self.assertEqual(len(problems), 2, problems)
        self.assertIn("[WIDGET-01] Widget: no Xero sales account in Builder Trading", problems[0])
        self.assertIn("[WIDGET-01] Widget has 2 purchase taxes (GST 10% (purchases), Levy 7%)", problems[1])


@tagged("post_install", "-at_install")
class TestPaymentAndAllocationBuilders(XeroBuilderCase):
    """``account.payment._xero_payment_body`` and ``account.move._xero_allocation``."""

    def exported(self, move, xero_id, **values):
        move._xero_write_fields({"xero_id": xero_id, "xero_status": "AUTHORISED", **values})
        return move

    def payment(self, amount, memo="Thank you", payment_type="inbound", **values):
        journal = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1
        )
        payment = self.env["account.payment"].create(
            {
                "payment_type": payment_type,
                "partner_type": "customer",
                "partner_id": self.customer.id,
                "amount": amount,
                "journal_id": journal.id,
                "date": date(2026, 3, 15),
                "memo": memo,
                **values,
            }
        )
        payment.action_post()
        return payment

    def test_payment_of_an_invoice(self):
        invoice = self.exported(self.make_move(), "inv-0001")
        body = self.payment(495.0)._xero_payment_body(invoice, 495.0, self.acc_bank)
        self.assertEqual(
            body,
            {
                "Invoice": {"InvoiceID": "inv-0001"},
                "Account": {"Code": "090"},
                "Date": "2026-03-15",
                "Amount": 495.0,
                "Reference": "Thank you",
            },
        )

    def test_payment_of_a_credit_note_into_an_account_without_code(self):
        refund = self.exported(self.make_move("out_refund"), "cn-0001")
        clearing = self.env["xero.account"].create(
            {
                "tenant_id": self.tenant.id,
                "xero_id": "acc-no-code",
                "name": "Clearing",
                "account_type": "CURRLIAB",
            }
        )
        body = self.payment(33.333, memo="x" * 300, payment_type="outbound")._xero_payment_body(
            refund, 33.333, clearing
        )
        self.assertEqual(body["CreditNote"], {"CreditNoteID": "cn-0001"})
        self.assertNotIn("Invoice", body)
        self.assertEqual(body["Account"], {"AccountID": "acc-no-code"})
        self.assertEqual(body["Amount"], 33.33)
        self.assertEqual(body["Reference"], "x" * 255)
        self.assertNotIn("CurrencyRate", body, "same currency as the organisation")

    def test_foreign_currency_payment_carries_the_rate_it_was_booked_at(self):
        foreign = self.env.ref("base.EUR") if self.currency.name != "EUR" else self.env.ref("base.GBP")
        foreign.active = True
        self.env["res.currency.rate"].create(
            {"currency_id": foreign.id, "name": "2026-03-01", "rate": 0.8, "company_id": self.company.id}
        )
        self.env["xero.currency"].create({"tenant_id": self.tenant.id, "xero_id": foreign.name})
        invoice = self.exported(self.make_move(currency_id=foreign.id), "inv-eur")
        payment = self.payment(200.0, currency_id=foreign.id)
        self.assertTrue(payment.move_id, "booked: the rate comes from its journal entry")
        body = payment._xero_payment_body(invoice, 200.0, self.acc_bank)
        self.assertEqual((body["Amount"], body["CurrencyRate"]), (200.0, 0.8))
        same = self.payment(50.0)._xero_payment_body(
            self.exported(self.make_move(), "inv-usd"), 50.0, self.acc_bank
        )
        self.assertNotIn("CurrencyRate", same)

    def test_credit_note_allocation_takes_at_most_what_is_due(self):
        invoice = self.exported(self.make_move(), "inv-0002", xero_amount_due=100.0)
        refund = self.make_move("out_refund", reversed_entry_id=invoice.id, invoice_date=date(2026, 3, 20))
        self.exported(refund, "cn-0002", xero_total=165.0, xero_amount_due=165.0)  # its remaining credit
        self.assertEqual(
            refund._xero_allocation(),
            {"Invoice": {"InvoiceID": "inv-0002"}, "Amount": 100.0, "Date": "2026-03-20"},
        )
        invoice._xero_write_fields({"xero_amount_due": 500.0})
        self.assertEqual(refund._xero_allocation()["Amount"], 165.0, "never more than the credit note")
        refund._xero_write_fields({"xero_amount_due": 0.0})
        self.assertIsNone(refund._xero_allocation(), "an allocation whose answer was lost used the credit up")

    def test_no_allocation_unless_both_are_authorised_in_xero(self):
        invoice = self.exported(self.make_move(), "inv-0003", xero_amount_due=100.0)
        refund = self.make_move("out_refund", reversed_entry_id=invoice.id)
        self.assertIsNone(refund._xero_allocation(), "the credit note is not in Xero")
        self.exported(refund, "cn-0003", xero_total=50.0, xero_status="DRAFT")
        self.assertIsNone(refund._xero_allocation(), "a draft credit note is not allocated")
        refund._xero_write_fields({"xero_status": "AUTHORISED"})
        invoice._xero_write_fields({"xero_status": "PAID", "xero_amount_due": 0.0})
        self.assertIsNone(refund._xero_allocation(), "the invoice is paid in Xero")
