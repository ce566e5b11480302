"""Message catalogs and the lookup that picks a person's language."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from bot.telegram.locales import en, zh

CATALOGS: Mapping[str, Mapping[str, str]] = {"en": en.MESSAGES, "zh": zh.MESSAGES}
DEFAULT_LANGUAGE = "en"


def language_for(language_code: str | None) -> str:
    """The catalog for a Telegram language code: Chinese for zh-*, English otherwise."""
    if language_code and language_code.lower().startswith("zh"):
        return "zh"
    return DEFAULT_LANGUAGE


def t(language: str, key: str, **params: object) -> str:
    catalog = CATALOGS.get(language, CATALOGS[DEFAULT_LANGUAGE])
    template = catalog.get(key) or CATALOGS[DEFAULT_LANGUAGE][key]
    return template.format(**params) if params else template


def listing(language: str, items: Iterable[str]) -> str:
    """Items of a list in a sentence: "a, b, c" in English, "a、b、c" in Chinese."""
    return t(language, "list.separator").join(items)


def ordinal(language: str, number: int) -> str:
    """A place in a line: "1st", "2nd", "3rd", "11th" in English; the number in Chinese (the
    sentence says 第…位)."""
    if language != DEFAULT_LANGUAGE:
        return str(number)
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


# Vendor failure texts that say a known thing, each with the catalog key that says it in the
# person's language; anything else is shown as the vendor wrote it.
_KNOWN_VENDOR_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"public figure|celebrit|real person|likeness", re.I), "vendor_error.person"),
    (
        re.compile(r"content.?polic|flagged|safety|violat|moderat|sensitive|filtered", re.I),
        "vendor_error.content_policy",
    ),
    (re.compile(r"timed? ?out|timeout", re.I), "vendor_error.timeout"),
    (re.compile(r"reported a failure|unknown error|internal error", re.I), "vendor_error.unknown"),
)


def vendor_detail(language: str, detail: str) -> str:
    """A vendor's failure text for a sentence in `language`: English as the vendor wrote it;
    in another language the known kinds of failure translated, the rest as written."""
    if language == DEFAULT_LANGUAGE:
        return detail
    for pattern, key in _KNOWN_VENDOR_ERRORS:
        if pattern.search(detail):
            return t(language, key)
    return detail
