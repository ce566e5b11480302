"""Message catalogs and the lookup that picks a person's language."""

from __future__ import annotations

from collections.abc import Mapping

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
