"""Telegram updates across replicas: each update id handled once, and one replica polls.

Dedupe: before an update is handled its id is claimed in the database (`processed_updates`);
a second delivery of the same id, to this replica or another, is skipped. A claim carries the
time it was taken: when the replica that took it dies before finishing, another delivery may
take it again once `lease_seconds` have passed (Telegram resends a webhook update that got no
answer); within that window the webhook answers "try later" (503), so Telegram resends it
until it is done or the claim lapsed: never handled twice while its first handling may still
run, and not lost when a replica dies. In polling mode only one process polls, and Telegram
gives the updates it had not confirmed to the next poller (a restarted process, a new
leader): an unfinished claim by another process is taken at once, as before this check
existed; only a copy the same process already holds is skipped. (A leader that lost the lead
while still handling an update may thus see it handled once more by the next; rare.)
Ids older than a day are forgotten; Telegram does not resend anything that old.

Leader: in polling mode on PostgreSQL, the replica holding the `update_leader` row polls
Telegram; the row expires `lease_seconds` after its last renewal, so another replica takes
over within that time when the leader dies (at once when it stops cleanly).
"""

from __future__ import annotations

import os
import secrets
import socket

from bot.services.ports import Clock
from bot.store.updates import Claim, UpdateStore

__all__ = ["Claim", "PollingLeader", "UpdateClaims", "replica_name"]

KEEP_IDS_SECONDS = 24 * 3600


def replica_name() -> str:
    """This process, as other replicas see it in the database."""
    return f"{socket.gethostname()} pid {os.getpid()} {secrets.token_hex(3)}"


class UpdateClaims:
    """Each Telegram update id handled once across every replica on the database."""

    def __init__(self, store: UpdateStore, owner: str, clock: Clock, lease_seconds: float) -> None:
        self._store = store
        self._owner = owner
        self._clock = clock
        self._lease = lease_seconds
        # Alone on its database (SQLite), this process knows every claim: Telegram's update ids
        # only grow, so an id above the highest it ever saw done is new, and its claim needs
        # no write (the mark that it is done still does). None: not looked up yet.
        self._highest_done: int | None = None
        self._under_way: set[int] = set()

    async def claim(self, update_id: int, *, from_others: bool = False) -> Claim:
        """TAKEN: handle it now, then `finish`; DONE or BUSY: leave it alone.

        `from_others`: an unfinished claim by another process is taken at once (polling: only
        one process polls, so that one died or lost the lead before finishing)."""
        if update_id in self._under_way:
            return Claim.BUSY
        self._under_way.add(update_id)  # before any wait: a copy arriving meanwhile is busy
        claim = Claim.BUSY
        try:
            if not self._store.shared:
                if self._highest_done is None:
                    self._highest_done = await self._store.highest_done()
                if update_id > self._highest_done:
                    claim = Claim.TAKEN
                    return claim
            claim = await self._store.claim(
                update_id, self._owner, self._clock(), self._lease, from_others=from_others
            )
            return claim
        finally:
            if claim is not Claim.TAKEN:
                self._under_way.discard(update_id)

    async def finish(self, update_id: int) -> None:
        try:
            await self._store.finish(update_id, self._owner, self._clock())
        finally:
            self._under_way.discard(update_id)
        if self._highest_done is not None:
            self._highest_done = max(self._highest_done, update_id)

    async def forget_old(self) -> int:
        return await self._store.forget_before(self._clock() - KEEP_IDS_SECONDS)


class PollingLeader:
    """Whether this replica is the one that polls Telegram (renewed by calling `hold`)."""

    def __init__(
        self, store: UpdateStore, holder: str, clock: Clock, lease_seconds: float
    ) -> None:
        self._store = store
        self._holder = holder
        self._clock = clock
        self.lease_seconds = lease_seconds

    async def hold(self) -> bool:
        """Take the lead if it is free or lapsed, or renew ours; False while another leads."""
        return await self._store.lead(self._holder, self._clock(), self.lease_seconds)

    async def step_down(self) -> None:
        await self._store.step_down(self._holder)
