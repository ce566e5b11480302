"""The errors that cross layers: a refused request, and a vendor's failure classified."""

from __future__ import annotations

from bot.domain.status import FailureKind


class InvalidRequestError(Exception):
    """A request the configured vendor cannot do; `key` names the message, `params` fill it."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class VendorError(Exception):
    """A vendor call that did not give an answer we can use."""

    kind: FailureKind = FailureKind.UNAVAILABLE
    retryable: bool = False
    status_code: int | None = None  # the HTTP (or body) code it came from, where there was one

    def __init__(self, vendor: str, message: str) -> None:
        super().__init__(f"{vendor}: {message}")
        self.vendor = vendor
        self.message = message


class VendorRejectedError(VendorError):
    kind = FailureKind.REJECTED


class VendorAuthError(VendorError):
    kind = FailureKind.AUTH


class VendorBalanceError(VendorError):
    kind = FailureKind.BALANCE


class VendorRateLimitedError(VendorError):
    kind = FailureKind.RATE_LIMITED
    retryable = True

    def __init__(self, vendor: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(vendor, message)
        self.retry_after = retry_after


class VendorUnavailableError(VendorError):
    kind = FailureKind.UNAVAILABLE
    retryable = True


class VendorTimeoutError(VendorUnavailableError):
    """No answer in time; after a submit this means the outcome is unknown."""


class VideoTooLargeError(Exception):
    def __init__(self, limit_bytes: int) -> None:
        super().__init__(f"video larger than {limit_bytes} bytes")
        self.limit_bytes = limit_bytes


class DeliveryRetryableError(Exception):
    """Telegram could not take the video now (flood control, network); try again later."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class DeliveryRefusedError(Exception):
    """Telegram refused the video for good (chat gone, bot blocked)."""


class DeliveryTooLargeError(Exception):
    """Telegram refused the upload as too large."""


class StaleButtonError(Exception):
    """A button from a panel or job that no longer exists, or was forged."""


class NotYourPanelError(Exception):
    """Someone pressed a button on another person's panel."""


class InvalidCallbackError(Exception):
    """A vendor callback that fails its signature or shape check; it changes nothing."""
