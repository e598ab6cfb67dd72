/** @odoo-module */

import { registry } from "@web/core/registry";

// An administrator presses "Connect to Xero" in Settings, Xero (the sandbox) grants the
// organisation, Odoo lists it, and Settings then shows the login as connected.
registry.category("web_tour.tours").add("xero_connect_tour", {
    url: "/odoo/settings#xero_connector",
    steps: () => [
        {
            content: "Settings open on the Xero tab, not connected yet",
            trigger: "#xero_connection .o_xero_state:contains('Not connected')",
        },
        {
            content: "Press Connect to Xero",
            trigger: "button[name='action_xero_connect']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Back from Xero, the granted organisation is listed",
            trigger: ".o_list_renderer td[name='name']:contains('Alpha Trading')",
        },
        {
            content: "Open Settings again",
            trigger: ".o_list_renderer",
            run() {
                window.location.href = "/odoo/settings#xero_connector";
            },
            expectUnloadPage: true,
        },
        {
            content: "Settings shows the login as connected",
            trigger: "#xero_connection .o_field_widget[name='xero_connection_state']:contains('Connected')",
        },
    ],
});
