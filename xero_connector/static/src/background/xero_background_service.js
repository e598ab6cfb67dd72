/** @odoo-module */

import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useBus } from "@web/core/utils/hooks";
import { ProgressBarField, progressBarField } from "@web/views/fields/progress_bar/progress_bar_field";

// Background work of the Xero connector (models/xero_background_run.py) as the user sees it.
export const RUN_PROGRESS = "xero_connector/run_progress";
export const RUN_DONE = "xero_connector/done";

/** The end of background work: a notification whose button opens the result the server
 * sent (Odoo's simple_notification carries no button); each step's progress passed on to the
 * progress bars on screen. */
export const xeroBackgroundService = {
    dependencies: ["bus_service", "notification", "action"],
    start(env, { bus_service: busService, notification, action: actionService }) {
        busService.subscribe(RUN_DONE, ({ title, message, type, sticky, action, button }) => {
            let close = null;
            const buttons = action
                ? [
                      {
                          name: button || _t("Open"),
                          primary: true,
                          onClick: () => {
                              close();
                              actionService.doAction(action);
                          },
                      },
                  ]
                : [];
            close = notification.add(message, {
                title,
                type,
                sticky,
                className: "o_xero_run_done",
                buttons,
            });
        });
        busService.subscribe(RUN_PROGRESS, (payload) => {
            env.bus.trigger("XERO:RUN_PROGRESS", payload);
        });
    },
};

registry.category("services").add("xero_connector.background", xeroBackgroundService);

/** Odoo's progress bar (done / total) that reloads its run when the server says it moved:
 * the form's record, or the list it is a row of (as Odoo's list does after a row's button). */
export class XeroRunProgressField extends ProgressBarField {
    setup() {
        super.setup();
        useBus(this.env.bus, "XERO:RUN_PROGRESS", ({ detail }) => {
            const record = this.props.record;
            if (detail.id !== record.resId || record.dirty) {
                return;
            }
            const root = record.model.root;
            if (root === record) {
                record.load();
            } else {
                root.load();
            }
        });
    }
}

registry.category("fields").add("xero_run_progress", {
    ...progressBarField,
    component: XeroRunProgressField,
    displayName: _t("Xero run progress"),
});
