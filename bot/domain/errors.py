"""The errors that cross layers.

`Refusal` is everything a person should read: a message key, its parameters, and whether it is
shown as an alert (after a button press) or as a message. The Telegram layer renders every
refusal in one place; no handler catches them one by one.

`VendorError` is a vendor call that gave no usable answer, classified the way openai-python
does it: one root, the status code set in the constructor.
"""

from __future__ import annotations

from bot.domain.status import FailureKind


class Refusal(Exception):
    """What a person should read instead of what they asked for; nothing was changed.

    `key` names the message in the catalogs, `params` fill it. After a button press it is
    shown as a pop-up (`alert`) or, when `alert` is false, as a short notice at the top.
    """

    key: str = "refusal.generic"
    alert: bool = True

    def __init__(self, key: str | None = None, **params: object) -> None:
        self.key = key or type(self).key
        super().__init__(self.key)
        self.params = params


class InvalidRequestError(Refusal):
    """A request the configured vendor cannot do; `key` names the message, `params` fill it.

    `vendor` is the display name of the vendor whose rules refused it, where one did.
    """

    vendor: str | None = None


class PhotoRejectedError(Refusal):
    """A file that cannot be used as a photo (not an image, too big)."""


class StaleButtonError(Refusal):
    """A button from a panel or job that no longer exists, or was forged."""

    key = "button.expired"


class NotYourPanelError(Refusal):
    """Someone pressed a button on another person's panel."""

    key = "button.not_yours"


class VendorError(Exception):
    """A vendor call that did not give an answer we can use."""

    kind: FailureKind = FailureKind.UNAVAILABLE
    retryable: bool = False
    status_code: int | None = None  # the HTTP (or body) code it came from, where there was one

    def __init__(self, vendor: str, message: str, *, status_code: int | None = None) -> None:
        super().__init__(f"{vendor}: {message}")
        self.vendor = vendor
        self.message = message
        self.status_code = status_code


class VendorRejectedError(VendorError):
    kind = FailureKind.REJECTED


class VendorAuthError(VendorError):
    kind = FailureKind.AUTH


class VendorBalanceError(VendorError):
    kind = FailureKind.BALANCE


class VendorRateLimitedError(VendorError):
    kind = FailureKind.RATE_LIMITED
    retryable = True

    def __init__(
        self,
        vendor: str,
        message: str,
        retry_after: float | None = None,
        *,
        status_code: int | None = 429,
    ) -> None:
        super().__init__(vendor, message, status_code=status_code)
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


class InvalidCallbackError(Exception):
    """A vendor callback that fails its signature or shape check; it changes nothing."""


class StorageError(Exception):
    """The database could not read or write (disk full, file damaged, writes refused)."""


class VendorUnknownOutcomeError(VendorTimeoutError):
    """A call that creates a task may have created it: the bot cannot tell, so never resend.

    A timeout after sending, a 2xx whose body cannot be read, a 5xx that is not the vendor's
    own error answer. The job fails and the operator looks the task up.
    """

    kind = FailureKind.UNKNOWN_OUTCOME
    retryable = False


class VendorUnreadableError(VendorUnavailableError):
    """A 2xx answer that is not what the vendor sends (not JSON, another shape, no task id)."""


class VendorUrlRefusedError(VendorRejectedError):
    """A result URL (or a redirect) the bot may not fetch: not http(s), or a private address."""

    kind = FailureKind.UNSAFE_LINK
