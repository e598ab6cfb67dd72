/** @odoo-module */

import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { BadgeField, badgeField } from "@web/views/fields/badge/badge_field";
import { onWillUnmount, useEffect } from "@odoo/owl";

// Xero's statuses as Xero's screens word them (the fields keep Xero's codes).
const XERO_STATUS_WORDS = {
    DRAFT: _t("Draft"),
    SUBMITTED: _t("Awaiting approval"),
    AUTHORISED: _t("Awaiting payment"),
    PAID: _t("Paid"),
    VOIDED: _t("Voided"),
    DELETED: _t("Deleted"),
    BILLED: _t("Billed"),
    POSTED: _t("Posted"),
    ACTIVE: _t("Active"),
    ARCHIVED: _t("Archived"),
    PENDING: _t("Pending"),
    GDPRREQUEST: _t("Removal requested"),
};
// On purchase orders Xero says "Approved" where invoices say "Awaiting payment".
const XERO_ORDER_WORDS = { AUTHORISED: _t("Approved") };
const XERO_STATUS_COLOURS = {
    DRAFT: "text-bg-300",
    SUBMITTED: "text-bg-info",
    AUTHORISED: "text-bg-primary",
    PAID: "text-bg-success",
    BILLED: "text-bg-success",
    POSTED: "text-bg-success",
    ACTIVE: "text-bg-success",
    VOIDED: "text-bg-danger",
    DELETED: "text-bg-danger",
    ARCHIVED: "text-bg-300",
};

export function xeroStatusWord(code, model) {
    if (!code) {
        return "";
    }
    if (model === "purchase.order" && XERO_ORDER_WORDS[code]) {
        return XERO_ORDER_WORDS[code];
    }
    return XERO_STATUS_WORDS[code] || code;
}

export class XeroStatusField extends BadgeField {
    get formattedValue() {
        return xeroStatusWord(this.props.record.data[this.props.name], this.props.record.resModel);
    }

    get classFromDecoration() {
        const decorated = super.classFromDecoration;
        if (decorated !== "text-bg-300") {
            return decorated;
        }
        return XERO_STATUS_COLOURS[this.props.record.data[this.props.name]] || "text-bg-300";
    }
}

registry.category("fields").add("xero_status", {
    ...badgeField,
    component: XeroStatusField,
    displayName: _t("Xero status"),
    supportedTypes: ["char"],
});

// How often, and how many times, an open form asks again while its document waits in the
// export queue (the queue runs at once after the click, in its own transaction).
export const QUEUE_POLL_MS = 3000;
export const QUEUE_POLL_TRIES = 20;

/** The export state as a badge; on a form, while the document is queued, the form reloads
 * itself until the queue has sent it (or a minute has passed), so the Xero tab shows the Xero
 * number without the user reloading the page. */
export class XeroExportStateField extends BadgeField {
    setup() {
        super.setup();
        this.tries = 0;
        this.timer = null;
        useEffect(
            (value) => {
                this.stop();
                if (value === "queued" && this.isFormRoot) {
                    this.timer = setInterval(() => this.poll(), QUEUE_POLL_MS);
                }
                return () => this.stop();
            },
            () => [this.props.record.data[this.props.name]]
        );
        onWillUnmount(() => this.stop());
    }

    get isFormRoot() {
        const record = this.props.record;
        return record.resId && record.model.root === record;
    }

    stop() {
        if (this.timer) {
            clearInterval(this.timer);
            this.timer = null;
        }
    }

    async poll() {
        const record = this.props.record;
        this.tries += 1;
        if (this.tries > QUEUE_POLL_TRIES) {
            this.stop();
            return;
        }
        if (record.dirty) {
            return;
        }
        await record.load();
    }
}

registry.category("fields").add("xero_export_state", {
    ...badgeField,
    component: XeroExportStateField,
    displayName: _t("Xero export state"),
});
