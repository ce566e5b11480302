"""The one codec for callback data: a version, an action and typed fields, at most 64 bytes."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.options import Option
from bot.services.followups import FollowUp

MAX_CALLBACK_BYTES = 64
_VERSION = "v1"
_SEPARATOR = "|"


@dataclass(frozen=True)
class ChooseOption:
    draft_id: int
    option: Option
    value: str


@dataclass(frozen=True)
class CreateJob:
    draft_id: int


@dataclass(frozen=True)
class DiscardDraft:
    draft_id: int


@dataclass(frozen=True)
class CancelJob:
    job_id: int


@dataclass(frozen=True)
class FollowUpButton:
    job_id: int
    action: FollowUp


@dataclass(frozen=True)
class SettingsButton:
    option: Option
    value: str


@dataclass(frozen=True)
class SettingsDone:
    pass


@dataclass(frozen=True)
class LanguageButton:
    language: str


@dataclass(frozen=True)
class BuyButton:
    pack_id: str


Button = (
    ChooseOption
    | CreateJob
    | DiscardDraft
    | CancelJob
    | FollowUpButton
    | SettingsButton
    | SettingsDone
    | LanguageButton
    | BuyButton
)


def encode(button: Button) -> str:
    if isinstance(button, ChooseOption):
        fields = ["o", str(button.draft_id), button.option.value, button.value]
    elif isinstance(button, CreateJob):
        fields = ["c", str(button.draft_id)]
    elif isinstance(button, DiscardDraft):
        fields = ["x", str(button.draft_id)]
    elif isinstance(button, CancelJob):
        fields = ["j", str(button.job_id)]
    elif isinstance(button, FollowUpButton):
        fields = ["f", str(button.job_id), button.action.value]
    elif isinstance(button, SettingsButton):
        fields = ["s", button.option.value, button.value]
    elif isinstance(button, SettingsDone):
        fields = ["sd"]
    elif isinstance(button, LanguageButton):
        fields = ["l", button.language]
    else:
        fields = ["b", button.pack_id]
    data = _SEPARATOR.join([_VERSION, *fields])
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None) -> Button | None:
    """The button behind `data`, or None for anything this bot did not make."""
    if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        return None
    version, _, rest = data.partition(_SEPARATOR)
    if version != _VERSION:
        return None
    action, *fields = rest.split(_SEPARATOR)
    try:
        if action == "o" and len(fields) == 3:
            return ChooseOption(_id(fields[0]), Option(fields[1]), fields[2])
        if action == "c" and len(fields) == 1:
            return CreateJob(_id(fields[0]))
        if action == "x" and len(fields) == 1:
            return DiscardDraft(_id(fields[0]))
        if action == "j" and len(fields) == 1:
            return CancelJob(_id(fields[0]))
        if action == "f" and len(fields) == 2:
            return FollowUpButton(_id(fields[0]), FollowUp(fields[1]))
        if action == "s" and len(fields) == 2:
            return SettingsButton(Option(fields[0]), fields[1])
        if action == "sd" and not fields:
            return SettingsDone()
        if action == "l" and len(fields) == 1 and fields[0].isalpha():
            return LanguageButton(fields[0])
        if action == "b" and len(fields) == 1 and fields[0].isalnum():
            return BuyButton(fields[0])
    except ValueError:
        return None
    return None


def _id(text: str) -> int:
    if not text.isdigit() or len(text) > 18:
        raise ValueError(text)
    return int(text)
