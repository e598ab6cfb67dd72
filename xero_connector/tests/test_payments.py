from unittest.mock import patch

from odoo import Command, fields
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.tests import tagged

from .common import sandbox_client
from .test_export import XeroExportCase


class XeroPaymentCase(XeroExportCase):
    """Exported documents awaiting payment in an organisation whose base currency is the
    company's (USD), a bank journal mapped to Xero's bank account, both directions on."""

    @classmethod
    def setUpClass(cls):
        sandbox_client()  # puts the sandbox package on sys.path
        from xero_sandbox.client import SandboxClient

        create_org = SandboxClient.create_org

        def usd_alpha(client, name, short_code=None, base_currency="AUD", country_code="AU"):
            if name.startswith("Alpha"):
                base_currency = "USD"
            return create_org(client, name, short_code, base_currency, country_code)

        with patch.object(SandboxClient, "create_org", usd_alpha):
            super().setUpClass()
        cls.company.write(
            {
                "xero_invoice_status": "AUTHORISED",
                "xero_payments_from_xero": True,
                "xero_payments_to_xero": True,
            }
        )
        cls.bank_journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.xero_bank = cls.env["xero.account"].search(
            [("tenant_id", "=", cls.tenant.id), ("is_bank", "=", True)], limit=1
        )
        cls.tenant.write(
            {
                "xero_payment_journal_id": cls.bank_journal.id,
                "xero_journal_map_ids": [
                    (0, 0, {"xero_account_id": cls.xero_bank.id, "journal_id": cls.bank_journal.id})
                ],
            }
        )
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.env["res.currency.rate"].create(
            {"currency_id": cls.eur.id, "company_id": cls.company.id, "name": "2000-01-01", "rate": 0.9}
        )

    # --------------------------------------------------------------------------------------
    def sync(self):
        return self.env["xero.payment"]._xero_sync_payments(self.tenant)

    def xero_payments_of(self, move):
        return [
            p
            for p in self.sandbox.dump(self.org_a["tenantId"], "Payments")
            if (p.get("Invoice") or {}).get("InvoiceID") == move.xero_id
        ]

    def exported(self, **values):
        move = self.make_move(**values)
        move.action_xero_export()
        self.assertEqual(move.xero_status, "AUTHORISED")
        return move

    def register(self, move, amount, journal=None, **values):
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create(
                {
                    "amount": amount,
                    "journal_id": (journal or self.bank_journal).id,
                    "payment_date": fields.Date.today(),
                    "payment_difference_handling": "open",
                    **values,
                }
            )
        )
        return wizard._create_payments()

    def odoo_payments(self, move):
        payments = self.env["account.payment"].search([("company_id", "=", self.company.id)])
        return payments.filtered(lambda p: move in p.reconciled_invoice_ids)


