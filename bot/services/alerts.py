"""Operator alerts: vendor auth and balance trouble, failing storage, failing handlers.

Each kind is said at most once an hour, across every process on the database (the cooldown
is a row there); every occurrence is logged.
"""

from __future__ import annotations

import logging

from bot.domain.status import FailureKind
from bot.services.ports import AlertSink, Clock
from bot.store.alerts import AlertStore

log = logging.getLogger(__name__)

ALERT_COOLDOWN_SECONDS = 3600.0


class OperatorAlerts:
    def __init__(
        self,
        sink: AlertSink | None,
        clock: Clock,
        cooldowns: AlertStore | None = None,
        *,
        to_each_admin: bool = False,
    ) -> None:
        # Whether alerts go to each admin directly (no ADMIN_CHAT_ID): then nobody needs to
        # message the admins one by one besides.
        self.to_each_admin = to_each_admin
        self._sink = sink
        self._clock = clock
        self._cooldowns = cooldowns
        self._last_sent: dict[str, float] = {}

    async def vendor_problem(self, vendor: str, kind: FailureKind, message: str) -> None:
        log.error("vendor %s needs the operator (%s): %s", vendor, kind, message)
        what = "refuses the API key" if kind is FailureKind.AUTH else "is out of balance"
        await self._send(f"vendor:{vendor}:{kind.value}", f"⚠️ Vendor {vendor} {what}: {message}")

    async def trouble(self, kind: str, message: str) -> None:
        """Something the operator must look at (storage failing, a handler failing)."""
        await self._send(kind, f"⚠️ {message}")

    async def _send(self, key: str, text: str) -> None:
        now = self._clock()
        last = self._last_sent.get(key)
        if self._sink is None or (last is not None and now - last < ALERT_COOLDOWN_SECONDS):
            return
        if not await self._our_turn(key, now):
            return
        self._last_sent[key] = now
        try:
            await self._sink.send_alert(text)
        except Exception:
            log.exception("could not send the operator alert")

    async def _our_turn(self, key: str, now: float) -> bool:
        """Whether no process sent this alert within the cooldown. A database that cannot
        record it (the alert may be about that very database) leaves the choice to this
        process's own cooldown."""
        if self._cooldowns is None:
            return True
        try:
            return await self._cooldowns.take_turn(key, now, ALERT_COOLDOWN_SECONDS)
        except Exception as error:
            log.warning("could not record the alert's cooldown: %s", error)
            return True
