"""The callback codec: one declaration per button, generic packing, old buttons in chats."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import BotRuntime
from bot.domain.options import Option
from bot.services.followups import FollowUp
from bot.telegram.callbacks import (
    MAX_CALLBACK_BYTES,
    Button,
    BuyButton,
    CancelJob,
    ChooseOption,
    CreateJob,
    DiscardDraft,
    FollowUpButton,
    LanguageButton,
    SettingsButton,
    SettingsDone,
    decode,
)
from tests.fakes.telegram import FakeTelegram
from tests.support.harness import Person, job_rows

EXPIRED = "This button has expired. Send /video to start again."


@pytest.mark.parametrize(
    ("button", "data"),
    [
        (ChooseOption(12, Option.ASPECT_RATIO, "16:9"), "v1|o|12|ratio|16:9"),
        (ChooseOption(10**15, Option.TIER, "quality"), f"v1|o|{10**15}|tier|quality"),
        (CreateJob(3), "v1|c|3"),
        (DiscardDraft(4), "v1|x|4"),
        (CancelJob(5), "v1|j|5"),
        (FollowUpButton(6, FollowUp.UPGRADE_4K), "v1|f|6|up4k"),
        (SettingsButton(Option.SOUND, "off"), "v1|s|sound|off"),
        (SettingsDone(), "v1|sd"),
        (LanguageButton("zh"), "v1|l|zh"),
        (BuyButton("m"), "v1|b|m"),
    ],
)
def test_each_button_packs_to_the_layout_already_in_chats(button: Button, data: str) -> None:
    """The layout is the one the first codec wrote, so buttons sent before keep working."""
    assert button.pack() == data
    assert len(data.encode()) <= MAX_CALLBACK_BYTES
    assert decode(data) == button
    assert type(button).matches(data)
    assert type(button).unpack(data) == button


def test_a_family_claims_only_its_own_data() -> None:
    assert not CreateJob.matches("v1|x|4")
    assert CreateJob.unpack("v1|x|4") is None
    assert not CancelJob.matches(None)


@pytest.mark.parametrize(
    "data",
    [
        "v1|c|" + "1" * 70,  # over 64 bytes
        "v9|c|1",  # another version
        "c|1",  # no version
        "v1|c",  # a field missing
        "v1|c|1|2",  # a field too many
        "v1|c|-1",  # not an id
        "v1|c|" + "9" * 19,  # an id too long
        "v1|o|1|colour|red",  # not an option
        "v1|f|1|dance",  # not a follow-up
        "v1|zz|1",  # no such button
        "v1|sd|",  # an empty field where there is none
        "",
    ],
)
def test_anything_else_unpacks_to_none(data: str) -> None:
    assert decode(data) is None


def test_packing_refuses_over_64_bytes_and_the_separator() -> None:
    with pytest.raises(ValueError, match="over 64 bytes"):
        ChooseOption(1, Option.TIER, "x" * 60).pack()
    with pytest.raises(ValueError, match="holds"):
        ChooseOption(1, Option.TIER, "a|b").pack()
    with pytest.raises(ValueError, match="empty"):
        BuyButton("").pack()


def test_a_prefix_is_declared_once() -> None:
    with pytest.raises(TypeError, match="taken"):

        class Again(Button, prefix="c"):
            pass


async def test_buttons_written_by_the_first_codec_still_work(
    bot: BotRuntime, telegram: FakeTelegram, alice: Person, database_path: Path
) -> None:
    """A card sent before the new codec: its raw `v1|…` data chooses and creates."""
    card = await alice.say("/video a paper boat on a puddle")
    draft_id = int(alice.current(card).button_data("Create video").rsplit("|", 1)[1])
    answer = await alice.press_data(card.message_id, f"v1|o|{draft_id}|ratio|9:16")
    assert not answer.get("text")
    await telegram.wait_for(lambda: "9:16" in (alice.current(card).text or ""))
    await alice.press_data(card.message_id, f"v1|c|{draft_id}")
    await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video")
    await telegram.wait_for(lambda: [r["state"] for r in job_rows(database_path)] == ["delivered"])
    assert job_rows(database_path)[0]["request_json"].count('"9:16"') == 1


async def test_buttons_of_an_older_layout_answer_expired(
    bot: BotRuntime, telegram: FakeTelegram, alice: Person, database_path: Path
) -> None:
    card = await alice.say("/video a paper boat on a puddle")
    for data in ("c|1", "v0|c|1", "create:1"):
        answer = await alice.press_data(card.message_id, data)
        assert (answer["text"], answer["show_alert"]) == (EXPIRED, True)
    assert job_rows(database_path) == []
