"""One bot per SQLite database: a second process refuses to start instead of fighting for
updates. On PostgreSQL several processes share the database (each with its `instance_id`);
their jobs are kept apart by claims (bot/worker.py), so the lease is not taken there."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket

from bot.services.ports import Clock
from bot.store.lease import LeaseStore


class AnotherInstanceError(RuntimeError):
    def __init__(self, holder: str) -> None:
        super().__init__(
            f"another bot process ({holder}) is running on this database; "
            "stop it first (only one instance may poll Telegram and run jobs)"
        )


def instance_id() -> str:
    """This process, as its lease and its job claims name it: host, pid and a random part."""
    return f"{socket.gethostname()} pid {os.getpid()} {secrets.token_hex(3)}"


class InstanceLease:
    def __init__(
        self, store: LeaseStore, clock: Clock, ttl_seconds: float, owner: str | None = None
    ) -> None:
        self._store = store
        self._clock = clock
        self._ttl = ttl_seconds
        self.owner = owner or instance_id()

    async def acquire(self) -> None:
        """Take the lease, waiting out a holder that stops renewing (a crashed process)."""
        deadline = self._clock() + self._ttl + 1
        while True:
            holder = await self._store.take(self.owner, self._clock(), self._ttl)
            if holder is None:
                return
            if self._clock() >= deadline:
                raise AnotherInstanceError(holder)
            await asyncio.sleep(min(1.0, self._ttl / 4))

    async def renew(self) -> None:
        if not await self._store.renew(self.owner, self._clock()):
            await self._store.take(self.owner, self._clock(), self._ttl)

    async def release(self) -> None:
        await self._store.release(self.owner)
