/** @odoo-module */

import { registry } from "@web/core/registry";
import { rpc } from "@web/core/network/rpc";

// The Xero menus as an accountant finds them: Accounting › Xero for the daily tools, the
// set-up under Configuration › Xero, Mappings as one screen, Settings on Xero's own tab.
registry.category("web_tour.tours").add("xero_menus_tour", {
    steps: () => [
        {
            content: "Open the Xero menu of Accounting",
            trigger: ".o_menu_sections .dropdown-toggle:contains('Xero')",
            run: "click",
        },
        {
            content: "The daily tools are there",
            trigger: ".o-dropdown--menu .dropdown-item[data-menu-xmlid='xero_connector.menu_xero_documents_to_check']",
        },
        {
            content: "Open the overview",
            trigger: ".o-dropdown--menu .dropdown-item[data-menu-xmlid='xero_connector.menu_xero_overview']",
            run: "click",
        },
        {
            content: "The card's calls chart has axes and a bar per day",
            trigger: ".o_kanban_record .o_xero_calls_chart svg g.o_xero_chart_day:eq(6)",
        },
        {
            content: "Open Configuration",
            trigger: ".o_menu_sections .dropdown-toggle:contains('Configuration')",
            run: "click",
        },
        {
            content: "Open Mappings",
            trigger: ".o-dropdown--menu .dropdown-item[data-menu-xmlid='xero_connector.menu_xero_mapping']",
            run: "click",
        },
        {
            content: "Mappings opens the organisation's mapping health, named for people",
            trigger: ".o_breadcrumb:contains('Mapping health'):not(:contains('xero.mapping.health'))",
        },
        {
            content: "Its Taxes button opens the tax mappings",
            trigger: ".o_xero_mapping_lists button:contains('Taxes')",
            run: "click",
        },
        {
            content: "The tax mappings list",
            trigger: ".o_breadcrumb:contains('Taxes')",
        },
        {
            content: "Back to Mappings",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Mapping health')",
            run: "click",
        },
        {
            content: "Mappings again, one screen (not a new one per visit)",
            trigger: ".o_form_view .o_xero_mapping_lists",
        },
        {
            content: "Open Configuration again",
            trigger: ".o_menu_sections .dropdown-toggle:contains('Configuration')",
            run: "click",
        },
        {
            content: "Open the Xero settings",
            trigger: ".o-dropdown--menu .dropdown-item[data-menu-xmlid='xero_connector.menu_xero_settings']",
            run: "click",
        },
        {
            content: "Settings open on Xero's own tab, at the connection",
            trigger: ".settings_tab .tab.selected[data-key='xero_connector']",
        },
        {
            content: "with the connection box in view",
            trigger: "#xero_connection:visible",
        },
    ],
});

// Update in Xero answers on screen with one sentence and the form shows Xero's status.
registry.category("web_tour.tours").add("xero_update_answer_tour", {
    steps: () => [
        {
            content: "Open the Xero tab",
            trigger: ".o_form_view .o_notebook a[name='xero']",
            run: "click",
        },
        {
            content: "Press Update in Xero",
            trigger: ".o_form_view button[name='action_xero_update']",
            run: "click",
        },
        {
            content: "Xero's answer in one sentence",
            trigger: ".o_notification:contains('updated in Xero (Draft)')",
        },
        {
            content: "The status is in words",
            trigger: ".o_form_view .o_field_widget[name='xero_status']:contains('Draft')",
        },
    ],
});

// A document waiting in the export queue: the queue sends it in its own transaction (here: a
// call the tour makes, as the queue's cron would), and the open form shows it exported
// without the user reloading the page.
registry.category("web_tour.tours").add("xero_queued_refresh_tour", {
    steps: () => [
        {
            content: "Open the Xero tab",
            trigger: ".o_form_view .o_notebook a[name='xero']",
            run: "click",
        },
        {
            content: "The document waits in the queue",
            trigger: ".o_form_view .o_field_widget[name='xero_export_state']:contains('Queued')",
            async run() {
                const moveId = parseInt(window.location.pathname.split("/").pop());
                await rpc("/web/dataset/call_kw/account.move/action_xero_export", {
                    model: "account.move",
                    method: "action_xero_export",
                    args: [[moveId]],
                    kwargs: {},
                });
            },
        },
        {
            content: "The form shows it exported, without a reload by the user",
            trigger: ".o_form_view .o_field_widget[name='xero_export_state']:contains('Exported')",
        },
        {
            content: "with its Xero number",
            trigger: ".o_form_view .o_field_widget[name='xero_number']:not(:empty)",
        },
    ],
});
