/** @odoo-module */

import { registry } from "@web/core/registry";

// Export all of more documents than one press holds: the run opens with Odoo's progress bar,
// which moves while the job runner exports them (the bus tells the browser), and the
// notification that ends it opens the list of what was sent and what failed.
registry.category("web_tour.tours").add("xero_background_export_tour", {
    steps: () => [
        {
            content: "Press Export all to Xero in the invoice list",
            trigger: ".o_list_view button.o_xero_export_all, .o_control_panel button.o_xero_export_all",
            run: "click",
        },
        {
            content: "The confirmation counts the documents",
            trigger: ".modal .o_xero_export_all_question:contains('Export 3 document(s) to Xero?')",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer button[name='action_export']",
            run: "click",
        },
        {
            content: "The answer says it runs in the background",
            trigger: ".o_notification:contains('in the background')",
        },
        {
            content: "and opens the run",
            trigger: ".o_breadcrumb:contains('Export to Xero: 3 documents')",
        },
        {
            content: "whose progress bar starts at 0 of 3, running",
            trigger:
                ".o_form_view .o_field_widget[name='done_count'] .o_progress[aria-valuenow='0'][aria-valuemax='3']",
        },
        {
            content: "The job runner exports them: the bar reaches 3 of 3 without a reload",
            trigger:
                ".o_form_view .o_field_widget[name='done_count'] .o_progress[aria-valuenow='3'][aria-valuemax='3']",
            timeout: 60000,
        },
        {
            content: "and the run is done",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Done')",
        },
        {
            content: "The notification that ends it names the result",
            trigger: ".o_notification.o_xero_run_done:contains('3 document(s) exported to Xero.')",
        },
        {
            content: "Its Open button",
            trigger: ".o_notification.o_xero_run_done .o_notification_buttons button:contains('Open')",
            run: "click",
        },
        {
            content: "opens the list of what was sent",
            trigger: ".o_breadcrumb:contains('Sent to Xero')",
        },
        {
            content: "grouped by what became of them",
            trigger: ".o_list_view .o_group_header:contains('Exported (3)')",
        },
    ],
});
