/** @odoo-module */

import { registry } from "@web/core/registry";

// A posted invoice with a plain negative line, in a company that leaves such lines out of Xero:
// Export to Xero goes on, the Xero tab names the line left out, and the Exported button's check
// dialog says the totals match, Xero's being compared with Odoo's without that line.
registry.category("web_tour.tours").add("xero_left_out_tour", {
    steps: () => [
        {
            content: "Press Export to Xero",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_xero_export']",
            run: "click",
        },
        {
            content: "Exported, not Differs in Xero",
            trigger: ".o_form_view button.o_xero_exported .o_stat_text:visible:contains('Exported')",
        },
        {
            content: "Open the Xero tab",
            trigger: ".o_form_view .o_notebook a[name='xero']",
            run: "click",
        },
        {
            content: "The Xero tab names the line left out and its amount",
            trigger: ".o_form_view .o_xero_left_out:contains('Left out of Xero')",
            run() {
                const text = this.anchor.textContent;
                if (!/Loyalty discount: .*55\.00/.test(text)) {
                    throw new Error(`The line left out and its amount should show, it reads "${text}"`);
                }
            },
        },
        {
            content: "Press the Exported button",
            trigger: ".o_form_view button.o_xero_exported",
            run: "click",
        },
        {
            content: "The check dialog: totals match",
            trigger: ".modal .o_xero_totals_match:visible:contains('Odoo and Xero totals match.')",
        },
        {
            content: "... comparing Xero's total with Odoo's without the line left out",
            trigger: ".modal .o_xero_left_out:visible:contains('Loyalty discount')",
        },
        {
            content: "Close the dialog",
            trigger: ".modal .modal-footer button:contains('Close')",
            run: "click",
        },
        {
            content: "Back on the invoice",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
