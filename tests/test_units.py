"""Small pure pieces: the MP4 probe, the catalogs, validation."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from bot.domain.capabilities import validate
from bot.domain.errors import InvalidRequestError
from bot.domain.options import Extra, Mode, Resolution, Tier
from bot.domain.request import GenerationRequest, MediaRef, SourceVideo
from bot.services.mp4 import probe
from bot.telegram.i18n import CATALOGS, language_for
from bot.telegram.render import refusal_text
from bot.vendors.known import KNOWN_VENDORS
from bot.vendors.registry import FACTORIES
from bot.vendors.uniall import CAPABILITIES
from tests.fakes.media import SAMPLE_MP4


def test_mp4_probe_reads_the_real_sample() -> None:
    assert probe(SAMPLE_MP4) == (640, 360, 2)


def test_mp4_probe_of_a_non_mp4_is_unknown(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"<html>not a video</html>")
    assert probe(junk) == (None, None, None)


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def test_every_catalog_has_every_key_with_the_same_placeholders() -> None:
    english = CATALOGS["en"]
    for language, catalog in CATALOGS.items():
        assert set(catalog) == set(english), language
        for key, text in catalog.items():
            assert _placeholders(text) == _placeholders(english[key]), (language, key)


def test_every_message_key_used_in_the_code_exists() -> None:
    source = "\n".join(p.read_text() for p in Path("bot").rglob("*.py"))
    used = set(re.findall(r'\bt\(\s*[\w.]+,\s*"([a-z_.:0-9]+)"', source))
    used |= set(re.findall(r'InvalidRequestError\(\s*"([a-z_.]+)"', source))
    assert used, "the pattern found no keys"
    assert used <= set(CATALOGS["en"])


def test_language_choice() -> None:
    assert language_for("zh-hans") == "zh"
    assert language_for("zh-TW") == "zh"
    assert language_for("de") == "en"
    assert language_for(None) == "en"


@pytest.mark.parametrize(
    ("request_", "key"),
    [
        (GenerationRequest(prompt=" "), "invalid.prompt_empty"),
        (GenerationRequest(prompt="x" * 2001), "invalid.prompt_too_long"),
        (GenerationRequest(prompt="p", duration_seconds=5), "invalid.duration"),
        (GenerationRequest(prompt="p", tier=Tier.LITE), "invalid.tier"),
        (
            GenerationRequest(prompt="p", mode=Mode.REFERENCE, images=(MediaRef(key="a"),) * 2),
            "invalid.mode",
        ),
        (
            GenerationRequest(
                prompt="p", tier=Tier.QUALITY, mode=Mode.REFERENCE, images=(MediaRef(key="a"),)
            ),
            "invalid.image_count",
        ),
        (GenerationRequest(prompt="p", mode=Mode.EXTEND), "invalid.source_video"),
        (GenerationRequest(prompt="p", extras={Extra.WATERMARK: True}), "invalid.extra"),
        (GenerationRequest(prompt="", mode=Mode.UPGRADE), "invalid.source_video"),
        (
            GenerationRequest(
                prompt="p",
                mode=Mode.EXTEND,
                source=SourceVideo(vendor="kie", task_id="t", video_url="https://v"),
            ),
            "invalid.source_video",
        ),
    ],
)
def test_validation_names_what_is_wrong(request_: GenerationRequest, key: str) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        validate(request_, CAPABILITIES)
    assert caught.value.key == key


def test_validation_accepts_what_uniall_can_do() -> None:
    validate(GenerationRequest(prompt="p", resolution=Resolution.K4), CAPABILITIES)


def test_a_refusal_lists_what_is_allowed_the_way_each_language_writes_lists() -> None:
    with pytest.raises(InvalidRequestError) as caught:
        validate(GenerationRequest(prompt="p", duration_seconds=5), CAPABILITIES)

    english = refusal_text("en", caught.value)
    chinese = refusal_text("zh", caught.value)
    assert "4, 6, 8" in english
    assert "4、6、8" in chinese
    assert ", " not in chinese


def test_every_known_vendor_has_an_adapter_in_the_same_order() -> None:
    assert tuple(FACTORIES) == KNOWN_VENDORS
