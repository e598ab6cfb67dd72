"""One Odoo process of the two-process limits test (test_limits_two_processes.py): its own
registry on the test's database, ``threads`` threads each reading one organisation from Xero
``calls`` times through the connector's choke point, all starting at ``start`` (epoch).
Prints one JSON line: the calls that succeeded and the errors."""

import json
import sys
import threading
import time

import odoo
from odoo import SUPERUSER_ID, api


def main(config, dbname, tenant_id, threads, calls, start):
    odoo.tools.config.parse_config(["-c", config, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(dbname)
    done, errors = [], []

    def work():
        time.sleep(max(0.0, start - time.time()))
        for _n in range(calls):
            try:
                with registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    answer = (
                        env["xero.tenant"]
                        .browse(tenant_id)
                        ._xero_call("reading the organisation", "get_organisations")
                    )
                    done.append(bool(answer.get("Organisations")))
            except Exception as error:  # reported to the test, which fails on any
                errors.append(repr(error))

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    print(json.dumps({"done": sum(done), "errors": errors}))


if __name__ == "__main__":
    config, dbname, tenant_id, threads, calls, start = sys.argv[1:7]
    main(config, dbname, int(tenant_id), int(threads), int(calls), float(start))
