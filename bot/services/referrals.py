"""Referral links: `/start ref_<code>` links a new person to whoever invited them, once; when
the new person's first video is delivered, both get REFERRAL_CREDITS (through the ledger, each
grant under its own idempotency key, so a second delivery or a replay credits nothing more).

"New" means the person has made no job yet. A second link, one's own link, or an unknown code
is ignored without a word (a link is no promise to the person who taps it).
"""

from __future__ import annotations

import logging
import secrets
import string
from collections.abc import Awaitable, Callable

from bot.domain.jobs import Job
from bot.services.credits import CreditsService
from bot.services.ports import Clock
from bot.store.profiles import ProfileStore

log = logging.getLogger(__name__)

PREFIX = "ref_"
_ALPHABET = string.ascii_lowercase + string.digits
CODE_LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))


class Referrals:
    def __init__(
        self,
        profiles: ProfileStore,
        credits: CreditsService,
        *,
        credits_each: int,
        clock: Clock,
    ) -> None:
        self._profiles = profiles
        self._credits = credits
        self.credits_each = credits_each
        self._clock = clock
        self._tell: Callable[[int, str, int], Awaitable[object]] | None = None

    def on_credited(self, tell: Callable[[int, str, int], Awaitable[object]]) -> None:
        """Call `tell(user_id, "invited" or "inviter", credits)` after each referral credit."""
        self._tell = tell

    @property
    def enabled(self) -> bool:
        return self.credits_each > 0 and self._credits.enabled

    async def code_for(self, user_id: int) -> str:
        """The person's own code (made on first use)."""
        code = await self._profiles.referral_code(user_id)
        while not code:
            code = await self._profiles.set_referral_code(user_id, new_code(), self._clock())
        return code

    async def arrived(self, user_id: int, start_parameter: str | None) -> bool:
        """`/start <parameter>`: link a new person to the owner of a `ref_` code, once."""
        if not start_parameter or not start_parameter.startswith(PREFIX):
            return False
        referrer = await self._profiles.owner_of(start_parameter.removeprefix(PREFIX))
        if referrer is None or referrer == user_id:
            return False
        linked = await self._profiles.link_referral(user_id, referrer, self._clock())
        if linked:
            log.info("person %s came through the link of %s", user_id, referrer)
        return linked

    async def delivered(self, job: Job) -> None:
        """A video was delivered: on a referred person's first one, credit both once."""
        if not self.enabled:
            return
        profile = await self._profiles.profile(job.user_id)
        if profile is None or profile.referred_by is None:
            return
        if await self._profiles.delivered_count(job.user_id) > 1:
            return  # not their first video
        amount, invited, inviter = self.credits_each, job.user_id, profile.referred_by
        for user_id, role, note in (
            (invited, "invited", f"joined through {inviter}'s link"),
            (inviter, "inviter", f"invited {invited}"),
        ):
            key = f"referral:{invited}:{role}"
            if await self._credits.grant(user_id, amount, key, note=note):
                log.info("referral: %d credits to %s (%s)", amount, user_id, note)
                if self._tell is not None:
                    await self._tell(user_id, role, amount)
