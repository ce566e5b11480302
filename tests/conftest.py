from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.app import BotRuntime
from bot.config import Settings
from tests.fakes.telegram import FakeTelegram, TgChat
from tests.fakes.uniall import FakeUniAll
from tests.support.harness import ALICE, TOKEN, VENDOR_KEY, OffsetClock, Person, make_settings


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(TOKEN) as fake:
        yield fake


@pytest.fixture
async def uniall() -> AsyncIterator[FakeUniAll]:
    async with FakeUniAll(VENDOR_KEY, forbidden_substrings=[TOKEN]) as fake:
        yield fake


@pytest.fixture
def database_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bot.sqlite3"


@pytest.fixture
def clock() -> OffsetClock:
    return OffsetClock()


@pytest.fixture
def settings_for(
    telegram: FakeTelegram, uniall: FakeUniAll, database_path: Path
) -> Callable[..., Settings]:
    def build(**overrides: Any) -> Settings:
        values = {"telegram_api_url": telegram.api_url, **uniall.bot_settings(), **overrides}
        return make_settings(values.pop("telegram_api_url"), database_path, **values)

    return build


@pytest.fixture
async def bot(
    settings_for: Callable[..., Settings], clock: OffsetClock
) -> AsyncIterator[BotRuntime]:
    async with BotRuntime(settings_for(), clock=clock) as runtime:
        yield runtime


@pytest.fixture
def alice(telegram: FakeTelegram) -> Person:
    return Person(telegram, ALICE, TgChat.private(ALICE))
