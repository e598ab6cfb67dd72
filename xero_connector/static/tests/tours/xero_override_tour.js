/** @odoo-module */

import { registry } from "@web/core/registry";

// A Xero manager working in both companies opens a draft invoice of company A, sends it to
// company B's Xero organisation (Other Info > Xero organisation), confirms it and presses
// "Export to Xero": the Exported button shows (the test then finds it in organisation B).
registry.category("web_tour.tours").add("xero_override_export_tour", {
    steps: () => [
        {
            content: "Open the Other Info tab",
            trigger: ".o_form_view .o_notebook a[name='other_info']",
            run: "click",
        },
        {
            content: "Type the other company's organisation",
            trigger: ".o_form_view .o_field_widget[name='xero_tenant_id'] input",
            run: "edit Beta Services",
        },
        {
            content: "Pick it",
            trigger: ".o-autocomplete--dropdown-menu .dropdown-item:contains('Beta Services')",
            run: "click",
        },
        {
            content: "Confirm the invoice",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_post']",
            run: "click",
        },
        {
            content: "Press Export to Xero",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_xero_export']",
            run: "click",
        },
        {
            content: "The invoice reads Exported",
            trigger: ".o_form_view button.o_xero_exported .o_stat_text:contains('Exported')",
        },
    ],
});
