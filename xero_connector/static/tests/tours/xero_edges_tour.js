/** @odoo-module */

import { registry } from "@web/core/registry";

// An invoice linked to a Xero copy whose total is not Odoo's: the stat button says so, and the
// Xero tab shows both figures (never "Exported").
registry.category("web_tour.tours").add("xero_differs_tour", {
    steps: () => [
        {
            content: "The stat button reads Differs in Xero",
            trigger: ".o_form_view button.o_xero_exported .o_stat_text:contains('Differs in Xero')",
        },
        {
            content: "Open the Xero tab",
            trigger: ".o_form_view .o_notebook a[name='xero']",
            run: "click",
        },
        {
            content: "Both totals are shown",
            trigger: ".o_form_view .o_xero_differs:contains('Odoo'):contains('Xero')",
            run() {
                const text = this.anchor.textContent;
                if (!/77\.00/.test(text) || !/44\.00/.test(text)) {
                    throw new Error(`Both totals (77.00 and 44.00) should show, it reads "${text}"`);
                }
            },
        },
    ],
});

// Clear exported status while Xero cannot be reached: the wizard says Xero could not be
// asked, and pressing Clear refuses with the reason; the invoice stays exported.
registry.category("web_tour.tours").add("xero_clear_outage_tour", {
    steps: () => [
        {
            content: "Open the Xero tab",
            trigger: ".o_form_view .o_notebook a[name='xero']",
            run: "click",
        },
        {
            content: "Press Clear exported status",
            trigger: ".o_form_view button[name='action_xero_clear_exported']",
            run: "click",
        },
        {
            content: "The wizard says Xero could not be asked",
            trigger: ".modal .alert-danger:contains('could not be asked')",
        },
        {
            content: "Press Clear exported status in the wizard",
            trigger: ".modal .modal-footer button[name='action_clear']",
            run: "click",
        },
        {
            content: "Refused, with the reason",
            trigger: ".modal:contains('was not cleared')",
        },
    ],
});
