/** @odoo-module */

import { registry } from "@web/core/registry";

// The Xero overview: the organisation's card says it is connected and counts one failed
// export; the number opens the failed invoice; Get payments asks Xero; the chart opens the
// calls per hour.
registry.category("web_tour.tours").add("xero_overview_tour", {
    steps: () => [
        {
            content: "The organisation's card, connected",
            trigger: ".o_kanban_record:contains('Alpha Trading'):contains('Connected')",
        },
        {
            content: "One failed export",
            trigger: ".o_kanban_record .o_xero_failed_count:contains('1')",
        },
        {
            content: "One queued",
            trigger: ".o_kanban_record .o_xero_queued_count:contains('1')",
        },
        {
            content: "Open the failed ones",
            trigger: ".o_kanban_record a.o_xero_failed",
            run: "click",
        },
        {
            content: "The list holds the failed invoice only",
            trigger: ".o_list_view .o_data_row:contains('Export failed')",
            run() {
                const rows = document.querySelectorAll(".o_list_view .o_data_row").length;
                if (rows !== 1) {
                    throw new Error(`The list should hold the failed invoice only, it holds ${rows} rows`);
                }
            },
        },
        {
            content: "Back to the overview",
            trigger: ".o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: "Get payments",
            trigger: ".o_kanban_record button.o_xero_get_payments",
            run: "click",
        },
        {
            content: "Xero answered",
            trigger: ".o_notification:contains('Xero payment(s) read')",
        },
        {
            content: "Open the calls-per-hour chart",
            trigger: ".o_kanban_record a.o_xero_chart_link",
            run: "click",
        },
        {
            content: "The chart of the sync log",
            trigger: ".o_graph_view canvas",
        },
    ],
});
