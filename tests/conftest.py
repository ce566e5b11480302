from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.app import BotRuntime
from bot.config import Settings
from tests.fakes.contract import VendorFake
from tests.fakes.gemini import FakeGemini
from tests.fakes.kie import FakeKie
from tests.fakes.telegram import FakeTelegram, TgChat
from tests.fakes.uniall import FakeUniAll
from tests.support.credits import admin
from tests.support.harness import (
    ALICE,
    TOKEN,
    VENDOR_KEY,
    Jobs,
    OffsetClock,
    Person,
    StartBot,
    make_settings,
    on_postgres,
    pin_to_midday,
)
from tests.support.postgres import (
    BlockingDatabase,
    PostgresEngine,
    PostgresUnavailable,
    SharedDatabase,
    SQLiteEngine,
    StoreEngine,
    postgres_server,
    stop_side_loop,
)
from tests.support.vendors import VENDOR_NAMES, fake_factory

MIDDAY = "midday: run with the bot's clock at the next 12:00 UTC, never straddling midnight"
SQLITE_ONLY = (
    "sqlite_only(reason): the test is about the SQLite file itself; a run on PostgreSQL leaves "
    "it out"
)
BACKENDS = ("sqlite", "postgresql")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database",
        choices=BACKENDS,
        default=os.environ.get("BOT_TEST_DATABASE") or "sqlite",
        help="where the end-to-end tests' bot keeps its database: an SQLite file (the default)"
        " or a fresh PostgreSQL database per test; also BOT_TEST_DATABASE=postgresql",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MIDDAY)
    config.addinivalue_line("markers", SQLITE_ONLY)


def pytest_unconfigure(config: pytest.Config) -> None:
    stop_side_loop()


def on_postgresql(config: pytest.Config) -> bool:
    return config.getoption("--database") == "postgresql"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A run on PostgreSQL is the bot's tests on that engine: the tests whose bot keeps its
    data where `database_path` says. The others are the same on either engine (adapters, fakes,
    pure rules) or choose their engines themselves (the store's tests run on both in every
    run), and the tests about the SQLite file itself run in the SQLite run: all of them are
    deselected here, never reported as skipped."""
    if not on_postgresql(config):
        return
    left_out = [
        item
        for item in items
        if item.get_closest_marker("sqlite_only")
        or "database_path" not in getattr(item, "fixturenames", ())
    ]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if item not in left_out]


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(TOKEN) as fake:
        yield fake


@pytest.fixture
async def uniall() -> AsyncIterator[FakeUniAll]:
    async with FakeUniAll(VENDOR_KEY, forbidden_substrings=[TOKEN]) as fake:
        yield fake


@pytest.fixture
async def gemini() -> AsyncIterator[FakeGemini]:
    """Another vendor, for `start_bot(**gemini.bot_settings())`."""
    async with FakeGemini(forbidden_substrings=[TOKEN]) as fake:
        yield fake


@pytest.fixture
async def kie() -> AsyncIterator[FakeKie]:
    async with FakeKie(forbidden_substrings=[TOKEN]) as fake:
        yield fake


@pytest.fixture
def database_path(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """Where the bot keeps its data: the SQLite file, or (with `--database=postgresql`) the
    folder of its videos, with a fresh PostgreSQL database standing for the file."""
    path = tmp_path / "data" / "bot.sqlite3"
    if not on_postgresql(request.config):
        yield path
        return
    with on_postgres(path, BlockingDatabase(request.getfixturevalue("postgres_url"))):
        yield path


@pytest.fixture
def clock(request: pytest.FixtureRequest) -> OffsetClock:
    """The bot's clock; a test (or module) marked `midday` starts at the next 12:00 UTC."""
    clock = OffsetClock()
    if request.node.get_closest_marker("midday") is not None:
        pin_to_midday(clock)
    return clock


@pytest.fixture
def settings_for(
    telegram: FakeTelegram, uniall: FakeUniAll, database_path: Path
) -> Callable[..., Settings]:
    def build(**overrides: Any) -> Settings:
        values = {"telegram_api_url": telegram.api_url, **uniall.bot_settings(), **overrides}
        return make_settings(values.pop("telegram_api_url"), database_path, **values)

    return build


@pytest.fixture
def start_bot(settings_for: Callable[..., Settings], clock: OffsetClock) -> StartBot:
    """The bot on the fakes and the test's clock: `async with start_bot(**overrides) as runtime:`.

    Overrides are Settings fields; another vendor's fake comes in with `**fake.bot_settings()`.
    Start it twice in a row to restart the bot on the same database.
    """

    def start(**overrides: Any) -> BotRuntime:
        return BotRuntime(settings_for(**overrides), clock=clock)

    return start


@pytest.fixture
async def bot(start_bot: StartBot) -> AsyncIterator[BotRuntime]:
    async with start_bot() as runtime:
        yield runtime


@pytest.fixture
def jobs(telegram: FakeTelegram, database_path: Path) -> Jobs:
    return Jobs(telegram, database_path)


@pytest.fixture
def alice(telegram: FakeTelegram) -> Person:
    return Person(telegram, ALICE, TgChat.private(ALICE))


@pytest.fixture
def olga(telegram: FakeTelegram) -> Person:
    """The operator: tests/support/credits.py OLGA (the admin of `CREDITS`) in a direct message."""
    return admin(telegram)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server for the whole run; skipped with the reason where none can be had."""
    try:
        with postgres_server() as url:
            yield url
    except PostgresUnavailable as exc:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required here (REQUIRE_POSTGRES=1): {exc}")
        pytest.skip(f"no PostgreSQL: {exc}")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_engine(request: pytest.FixtureRequest, tmp_path: Path) -> StoreEngine:
    """Each store test runs twice: on an SQLite file and on a fresh PostgreSQL database."""
    if request.param == "postgresql":
        return PostgresEngine(request.getfixturevalue("postgres_url"))
    return SQLiteEngine(tmp_path)


@pytest.fixture
async def shared_database(store_engine: StoreEngine) -> AsyncIterator[SharedDatabase]:
    """A fresh database of the test's engine; every Database opened on it is closed after."""
    shared = SharedDatabase(store_engine, await store_engine.create())
    yield shared
    await shared.close()


@pytest.fixture(params=VENDOR_NAMES)
async def vendor(request: pytest.FixtureRequest) -> AsyncIterator[VendorFake]:
    """Each of the five vendors' fakes in turn (the test runs once per vendor)."""
    fake = fake_factory(request.param)(VENDOR_KEY, forbidden_substrings=[TOKEN])
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client, closed after the test (what a vendor adapter under test talks through)."""
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
async def database_url(postgres_url: str) -> AsyncIterator[str]:
    """A fresh PostgreSQL database for this test (dropped after it), as a DATABASE_URL."""
    engine = PostgresEngine(postgres_url)
    url = str(await engine.create())
    yield url
    await engine.drop(url)
