"""`python -m bot check`: "ok" only when the vendor's own API answered and took the key (issue 9).

Every vendor is checked against three wrong places: a web server that answers every path with a
404 HTML page, an address that accepts connections and never answers, and the vendor's own fake
with a wrong key. Each must print FAIL with its reason, and the command must exit 1.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.__main__ import check
from bot.checkup import CHECK_TIMEOUT_SECONDS, CheckResult, run_checks
from bot.config import Settings
from tests.fakes.contract import VendorFake
from tests.fakes.telegram import FakeTelegram
from tests.fakes.uniall import FakeUniAll
from tests.support.harness import TOKEN, make_settings
from tests.test_vendor_contract import fake as fake  # every vendor fake, started

NOT_FOUND_PAGE = (
    "<!DOCTYPE html><html><head><title>404 Not Found</title></head><body></body></html>"
)
# A short check timeout through the settings: the check waits at most this per call.
SHORT_TIMEOUT = {"vendor_timeout_seconds": 0.5}


@pytest.fixture
async def telegram_api() -> AsyncIterator[str]:
    async with FakeTelegram(TOKEN) as telegram:
        yield telegram.api_url


async def serve_everywhere(answer: web.Response) -> AsyncIterator[str]:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=answer.status, text=answer.text, headers=answer.headers)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


@pytest.fixture
async def html_404_server() -> AsyncIterator[str]:
    """A web server that answers every method and path with 404 and an HTML page."""
    async for url in serve_everywhere(
        web.Response(status=404, text=NOT_FOUND_PAGE, content_type="text/html")
    ):
        yield url


@pytest.fixture
async def json_404_server() -> AsyncIterator[str]:
    """Another JSON API (FastAPI's shape): 404 {"detail": "Not Found"} everywhere."""
    async for url in serve_everywhere(web.json_response({"detail": "Not Found"}, status=404)):
        yield url


@pytest.fixture
async def silent_server() -> AsyncIterator[str]:
    """An address that accepts connections, reads the request, and never answers."""
    held: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)
        with contextlib.suppress(ConnectionError):
            await reader.read(65536)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


def settings_for(
    fake: VendorFake, telegram_api: str, tmp_path: Path, **overrides: Any
) -> Settings:
    values = {**fake.bot_settings(), **SHORT_TIMEOUT, **overrides}
    return make_settings(telegram_api, tmp_path / "bot.sqlite3", **values)


async def vendor_result(settings: Settings) -> CheckResult:
    telegram, vendor = await run_checks(settings)
    assert telegram.ok, telegram.line()
    return vendor


async def test_ok_with_the_vendors_own_api_and_key(
    fake: VendorFake, telegram_api: str, tmp_path: Path
) -> None:
    result = await vendor_result(settings_for(fake, telegram_api, tmp_path))
    assert result.ok, result.line()
    assert result.line().startswith(f"ok   {fake.name}: ")


async def test_a_wrong_key_is_refused(fake: VendorFake, telegram_api: str, tmp_path: Path) -> None:
    settings = settings_for(fake, telegram_api, tmp_path, vendor_api_key="wrong-key")
    result = await vendor_result(settings)
    assert result.line().startswith(f"FAIL {fake.name}: auth: key refused"), result.line()


async def test_a_web_server_answering_404_html_is_not_the_api(
    fake: VendorFake, telegram_api: str, html_404_server: str, tmp_path: Path
) -> None:
    settings = settings_for(
        fake,
        telegram_api,
        tmp_path,
        vendor_base_url=html_404_server,
        vendor_api_key="wrong-key",
    )
    result = await vendor_result(settings)
    assert result.line().startswith(f"FAIL {fake.name}: no route: HTTP 404"), result.line()
    assert "HTML" in result.detail


async def test_another_json_api_is_not_the_vendor(
    fake: VendorFake, telegram_api: str, json_404_server: str, tmp_path: Path
) -> None:
    settings = settings_for(fake, telegram_api, tmp_path, vendor_base_url=json_404_server)
    result = await vendor_result(settings)
    assert result.line().startswith(f"FAIL {fake.name}: "), result.line()


async def test_an_address_that_never_answers_times_out(
    fake: VendorFake, telegram_api: str, silent_server: str, tmp_path: Path
) -> None:
    settings = settings_for(fake, telegram_api, tmp_path, vendor_base_url=silent_server)
    loop = asyncio.get_running_loop()
    started = loop.time()
    result = await vendor_result(settings)
    assert result.line().startswith(f"FAIL {fake.name}: timeout"), result.line()
    assert loop.time() - started < 5  # the check's own timeout, set short in the settings


async def test_the_command_exits_1_on_a_failed_vendor(
    fake: VendorFake,
    telegram_api: str,
    html_404_server: str,
    silent_server: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    good = settings_for(fake, telegram_api, tmp_path)
    wrong_places = {
        "no route": {"vendor_base_url": html_404_server},
        "timeout": {"vendor_base_url": silent_server},
        "auth: key refused": {"vendor_api_key": "wrong-key"},
    }
    # check() runs its own event loop, so it runs in a thread while the fakes serve from here.
    assert await asyncio.to_thread(check, good) == 0
    assert f"ok   {fake.name}: " in capsys.readouterr().out
    for reason, overrides in wrong_places.items():
        bad = settings_for(fake, telegram_api, tmp_path, **overrides)
        assert await asyncio.to_thread(check, bad) == 1, reason
        printed = capsys.readouterr().out.splitlines()
        assert printed[0].startswith("ok   telegram: bot @"), printed
        assert printed[1].startswith(f"FAIL {fake.name}: {reason}"), printed


async def test_the_checks_own_timeout_holds_with_a_long_vendor_timeout(
    uniall: FakeUniAll, telegram_api: str, silent_server: str, tmp_path: Path
) -> None:
    """VENDOR_TIMEOUT_SECONDS may be minutes for real jobs; check waits a few seconds only."""
    settings = make_settings(
        telegram_api,
        tmp_path / "bot.sqlite3",
        **{**uniall.bot_settings(), "vendor_base_url": silent_server},
        vendor_timeout_seconds=120,
    )
    loop = asyncio.get_running_loop()
    started = loop.time()
    result = await vendor_result(settings)
    waited = loop.time() - started
    assert result.line() == "FAIL uniall: timeout: no answer in time: ReadTimeout", result.line()
    assert CHECK_TIMEOUT_SECONDS - 0.5 < waited < CHECK_TIMEOUT_SECONDS + 2
