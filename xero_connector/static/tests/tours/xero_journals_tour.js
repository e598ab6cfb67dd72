/** @odoo-module */

import { registry } from "@web/core/registry";

// A Xero manager opens the organisation, presses "Synchronize now" on its Balances tab: the
// day's journal goes to Xero. Pressed again at once, the 5-minute throttle says when the next
// one is allowed. "Manual journals" lists the journal sent; its form shows the lines and
// "Open in Xero".
registry.category("web_tour.tours").add("xero_journals_tour", {
    steps: () => [
        {
            content: "Open the Balances tab of the organisation",
            trigger: ".o_form_view .o_notebook a.nav-link:contains('Balances')",
            run: "click",
        },
        {
            content: "Press Synchronize now",
            trigger: ".o_form_view button[name='action_xero_sync_journals']",
            run: "click",
        },
        {
            content: "The notification says one journal was sent",
            trigger: ".o_notification:contains('1 journal(s) and 0 adjustment(s) sent')",
        },
        {
            content: "Press Synchronize now again at once",
            trigger: ".o_form_view button[name='action_xero_sync_journals']",
            run: "click",
        },
        {
            content: "Refused: at most once every 5 minutes, with the time of the next one",
            trigger: ".modal:contains('next synchronisation is allowed from')",
        },
        {
            content: "Close the message",
            trigger: ".modal .modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "Open the organisation's manual journals",
            trigger: ".o_form_view button[name='action_xero_open_manual_journals']",
            run: "click",
        },
        {
            content: "The day's journal is listed",
            trigger: ".o_list_view .o_data_row td[name='name']:contains('Odoo balances')",
            run: "click",
        },
        {
            content: "Its form shows the lines and Open in Xero",
            trigger: ".o_form_view .o_field_widget[name='line_ids'] .o_data_row",
        },
        {
            content: "Open in Xero is offered",
            trigger: ".o_form_view button[name='action_xero_open']",
        },
    ],
});
