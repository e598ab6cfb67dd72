/** @odoo-module */

import { registry } from "@web/core/registry";

// M-Power's "Show Xero Tenants, then Add another tenant": a Xero manager opens their login,
// sees the organisations it was granted, adds another through Xero's consent page (the
// sandbox), and finds it listed beside the first one, mapped to no company yet.
registry.category("web_tour.tours").add("xero_organisations_tour", {
    url: "/odoo/action-xero_connector.action_xero_connection",
    steps: () => [
        {
            content: "Open my Xero login",
            trigger: ".o_list_view .o_data_row td[name='name']:contains('demo.user@example.com')",
            run: "click",
        },
        {
            content: "Press Show Xero organisations",
            trigger: ".o_form_view .o_statusbar_buttons button:contains('Show Xero organisations')",
            run: "click",
        },
        {
            content: "Xero lists the organisation granted, linked",
            trigger:
                ".modal .o_field_widget[name='line_ids'] .o_data_row:contains('Alpha Trading'):has(.o_field_boolean_toggle input:checked)",
        },
        {
            content: "Only that one so far",
            trigger: ".modal .o_field_widget[name='line_ids']:not(:has(.o_data_row:contains('Beta Services')))",
        },
        {
            content: "Press Add another organisation (off to Xero's consent page)",
            trigger: ".modal .modal-footer button[name='action_add_organisation']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Back from Xero: the new organisation is listed, mapped to no company",
            trigger:
                ".o_list_view .o_data_row:contains('Beta Services'):has(td[name='company_ids']:not(:has(.o_tag)))",
        },
        {
            content: "The first one is kept, still mapped to its company",
            trigger: ".o_list_view .o_data_row:contains('Alpha Trading'):has(td[name='company_ids'] .o_tag)",
        },
        {
            content: "Back to my login",
            trigger: ".o_list_view",
            run() {
                window.location.href = "/odoo/action-xero_connector.action_xero_connection";
            },
            expectUnloadPage: true,
        },
        {
            content: "Open my Xero login again",
            trigger: ".o_list_view .o_data_row td[name='name']:contains('demo.user@example.com')",
            run: "click",
        },
        {
            content: "Press Show Xero organisations again",
            trigger: ".o_form_view .o_statusbar_buttons button:contains('Show Xero organisations')",
            run: "click",
        },
        {
            content: "Xero now lists both organisations, both linked",
            trigger:
                ".modal .o_field_widget[name='line_ids']:has(.o_data_row:contains('Alpha Trading') .o_field_boolean_toggle input:checked):has(.o_data_row:contains('Beta Services') .o_field_boolean_toggle input:checked)",
        },
        {
            content: "Close",
            trigger: ".modal .modal-footer button:contains('Close')",
            run: "click",
        },
        {
            content: "Closed",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
