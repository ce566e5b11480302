"""The one codec for callback data, in the manner of aiogram's `CallbackData`.

Each button is a frozen dataclass that declares its prefix once (`class CreateJob(Button,
prefix="c")`); packing and unpacking are generic over its fields by their annotations (int,
str, or a StrEnum). Data is `v1|<prefix>|<field>|…`, at most 64 bytes; a value holding the
separator is refused when packing, and anything this bot did not make unpacks to None.
Buttons sent before this codec existed used the same `v1|…` layout, so they keep working.
"""

from __future__ import annotations

import dataclasses
import typing
from enum import StrEnum
from typing import Any, ClassVar, Self

from bot.domain.options import Option
from bot.services.followups import FollowUp

MAX_CALLBACK_BYTES = 64
VERSION = "v1"
SEPARATOR = "|"
_MAX_ID_DIGITS = 18


class Button:
    """Base of every button; subclasses are frozen dataclasses with a `prefix`."""

    prefix: ClassVar[str]
    _by_prefix: ClassVar[dict[str, type[Button]]] = {}

    def __init_subclass__(cls, prefix: str | None = None, **kwargs: Any) -> None:
        """`prefix=None` declares a shared base (its fields), not a button."""
        super().__init_subclass__(**kwargs)
        if prefix is None:
            return
        if prefix in Button._by_prefix or SEPARATOR in prefix:
            raise TypeError(f"callback prefix {prefix!r} is taken or invalid")
        cls.prefix = prefix
        Button._by_prefix[prefix] = cls

    def pack(self) -> str:
        values = [_pack_value(getattr(self, f.name)) for f in dataclasses.fields(self)]  # type: ignore[arg-type]
        data = SEPARATOR.join([VERSION, self.prefix, *values])
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
        return data

    @classmethod
    def unpack(cls, data: str | None) -> Self | None:
        """This button from `data`, or None when `data` is anything else."""
        button = decode(data)
        return button if isinstance(button, cls) else None

    @classmethod
    def matches(cls, data: object) -> bool:
        """For `CallbackQueryHandler(pattern=…)`: is `data` one of these buttons?"""
        return isinstance(data, str) and cls.unpack(data) is not None


def decode(data: str | None) -> Button | None:
    """The button behind `data`, or None for anything this bot did not make."""
    if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        return None
    version, *parts = data.split(SEPARATOR)
    if version != VERSION or not parts:
        return None
    prefix, *values = parts
    cls = Button._by_prefix.get(prefix)
    if cls is None:
        return None
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if len(values) != len(fields):
        return None
    hints = typing.get_type_hints(cls)
    try:
        parsed = {
            f.name: _unpack_value(hints[f.name], v) for f, v in zip(fields, values, strict=True)
        }
    except ValueError:
        return None
    return cls(**parsed)


def _pack_value(value: object) -> str:
    text = value.value if isinstance(value, StrEnum) else str(value)
    if SEPARATOR in text or not text:
        raise ValueError(f"callback value {text!r} is empty or holds {SEPARATOR!r}")
    return text


def _unpack_value(kind: object, text: str) -> object:
    """A field from its text; ValueError for one that does not fit the annotation."""
    if kind is int:
        if not text.isdigit() or len(text) > _MAX_ID_DIGITS:
            raise ValueError(text)
        return int(text)
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return kind(text)
    if not text:
        raise ValueError(text)
    return text


@dataclasses.dataclass(frozen=True)
class DraftButton(Button):
    """A button on a card (a draft)."""

    draft_id: int


@dataclasses.dataclass(frozen=True)
class JobButton(Button):
    """A button under a job's status or video."""

    job_id: int


@dataclasses.dataclass(frozen=True)
class ActionButton(Button):
    """A button under an admin's confirmation card."""

    action_id: int


@dataclasses.dataclass(frozen=True)
class ChooseOption(Button, prefix="o"):
    draft_id: int
    option: Option
    value: str


class CreateJob(DraftButton, prefix="c"):
    """▶️ Create."""


class DiscardDraft(DraftButton, prefix="x"):
    """✖️ on a card."""


class AffordableOptions(DraftButton, prefix="ca"):
    """💡 on a card its person cannot afford: switch to options that fit the balance."""


class CancelJob(JobButton, prefix="j"):
    """⏹ Cancel under a queued job."""


class EditFailedPrompt(JobButton, prefix="fe"):
    """✏️ Edit prompt under a failed job: its card again, asking for a new prompt."""


class RetryFailedJob(JobButton, prefix="fr"):
    """🔁 Try again under a failed job: a new job with the same request (once)."""


@dataclasses.dataclass(frozen=True)
class FollowUpButton(Button, prefix="f"):
    job_id: int
    action: FollowUp


@dataclasses.dataclass(frozen=True)
class SettingsButton(Button, prefix="s"):
    option: Option
    value: str


@dataclasses.dataclass(frozen=True)
class SettingsDone(Button, prefix="sd"):
    pass


@dataclasses.dataclass(frozen=True)
class LanguageButton(Button, prefix="l"):
    language: str


@dataclasses.dataclass(frozen=True)
class BuyButton(Button, prefix="b"):
    pack_id: str


@dataclasses.dataclass(frozen=True)
class ShowPacks(Button, prefix="bp"):
    """⭐ Buy credits on a card its person cannot afford: the credit packs."""


class ConfirmAction(ActionButton, prefix="ac"):
    """✅ Confirm under an admin's /grant, /refund or /broadcast."""


class CancelAction(ActionButton, prefix="ax"):
    """✖️ Cancel under an admin's confirmation card."""


class StopBroadcast(ActionButton, prefix="as"):
    """⏹ Stop under a running broadcast."""


@dataclasses.dataclass(frozen=True)
class AllowStranger(Button, prefix="aa"):
    """✅ Allow under the admins' notice that a stranger asked to use a private bot."""

    user_id: int
