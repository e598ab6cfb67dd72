/** @odoo-module */

import { registry } from "@web/core/registry";

// README step 10 in a company that sends its orders to Xero as bills, as a buyer follows it:
// confirm the request for quotation (the order goes to the export queue at once), then, once
// the queue has sent it, the Xero tab shows the Xero bill; receive the products, Create Bill,
// fill in the bill date and confirm it.
registry.category("web_tour.tours").add("xero_po_bill_confirm_tour", {
    steps: () => [
        {
            content: "Confirm the request for quotation",
            trigger: ".o_form_view .o_statusbar_buttons button[name='button_confirm']",
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger: ".o_form_view .o_statusbar_status button[aria-checked='true'][data-value='purchase']",
        },
        {
            content: "Open the Xero tab",
            trigger: ".o_form_view .o_notebook a.nav-link[name='xero']",
            run: "click",
        },
        {
            content: "The Xero tab says the order waits in the export queue",
            trigger: ".o_form_view .o_field_widget[name='xero_export_state']:contains('Queued')",
        },
    ],
});

registry.category("web_tour.tours").add("xero_po_bill_receive_tour", {
    steps: () => [
        {
            content: "Open the Xero tab",
            trigger: ".o_form_view .o_notebook a.nav-link[name='xero']",
            run: "click",
        },
        {
            content: "The Xero tab shows the Xero bill of the order",
            trigger: ".o_form_view .o_field_widget[name='xero_number']:not(:empty)",
            run() {
                const state = document.querySelector(".o_field_widget[name='xero_export_state']");
                if (!state || !state.textContent.includes("In Xero")) {
                    throw new Error(`Expected "In Xero", read "${state && state.textContent}"`);
                }
            },
        },
        {
            content: "Receive the products",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_view_picking']",
            run: "click",
        },
        {
            content: "Validate the receipt",
            trigger: ".o_form_view .o_statusbar_buttons button[name='button_validate']",
            run: "click",
        },
        {
            content: "The receipt is done",
            trigger: ".o_form_view .o_statusbar_status button[aria-checked='true'][data-value='done']",
        },
        {
            content: "Back to the order",
            trigger: ".o_breadcrumb .breadcrumb-item:not(.active):last a",
            run: "click",
        },
        {
            content: "Create Bill",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_create_invoice']",
            run: "click",
        },
        {
            content: "Fill in the bill date",
            trigger: ".o_form_view .o_field_widget[name='invoice_date'] input",
            run() {
                const { DateTime } = luxon;
                this.anchor.value = DateTime.now().toFormat("MM/dd/yyyy");
                this.anchor.dispatchEvent(new Event("input", { bubbles: true }));
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Confirm the bill",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_post']",
            run: "click",
        },
        {
            content: "The bill is posted",
            trigger: ".o_form_view .o_statusbar_status button[aria-checked='true'][data-value='posted']",
        },
    ],
});
