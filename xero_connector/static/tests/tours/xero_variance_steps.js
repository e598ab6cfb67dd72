/** @odoo-module */

// The steps both variance tours share (xero_variance_tour.js, xero_background_tour.js): from
// the invoice list, select an invoice, open the Action menu, choose the Xero variance report
// and run it for last month (the wizard's default period).
export function openVarianceReportSteps() {
    return [
        {
            content: "Select an invoice in the list",
            trigger: ".o_list_view .o_data_row:first .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Open the Action menu",
            trigger: ".o_control_panel .o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Choose the Xero variance report",
            trigger: ".o-dropdown--menu .o-dropdown-item:contains('Xero variance report')",
            run: "click",
        },
        {
            content: "Run it for last month (the default period)",
            trigger: ".modal button[name='action_run']",
            run: "click",
        },
    ];
}
