/** @odoo-module */

import { registry } from "@web/core/registry";
import { openVarianceReportSteps } from "@xero_connector/../tests/tours/xero_variance_steps";

// An accountant opens the variance report from the invoice list's Action menu (last month,
// the default), sees the invoice that never went to Xero, exports it from the report, and
// opens it with a click on its row.
registry.category("web_tour.tours").add("xero_variance_tour", {
    steps: () => [
        ...openVarianceReportSteps(),
        {
            content: "The invoice that differs in Xero is listed with both totals",
            trigger: ".o_list_view .o_data_row:contains('Differs in Xero')",
        },
        {
            content: "Select the invoice that is not exported",
            trigger: ".o_list_view .o_data_row:contains('Not exported') .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Export it from the report",
            trigger: ".o_control_panel button[name='action_export_documents']",
            run: "click",
        },
        {
            content: "Xero confirms",
            trigger: ".o_notification:contains('1 document(s) exported to Xero')",
        },
        {
            content: "The row now reads exported and equal",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Not exported'))) .o_data_row:contains('Exported and equal')",
        },
        {
            content: "A click on the row opens the invoice",
            trigger: ".o_list_view .o_data_row:contains('Exported and equal') td[name='name']",
            run: "click",
        },
        {
            content: "The invoice's form, exported",
            trigger: ".o_form_view button.o_xero_exported",
        },
    ],
});
