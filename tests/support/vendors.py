"""Every vendor fake behind the contract of tests/fakes/contract.py, for parametrised tests."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from tests.fakes.contract import VendorFake

# VENDOR name -> (fake module, fake class)
FAKES: dict[str, tuple[str, str]] = {
    "uniall": ("tests.fakes.uniall", "FakeUniAll"),
    "globalai": ("tests.fakes.globalai", "FakeGlobalAI"),
    "kie": ("tests.fakes.kie", "FakeKie"),
    "gptplus5": ("tests.fakes.gptplus5", "FakeGptPlus5"),
    "gemini": ("tests.fakes.gemini", "FakeGemini"),
}
VENDOR_NAMES = list(FAKES)


def fake_factory(name: str) -> Callable[..., VendorFake]:
    module_name, class_name = FAKES[name]
    factory: Callable[..., Any] = getattr(importlib.import_module(module_name), class_name)
    return factory
