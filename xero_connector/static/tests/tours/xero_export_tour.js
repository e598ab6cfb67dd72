/** @odoo-module */

import { registry } from "@web/core/registry";

function exportedButtonReadsExportedOnADate() {
    const label = this.anchor.querySelector(".o_stat_text")?.textContent.trim();
    const value = this.anchor.querySelector(".o_stat_value")?.textContent.trim();
    // A date in the user's format, without a time of day.
    if (label !== "Exported" || !/^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}$/.test(value || "")) {
        throw new Error(`The stat button should read "Exported <date>", it reads "${label} ${value}"`);
    }
}

// A Xero user opens a posted invoice not yet in Xero, presses "Export to Xero", and the form
// then shows the stat button "Exported <date>" instead of the export button.
registry.category("web_tour.tours").add("xero_export_tour", {
    steps: () => [
        {
            content: "A posted invoice, not in Xero: no Exported button yet",
            trigger: ".o_form_view .o_field_widget[name='name']:not(:empty)",
            run() {
                if (document.querySelector(".o_xero_exported")) {
                    throw new Error("The invoice already shows an Exported button");
                }
            },
        },
        {
            content: "Press Export to Xero",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_xero_export']",
            run: "click",
        },
        {
            content: "The stat button reads Exported and the export date",
            trigger: ".o_form_view button.o_xero_exported",
            run: exportedButtonReadsExportedOnADate,
        },
        {
            content: "The Export to Xero button is gone",
            trigger: ".o_form_view .o_statusbar_buttons:not(:has(button[name='action_xero_export']))",
        },
    ],
});

// On an exported invoice, pressing "Exported <date>" asks Xero and opens the "Xero check"
// dialog: Xero's number (the invoice's own), its status, and that the totals match.
let invoiceName = null;
registry.category("web_tour.tours").add("xero_check_tour", {
    steps: () => [
        {
            content: "Note the invoice's number",
            trigger: ".o_form_view .o_field_widget[name='name']:not(:empty)",
            run() {
                invoiceName = this.anchor.textContent.trim();
            },
        },
        {
            content: "Press the Exported button",
            trigger: ".o_form_view button.o_xero_exported",
            run: "click",
        },
        {
            content: "The Xero check dialog opens",
            trigger: ".modal .modal-title:contains('Xero check')",
        },
        {
            content: "It shows Xero's number: the invoice's own",
            trigger: ".modal .o_field_widget[name='xero_number']:not(:empty)",
            run() {
                const number = this.anchor.textContent.trim();
                if (!invoiceName || number !== invoiceName) {
                    throw new Error(`Xero number "${number}" is not the invoice's "${invoiceName}"`);
                }
            },
        },
        {
            content: "It shows the status in Xero",
            trigger: ".modal .o_field_widget[name='xero_status']:contains('Awaiting payment')",
        },
        {
            content: "Odoo and Xero totals match",
            trigger: ".modal .o_xero_totals_match:visible:contains('Odoo and Xero totals match.')",
        },
        {
            content: "Close the dialog",
            trigger: ".modal .modal-footer button:contains('Close')",
            run: "click",
        },
        {
            content: "Back on the invoice",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
