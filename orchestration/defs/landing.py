"""The landing folder itself: files that no contract table claims are named, not ignored."""

import dagster as dg

from orchestration.defs.resources import AbmSettings
from orchestration.lib.ingest.inventory import unclaimed_files

UNCLAIMED_CHECK = "every_landed_file_is_claimed"
INVENTORY_KEY = dg.AssetKey(["raw", "landing_inventory"])


@dg.asset(
    key=INVENTORY_KEY,
    group_name="raw",
    kinds={"python"},
    description="The files under the landing folder that no <source>/<table>/ folder of the "
    "contract claims (a misspelt or unknown folder): nothing loads them.",
    check_specs=[
        dg.AssetCheckSpec(
            UNCLAIMED_CHECK,
            asset=INVENTORY_KEY,
            description="Every landed file is in a contract folder; a file elsewhere (e.g. "
            "crm/accounts/ for crm/account/) loads nothing: move it.",
        )
    ],
)
def landing_inventory(context: dg.AssetExecutionContext, abm_settings: AbmSettings):
    found = unclaimed_files(abm_settings.landing())
    for unclaimed in found:
        context.log.warning(unclaimed.message)
    yield dg.MaterializeResult(metadata={"unclaimed_files": len(found)})
    yield dg.AssetCheckResult(
        check_name=UNCLAIMED_CHECK,
        passed=not found,
        severity=dg.AssetCheckSeverity.WARN,
        description="; ".join(u.message for u in found[:20]) or "every file is claimed",
        metadata={"unclaimed": "\n".join(u.message for u in found) or "none"},
    )
