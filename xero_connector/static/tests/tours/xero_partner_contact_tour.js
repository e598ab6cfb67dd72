/** @odoo-module */

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// On an invoice, the partner's Xero contact reads "Not selected"; the user picks one from the
// organisation's cached contacts and saves; a new invoice of the same partner has it already.
registry.category("web_tour.tours").add("xero_partner_contact_tour", {
    steps: () => [
        {
            content: "The invoice's Xero contact is not selected yet",
            trigger: ".o_field_widget[name='xero_contact_id'] input[placeholder='Not selected']",
            run() {
                if (this.anchor.value) {
                    throw new Error(`Expected no Xero contact, found ${this.anchor.value}`);
                }
            },
        },
        {
            content: "Search the organisation's contacts",
            trigger: ".o_field_widget[name='xero_contact_id'] input",
            run: "edit Bayside",
        },
        {
            content: "Pick Bayside Club",
            trigger: ".o-autocomplete--dropdown-item:contains('Bayside Club')",
            run: "click",
        },
        ...stepUtils.saveForm(),
        {
            content: "Make another invoice",
            trigger: ".o_form_button_create",
            run: "click",
        },
        {
            content: "Choose the same customer",
            trigger: ".o_field_widget[name='partner_id'] input",
            run: "edit Tour Partner",
        },
        {
            content: "Pick Tour Partner",
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Partner')",
            run: "click",
        },
        {
            content: "Its Xero contact is remembered",
            trigger: ".o_field_widget[name='xero_contact_id'] input:value('Bayside Club')",
        },
        ...stepUtils.saveForm(),
    ],
});