@tagged("post_install", "-at_install")
class TestPayments(XeroPaymentCase):
    def test_partial_then_full_payment_in_xero_after_cron(self):
        move = self.exported()
        total = move.amount_total
        self.pay_in_xero(move, 100.0)
        self.run_cron("xero.payment", "_cron_xero_sync_payments")
        self.assertAlmostEqual(move.amount_residual, total - 100.0, places=2)
        self.assertEqual(move.payment_state, "partial")
        payment = self.odoo_payments(move)
        self.assertEqual(len(payment), 1)
        self.assertEqual(payment.xero_payment_id, self.xero_payments_of(move)[0]["PaymentID"])
        self.assertEqual(payment.journal_id, self.bank_journal)
        self.assertEqual(move.xero_document_state, "partial")
        self.assertAlmostEqual(move.xero_amount_due, total - 100.0, places=2)

        self.pay_in_xero(move, total - 100.0)
        self.run_cron("xero.payment", "_cron_xero_sync_payments")
        self.assertTrue(move.currency_id.is_zero(move.amount_residual))
        self.assertIn(move.payment_state, ("paid", "in_payment"))
        self.assertEqual(len(self.odoo_payments(move)), 2)
        self.assertEqual(move.xero_document_state, "paid")
        self.assertEqual(move.xero_status, "PAID")
        # Xero's payments are not sent back.
        self.assertEqual(len(self.xero_payments_of(move)), 2)

    def test_sync_twice_creates_each_payment_once(self):
        move = self.exported()
        self.pay_in_xero(move, 50.0)
        first = self.sync()
        second = self.sync()
        self.tenant.xero_payments_synced_at = False  # a full re-read, as after a crash
        third = self.sync()
        self.assertEqual(first["created"], 1)
        self.assertEqual(second["created"], 0)
        self.assertEqual(third["created"], 0)
        self.assertEqual(len(self.odoo_payments(move)), 1)
        self.assertAlmostEqual(move.amount_residual, move.amount_total - 50.0, places=2)

    def test_payment_odoo_already_has_is_not_counted_twice(self):
        """MRPeasy's rule: Odoo already holds 200 (registered while sending was off); Xero then
        records 300: Odoo gets only the 100 it lacks."""
        self.company.xero_payments_to_xero = False
        move = self.exported()
        self.register(move, 200.0)
        self.pay_in_xero(move, 300.0)
        self.sync()
        self.assertAlmostEqual(move.amount_residual, move.amount_total - 300.0, places=2)
        created = self.odoo_payments(move).filtered("xero_payment_id")
        self.assertAlmostEqual(created.amount, 100.0, places=2)

    def test_odoo_payment_reaches_xero_once(self):
        move = self.exported()
        payment = self.register(move, 120.0, communication="Cheque 4411")
        self.assertTrue(payment.xero_payment_id)
        in_xero = self.xero_payments_of(move)
        self.assertEqual(len(in_xero), 1)
        self.assertEqual(in_xero[0]["PaymentID"], payment.xero_payment_id)
        self.assertAlmostEqual(in_xero[0]["Amount"], 120.0, places=2)
        self.assertEqual(in_xero[0]["Account"]["Code"], self.xero_bank.code)
        self.assertEqual(in_xero[0]["Reference"], "Cheque 4411")
        twin = next(i for i in self.in_xero() if i["InvoiceID"] == move.xero_id)
        self.assertAlmostEqual(twin["AmountPaid"], 120.0, places=2)
        # The next sync sees it in Xero and creates nothing.
        stats = self.sync()
        self.assertEqual(stats["created"], 0)
        self.assertEqual(len(self.odoo_payments(move)), 1)
        self.assertAlmostEqual(move.amount_residual, move.amount_total - 120.0, places=2)
        self.assertEqual(move.xero_document_state, "partial")
        # Sending again (the button) sends nothing more.
        payment.action_xero_send()
        self.assertEqual(len(self.xero_payments_of(move)), 1)

    def test_vendor_bill_payment_goes_to_xero(self):
        bill = self.exported(move_type="in_invoice", ref=f"SUP-{self.bank_journal.id}-{fields.Date.today()}")
        payment = self.register(bill, bill.amount_total)
        in_xero = self.xero_payments_of(bill)
        self.assertEqual(len(in_xero), 1)
        self.assertEqual(in_xero[0]["PaymentType"], "ACCPAYPAYMENT")
        self.assertEqual(payment.xero_payment_id, in_xero[0]["PaymentID"])

    def test_foreign_currency_payment_with_its_rate(self):
        # Odoo → Xero: the rate Odoo booked goes with the payment.
        move = self.exported(currency_id=self.eur.id)
        payment = self.register(move, 110.0, currency_id=self.eur.id)
        sent = self.xero_payments_of(move)[0]
        self.assertAlmostEqual(sent["CurrencyRate"], 0.9, places=4)
        self.assertEqual(sent["Invoice"]["CurrencyCode"], "EUR")
        self.assertTrue(payment.xero_payment_id)
        # Xero → Odoo: a payment at Xero's own rate is booked at that rate.
        self.pay_in_xero(move, 80.0, account_code=self.xero_bank.code, CurrencyRate=0.8)
        self.sync()
        created = self.odoo_payments(move).filtered(lambda p: p != payment)
        self.assertEqual(len(created), 1)
        self.assertEqual(created.currency_id, self.eur)
        self.assertAlmostEqual(created.amount, 80.0, places=2)
        liquidity = created._seek_for_lines()[0]
        self.assertAlmostEqual(abs(liquidity.balance), 100.0, places=2)
        record = self.env["xero.payment"].search([("payment_id", "=", created.id)])
        self.assertAlmostEqual(record.currency_rate, 0.8, places=4)
        self.assertAlmostEqual(move.amount_residual, move.amount_total - 190.0, places=2)

    def test_payment_deleted_in_xero_is_flagged_not_undone(self):
        move = self.exported()
        self.pay_in_xero(move, 75.0)
        self.sync()
        payment = self.odoo_payments(move)
        self.sandbox.as_user(
            self.org_a["tenantId"], "POST", f"/Payments/{payment.xero_payment_id}", json={"Status": "DELETED"}
        )
        stats = self.sync()
        self.assertEqual(stats["flagged"], 1)
        self.assertIn(payment.state, ("in_process", "paid"))
        self.assertTrue(payment.xero_deleted_in_xero)
        self.assertIn("deleted or reversed in Xero", move.xero_payment_alert)
        self.assertTrue(move.activity_ids.filtered(lambda a: a.summary == "Payment deleted in Xero"))
        self.assertAlmostEqual(move.amount_residual, move.amount_total - 75.0, places=2)
        self.assertEqual(move.xero_document_state, "awaiting")
        # A later sync flags it no more.
        self.assertEqual(self.sync()["flagged"], 0)

    def test_payment_cancelled_in_odoo_is_flagged_and_stays_in_xero(self):
        move = self.exported()
        payment = self.register(move, 60.0)
        payment.action_draft()
        payment.action_cancel()
        self.assertEqual(len(self.xero_payments_of(move)), 1)
        self.assertEqual(self.xero_payments_of(move)[0]["Status"], "AUTHORISED")
        self.assertIn("still in Xero", move.xero_payment_alert)
        self.assertTrue(move.activity_ids.filtered(lambda a: a.summary == "Delete the payment in Xero"))
        # Not created back in Odoo by the next sync.
        self.assertEqual(self.sync()["created"], 0)

    def test_credit_note_allocation_in_xero(self):
        move = self.exported()
        contact = next(i for i in self.in_xero() if i["InvoiceID"] == move.xero_id)["Contact"]["ContactID"]
        tenant = self.org_a["tenantId"]
        note = self.sandbox.as_user(
            tenant,
            "PUT",
            "/CreditNotes",
            json={
                "CreditNotes": [
                    {
                        "Type": "ACCRECCREDIT",
                        "Contact": {"ContactID": contact},
                        "Status": "AUTHORISED",
                        "CurrencyCode": "USD",
                        "LineAmountTypes": "NoTax",
                        "LineItems": [
                            {"Description": "Goodwill", "Quantity": 1, "UnitAmount": 40, "AccountCode": "200"}
                        ],
                    }
                ]
            },
        ).json()["CreditNotes"][0]
        answer = self.sandbox.as_user(
            tenant,
            "PUT",
            f"/CreditNotes/{note['CreditNoteID']}/Allocations",
            json={
                "Allocations": [
                    {"Invoice": {"InvoiceID": move.xero_id}, "Amount": 40, "Date": str(fields.Date.today())}
                ]
            },
        )
        self.assertEqual(answer.status_code, 200, answer.text)
        self.sync()
        self.assertAlmostEqual(move.amount_residual, move.amount_total - 40.0, places=2)
        self.assertAlmostEqual(move.xero_amount_credited, 40.0, places=2)
        record = self.env["xero.payment"].search([("move_id", "=", move.id), ("kind", "=", "credit_note")])
        self.assertEqual(record.sync_state, "done")
        self.assertEqual(self.sync()["created"], 0)

    def test_voided_in_xero_is_shown(self):
        move = self.exported()
        self.sandbox.as_user(
            self.org_a["tenantId"], "POST", f"/Invoices/{move.xero_id}", json={"Status": "VOIDED"}
        )
        self.sync()
        self.assertEqual(move.xero_document_state, "voided")
        self.assertTrue(move.activity_ids.filtered(lambda a: a.summary == "Voided or deleted in Xero"))

    def test_get_xero_payments_wizard_and_list(self):
        move = self.exported()
        self.pay_in_xero(move, 30.0)
        wizard = self.env["xero.payments.wizard"].create(
            {"tenant_id": self.tenant.id, "date_from": fields.Date.today(), "date_to": fields.Date.today()}
        )
        answer = wizard.with_user(self.xero_user).action_get_payments()
        # A summary on screen, then the list of the period's payments.
        self.assertIn("1 Odoo payment(s) created", answer["params"]["message"])
        action = answer["params"]["next"]
        seen = self.env["xero.payment"].search(action["domain"])
        self.assertIn(move, seen.move_id)
        self.assertEqual(len(self.odoo_payments(move)), 1)
        self.assertIn("1 Odoo payment(s) created", wizard.result)
        groups = self.env["xero.payment"].read_group(action["domain"], ["amount:sum"], ["tenant_id"])
        self.assertEqual(groups[0]["tenant_id"][0], self.tenant.id)

    def test_get_xero_payments_of_a_period_without_payments(self):
        self.exported()
        wizard = self.env["xero.payments.wizard"].create(
            {"tenant_id": self.tenant.id, "date_from": "2020-01-01", "date_to": "2020-01-31"}
        )
        answer = wizard.with_user(self.xero_user).action_get_payments()
        # No empty list saying "No Xero payments yet": the summary says there are none.
        self.assertEqual(answer["tag"], "display_notification")
        self.assertIn("holds no payment", answer["params"]["message"])
        self.assertEqual(answer["params"]["next"], {"type": "ir.actions.act_window_close"})

    def test_sync_runs_in_the_companies_the_check_allowed(self):
        """The sync runs as the user (no superuser behind it) in every company whose
        documents went to the organisation, not only those the company switcher shows: a
        Xero user of an organisation shared by two companies, with only the other one
        selected, still gets the Odoo payment on this company's document."""
        move = self.exported()
        self.pay_in_xero(move, 30.0)
        other = self.env["res.company"].create(
            {"name": "Harbour Branch Ltd", "xero_tenant_id": self.tenant.id}
        )
        self.xero_user.write({"company_ids": [Command.link(other.id)]})
        wizard = (
            self.env["xero.payments.wizard"]
            .with_user(self.xero_user)
            .with_context(allowed_company_ids=[other.id])
            .create(
                {
                    "tenant_id": self.tenant.id,
                    "date_from": fields.Date.today(),
                    "date_to": fields.Date.today(),
                }
            )
        )
        answer = wizard.action_get_payments()
        self.assertIn("1 Odoo payment(s) created", answer["params"]["message"])
        payment = self.odoo_payments(move)
        self.assertEqual(len(payment), 1)
        self.assertEqual(payment.create_uid, self.xero_user)
        self.assertAlmostEqual(move.amount_residual, move.amount_total - 30.0, places=2)

    def test_sync_payments_now_of_a_small_organisation_answers_at_once(self):
        """Its first sync fits in one page of each list: *Sync payments now* does it all
        within the request, with no job and no background run."""
        move = self.exported()
        self.pay_in_xero(move, 40.0)
        self.assertFalse(self.tenant.xero_payments_synced_at, "a first sync")
        with trap_jobs() as trap:
            answer = self.tenant.with_user(self.xero_user).action_xero_sync_payments()
            trap.assert_jobs_count(0)
        self.assertEqual(answer["params"]["type"], "success")
        self.assertIn("1 Odoo payment(s) created", answer["params"]["message"])
        self.assertNotIn("next", answer["params"])
        self.assertFalse(self.env["xero.background.run"].search([("kind", "=", "payments")]))
        self.assertAlmostEqual(move.amount_residual, move.amount_total - 40.0, places=2)
        self.assertTrue(self.tenant.xero_payments_synced_at)

    def test_update_from_xero_button(self):
        move = self.exported()
        self.pay_in_xero(move, 25.0)
        answer = move.with_user(self.xero_user).action_xero_update_payments()
        self.assertAlmostEqual(move.amount_residual, move.amount_total - 25.0, places=2)
        # One sentence on screen naming the document and Xero's figures, then the form reloads.
        self.assertIn(move.name, answer["params"]["message"])
        self.assertIn("paid", answer["params"]["message"])
        self.assertEqual(answer["params"]["next"]["tag"], "soft_reload")
