/** @odoo-module */

import { registry } from "@web/core/registry";

// OpenCRM's "Send All Live Invoices": from the invoice list, with nothing selected, what the
// list shows and is not yet in Xero is counted and named for a confirmation; the answer names
// the documents and opens them in a list.
registry.category("web_tour.tours").add("xero_export_all_tour", {
    steps: () => [
        {
            content: "Press Export all to Xero in the invoice list",
            trigger: ".o_list_view button.o_xero_export_all, .o_control_panel button.o_xero_export_all",
            run: "click",
        },
        {
            content: "The confirmation counts the documents",
            trigger: ".modal .o_xero_export_all_question:contains('Export 2 document(s) to Xero?')",
        },
        {
            content: "and lists them",
            trigger: ".modal .o_field_widget[name='move_ids'] .o_data_row:eq(1)",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer button[name='action_export']",
            run: "click",
        },
        {
            content: "Xero's answer names what was exported",
            trigger: ".o_notification:contains('Exported to Xero:')",
        },
        {
            content: "and the list of what was sent opens",
            trigger: ".o_breadcrumb:contains('Sent to Xero')",
        },
        {
            content: "with both documents, exported",
            trigger: ".o_list_view .o_data_row:eq(1):contains('Exported')",
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
