/** @odoo-module */

import { registry } from "@web/core/registry";
import { openVarianceReportSteps } from "@xero_connector/../tests/tours/xero_variance_steps";

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

// A variance report of more documents than the user waits for: its run's progress bar moves
// while the job reads Xero, and the notification's Open button opens the report's rows.
registry.category("web_tour.tours").add("xero_background_variance_tour", {
    steps: () => [
        ...openVarianceReportSteps(),
        {
            content: "The answer says it runs in the background",
            trigger: ".o_notification:contains('in the background')",
        },
        {
            content: "and opens the run at 0 of 2 documents",
            trigger:
                ".o_form_view .o_field_widget[name='done_count'] .o_progress[aria-valuenow='0'][aria-valuemax='2']",
        },
        {
            content: "The job reads Xero: the bar reaches 2 of 2 without a reload",
            trigger:
                ".o_form_view .o_field_widget[name='done_count'] .o_progress[aria-valuenow='2'][aria-valuemax='2']",
            timeout: 60000,
        },
        {
            content: "The notification says the rows are ready",
            trigger: ".o_notification.o_xero_run_done:contains('Xero variance report ready')",
        },
        {
            content: "Its Open button",
            trigger: ".o_notification.o_xero_run_done .o_notification_buttons button:contains('Open')",
            run: "click",
        },
        {
            content: "opens the report's rows",
            trigger: ".o_list_view .o_data_row:contains('Not exported')",
        },
        {
            content: "both of them",
            trigger: ".o_list_view .o_data_row:eq(1):contains('Not exported')",
        },
        {
            content: "Back to the run in the breadcrumb",
            trigger: ".o_breadcrumb li.o_back_button a",
            run: "click",
        },
        {
            content: "Done",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Done')",
        },
        {
            content: "with the result to open again",
            trigger: ".o_form_view .o_form_statusbar button[name='action_open_result']",
        },
    ],
});

// From the Xero overview, the user's background work as a list: a running export's row shows
// its progress bar, which moves to done while the job runner works, without a reload.
registry.category("web_tour.tours").add("xero_background_list_tour", {
    steps: () => [
        {
            content: "Open your background work from the overview",
            trigger: ".o_xero_overview .o_xero_background_runs",
            run: "click",
        },
        {
            content: "The running export shows 0 of 3",
            trigger:
                ".o_list_view .o_data_row:contains('Export to Xero: 3 documents') .o_progress[aria-valuenow='0'][aria-valuemax='3']",
        },
        {
            content: "The job runner exports them: the row reaches 3 of 3",
            trigger:
                ".o_list_view .o_data_row:contains('Export to Xero: 3 documents') .o_progress[aria-valuenow='3'][aria-valuemax='3']",
            timeout: 60000,
        },
        {
            content: "and reads Done",
            trigger: ".o_list_view .o_data_row:contains('Export to Xero: 3 documents'):contains('Done')",
        },
        {
            content: "The notification's Open button",
            trigger: ".o_notification.o_xero_run_done .o_notification_buttons button:contains('Open')",
            run: "click",
        },
        {
            content: "opens what was sent",
            trigger: ".o_list_view .o_group_header:contains('Exported (3)')",
        },
    ],
});
