"""Referral links (issue 14): /balance shows `https://t.me/<bot>?start=ref_<code>`; a new
person who starts with it is linked once; with REFERRAL_CREDITS set, both are credited once
(ledger grants with idempotency keys) when the new person's first video is delivered. One's own
link, a second link, an unknown code and a person who already made videos change nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.fakes.telegram import FakeTelegram, TgUser
from tests.support.credits import CREDITS, balance_text, bob, delivered, dm, text_of
from tests.support.harness import ALICE, BOB, Jobs, Person, StartBot, query

pytestmark = pytest.mark.midday

REFERRALS = {**CREDITS, "free_credits_per_day": 30, "referral_credits": 20}
CAROL = TgUser(id=1003, first_name="Carol")
DAVE = TgUser(id=1004, first_name="Dave")


def invitation(code: str) -> str:
    return (
        "\n\n🤝 Invite a friend: you both get 20 credits when they make their first video.\n"
        f"https://t.me/veo_test_bot?start=ref_{code}"
    )


async def code_of(person: Person) -> str:
    found = re.search(r"\?start=ref_([a-z0-9]+)$", await text_of(person, "/balance"))
    assert found is not None
    return found.group(1)


def referred_by(database_path: Path, user_id: int) -> int | None:
    rows = query(database_path, f"SELECT referred_by FROM people WHERE user_id = {user_id}")
    return rows[0]["referred_by"] if rows else None


async def test_both_are_credited_once_when_the_invited_persons_first_video_is_delivered(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, jobs: Jobs, database_path: Path
) -> None:
    bob_dm, carol = bob(telegram), dm(telegram, CAROL)
    async with start_bot(**REFERRALS):
        code = await code_of(alice)
        assert await text_of(alice, "/balance") == balance_text(30, 0, 30) + invitation(code)
        assert await code_of(alice) == code  # the same link every time

        await bob_dm.say(f"/start ref_{code}")
        assert referred_by(database_path, BOB.id) == ALICE.id
        # A second link does not move Bob to Carol.
        await bob_dm.say(f"/start ref_{await code_of(carol)}")
        assert referred_by(database_path, BOB.id) == ALICE.id

        await delivered(bob_dm, jobs, "my first video")
        await telegram.wait_for(
            lambda: (
                query(
                    database_path,
                    "SELECT COUNT(*) AS n FROM ledger WHERE idempotency_key LIKE 'referral:%'",
                )[0]["n"]
                == 2
            )
        )
        await telegram.wait_for(lambda: "A friend you invited" in telegram.texts(ALICE.id)[-1])
        assert telegram.texts(ALICE.id)[-1] == (
            "🎁 A friend you invited made their first video: 20 credits added; you now have 50."
        )
        assert "🎁 Welcome gift: 20 credits for your first video through a friend's link; " + (
            "you now have 40."
        ) in telegram.texts(BOB.id)
        bobs = await code_of(bob_dm)
        assert await text_of(bob_dm, "/balance") == balance_text(20, 20, 30) + invitation(bobs)
        assert await text_of(alice, "/balance") == balance_text(30, 20, 30) + invitation(code)
        assert await text_of(carol, "/balance") == balance_text(30, 0, 30) + invitation(
            await code_of(carol)
        )

        await delivered(bob_dm, jobs, "my second video", 2)  # not the first: nothing more
        assert await text_of(alice, "/balance") == balance_text(30, 20, 30) + invitation(code)
        assert await text_of(bob_dm, "/balance") == balance_text(10, 20, 30) + invitation(bobs)


async def test_own_links_unknown_codes_and_old_hands_are_refused_silently(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, jobs: Jobs, database_path: Path
) -> None:
    dave = dm(telegram, DAVE)
    async with start_bot(**REFERRALS):
        code = await code_of(alice)
        greeting = (await alice.say("/start")).text
        assert (await alice.say(f"/start ref_{code}")).text == greeting  # nothing else said
        assert referred_by(database_path, ALICE.id) is None
        await dave.say("/start ref_nosuchcode")
        assert referred_by(database_path, DAVE.id) is None

        await delivered(dave, jobs, "made before any link")
        await dave.say(f"/start ref_{code}")  # not new any more
        assert referred_by(database_path, DAVE.id) is None
        assert await text_of(alice, "/balance") == balance_text(30, 0, 30) + invitation(code)


async def test_referrals_are_off_by_default(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, jobs: Jobs, database_path: Path
) -> None:
    async with start_bot(**CREDITS, free_credits_per_day=30):
        assert await text_of(alice, "/balance") == balance_text(30, 0, 30)  # no link
        assert query(database_path, "SELECT referral_code FROM people")[0]["referral_code"] is None
