/** @odoo-module */

import { registry } from "@web/core/registry";

// OpenCRM's "Send All Live Invoices": from the invoice list, with nothing selected, every
// posted invoice not yet in Xero goes there.
registry.category("web_tour.tours").add("xero_export_all_tour", {
    steps: () => [
        {
            content: "Press Export all to Xero in the invoice list",
            trigger: ".o_list_view button.o_xero_export_all, .o_control_panel button.o_xero_export_all",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "Xero confirms both",
            trigger: ".o_notification:contains('2 document(s) exported to Xero')",
        },
    ],
});

// The partner's Xero tab: Update balances from Xero shows what the customer owes in Xero.
registry.category("web_tour.tours").add("xero_partner_balances_tour", {
    steps: () => [
        {
            content: "Open the Xero tab",
            trigger: ".o_notebook a[name='xero']",
            run: "click",
        },
        {
            content: "Press Update balances from Xero",
            trigger: "button[name='action_xero_update_balances']",
            run: "click",
        },
        {
            content: "The balance read from Xero shows",
            trigger: ".o_field_widget[name='xero_receivable']:contains('495.00')",
        },
    ],
});
