"""Manual journals with the rest of Xero's rules (FACTS.md: at least two lines, lines balance,
active account codes, no system accounts, at most 2 tracking categories of one option each).

``accounting_money.ManualJournals`` already checks the balance, the narration, the status
transitions, active account codes and tracking; this resource adds what Xero refuses besides:
any journal (draft or posted) with fewer than two lines, and lines on the accounts receivable
or payable system accounts, which only Xero's own documents post to. Lists without ``page``
leave the journal lines out, as Xero's unpaged lists do; a journal read by id, or a page of
them, carries its lines.
"""

from __future__ import annotations

from .accounting_common import Invalid, is_uuid
from .accounting_money import ManualJournals as BaseManualJournals

# Xero's system accounts a manual journal may not post to.
FORBIDDEN_SYSTEM_ACCOUNTS = ("DEBTORS", "CREDITORS")


class ManualJournals(BaseManualJournals):
    def save(self, raw, existing, ctx):
        messages = []
        if "JournalLines" in raw or existing is None:
            lines = raw.get("JournalLines") or []
            if len(lines) < 2:
                messages.append("A manual journal must have at least two journal lines")
            accounts = self.org.resource("Accounts")
            for line in lines:
                account = accounts.find(
                    code=line.get("AccountCode"),
                    account_id=line.get("AccountID") if is_uuid(line.get("AccountID")) else None,
                )
                if account is not None and account.get("SystemAccount") in FORBIDDEN_SYSTEM_ACCOUNTS:
                    messages.append(
                        f"Account code '{account.get('Code')}' is a system account and cannot be used in a "
                        "manual journal"
                    )
        try:
            doc = super().save(raw, existing, ctx)
        except Invalid as error:
            raise Invalid(*messages, *[m for m in error.messages if m not in messages]) from None
        if messages:
            raise Invalid(*messages)
        return doc

    def unpaged_view(self, view):
        return {k: v for k, v in view.items() if k != "JournalLines"}
