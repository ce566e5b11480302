"""How the bot's parts are: the database, the worker, each vendor.

Everyone may learn whether a part is "ok" or "failing" (`/healthz`, for load balancers); what
went wrong (a vendor's last error text) is for the admins only (`/health` in the chat).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

State = Literal["ok", "failing", "unknown"]


@dataclass(frozen=True)
class PartHealth:
    name: str  # "database", "worker", or a vendor's name
    state: State  # "unknown": a vendor not asked anything yet
    detail: str = ""  # what went wrong; only for the admins
    vendor: bool = False


class HealthCheck:
    def __init__(
        self,
        vendor_health: Callable[[], dict[str, str]],
        *,
        worker_healthy: Callable[[], bool],
        database_healthy: Callable[[], Awaitable[bool]],
    ) -> None:
        self._vendor_health = vendor_health
        self._worker_healthy = worker_healthy
        self._database_healthy = database_healthy

    async def parts(self) -> list[PartHealth]:
        """The database, the worker, then each vendor, with its last error as the detail."""
        database = await self._database_healthy()
        worker = self._worker_healthy()
        return [
            PartHealth("database", "ok" if database else "failing"),
            PartHealth("worker", "ok" if worker else "failing"),
            *(_vendor(name, last) for name, last in self._vendor_health().items()),
        ]


def _vendor(name: str, last: str) -> PartHealth:
    """A vendor's last answer ("ok", "unknown", or what went wrong) as its part's health."""
    if last in ("ok", "unknown"):
        return PartHealth(name, "ok" if last == "ok" else "unknown", vendor=True)
    return PartHealth(name, "failing", last, vendor=True)


def serving(parts: list[PartHealth]) -> bool:
    """The bot serves when its own parts do; a vendor's trouble is the vendor's."""
    return all(part.state == "ok" for part in parts if not part.vendor)
