"""The API classes: one method per operation, each with a ``_with_http_info`` twin."""

import json
from pathlib import Path

from pyodk.api.oci_snapshots_api import OCISnapshotsApi
from pyodk.api.tickets_api import TicketsApi

__all__ = ["OPERATION_INDEX", "OCISnapshotsApi", "TicketsApi"]


# TEMPORARY stand-in, branch `fake` only: the lead's generated pyodk/api/__init__.py replaces this
# file and defines OPERATION_INDEX from the same contract. Nothing but the fake's router uses it.
def _operation_index_from_contract() -> tuple[tuple[str, str, str, str], ...]:
    contract = Path(__file__).resolve().parents[2] / "api" / "oktawave.swagger.json"
    if not contract.is_file():  # an installed wheel carries no contract; only a checkout does
        return ()
    paths = json.loads(contract.read_text(encoding="utf-8"))["paths"]
    return tuple(
        (op["operationId"], method.upper(), path, op["tags"][0].replace(" ", "") + "Api")
        for path, operations in paths.items()
        for method, op in operations.items()
    )


#: Every operation of the contract: (operationId, HTTP method, path template, API class name)
OPERATION_INDEX: tuple[tuple[str, str, str, str], ...] = _operation_index_from_contract()
