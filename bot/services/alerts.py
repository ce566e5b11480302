"""Operator alerts: vendor auth and balance trouble, said once per vendor and kind an hour."""

from __future__ import annotations

import logging

from bot.domain.status import FailureKind
from bot.services.ports import AlertSink, Clock

log = logging.getLogger(__name__)

ALERT_COOLDOWN_SECONDS = 3600.0


class OperatorAlerts:
    def __init__(self, sink: AlertSink | None, clock: Clock) -> None:
        self._sink = sink
        self._clock = clock
        self._last_sent: dict[tuple[str, FailureKind], float] = {}

    async def vendor_problem(self, vendor: str, kind: FailureKind, message: str) -> None:
        log.error("vendor %s needs the operator (%s): %s", vendor, kind, message)
        now = self._clock()
        last = self._last_sent.get((vendor, kind))
        if self._sink is None or (last is not None and now - last < ALERT_COOLDOWN_SECONDS):
            return
        self._last_sent[(vendor, kind)] = now
        what = "refuses the API key" if kind is FailureKind.AUTH else "is out of balance"
        try:
            await self._sink.send_alert(f"⚠️ Vendor {vendor} {what}: {message}")
        except Exception:
            log.exception("could not send the operator alert")
