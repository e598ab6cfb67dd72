/** @odoo-module */

import { registry } from "@web/core/registry";

// A buyer opens a confirmed purchase order not yet in Xero and presses "Add to Xero": the
// button goes, and the Xero tab says the order is in Xero with its Xero number.
let orderName = null;
registry.category("web_tour.tours").add("xero_po_add_tour", {
    steps: () => [
        {
            content: "Note the order's number",
            trigger: ".o_form_view .oe_title .o_field_widget[name='name']:not(:empty)",
            run() {
                orderName = this.anchor.textContent.trim();
            },
        },
        {
            content: "Press Add to Xero",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_xero_export']",
            run: "click",
        },
        {
            content: "The Add to Xero button is gone",
            trigger: ".o_form_view .o_statusbar_buttons:not(:has(button[name='action_xero_export']))",
        },
        {
            content: "Open the Xero tab",
            trigger: ".o_form_view .o_notebook a.nav-link[name='xero']",
            run: "click",
        },
        {
            content: "The Xero tab shows the order in Xero under its own number",
            trigger: ".o_form_view .o_field_widget[name='xero_number']:not(:empty)",
            run() {
                const state = document.querySelector(".o_field_widget[name='xero_export_state']");
                const number = this.anchor.textContent.trim();
                if (!state || !state.textContent.includes("In Xero")) {
                    throw new Error(`Expected "In Xero", read "${state && state.textContent}"`);
                }
                if (number !== orderName) {
                    throw new Error(`Xero number ${number} should be the order's ${orderName}`);
                }
            },
        },
    ],
});
