"""The result type shared by every ``parse_*`` function of :mod:`models.normalize`.

A parser never raises: it returns ``Parsed(value, error, flags)``.

* ``value``: the normalized value, or ``None`` when the input is empty or could not be understood;
* ``error``: a human-readable English reason (it may quote the Chinese text) when the input could
  not be understood, else ``None``;
* ``flags``: short notes about *how* the value was obtained (``"unit_from_header"``, ``"zero"``,
  ``"empty"``, ``"both_forms"`` …), so that a caller can keep the raw text and still know what
  was assumed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Generic, NamedTuple, ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")


class Parsed(NamedTuple, Generic[T]):
    """Outcome of a total parser: a value, or an error, plus notes."""

    value: T | None
    error: str | None
    flags: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when a value was produced."""
        return self.value is not None


EMPTY: Parsed[Any] = Parsed(None, None, ("empty",))


def ok(value: T, *flags: str) -> Parsed[T]:
    """A successful parse."""
    return Parsed(value, None, tuple(flags))


class Reason(str):
    """An error text (English) that also carries a stable ``code`` and its ``params``, so that a
    caller can say the same in another language (collectors.messages holds the Chinese of each
    code). It is a ``str``: everything that reads errors as text keeps working."""

    code: str
    params: dict[str, str]

    def __new__(cls, text: str, code: str, **params: object) -> Reason:
        self = super().__new__(cls, text)
        self.code = code
        self.params = {k: str(v) for k, v in params.items()}
        return self

    def __reduce__(self) -> tuple[Any, ...]:  # pickled to and from the submission workers
        return (_reason, (str(self), self.code, self.params))


def _reason(text: str, code: str, params: dict[str, str]) -> Reason:
    return Reason(text, code, **params)


def fail(error: str, *flags: str) -> Parsed[Any]:
    """A failed parse; ``error`` says why in English."""
    return Parsed(None, error, tuple(flags))


def as_text(value: object) -> str | None:
    """Coerce what a reader may hand us (openpyxl gives int/float/Decimal cells) to text.

    A float is converted through its shortest ``repr`` (``569800.0`` → ``"569800.0"``) and never
    used in arithmetic; a non-finite float or any other object becomes its ``str()``.
    """
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        d = Decimal(repr(value))
        return format(d, "f") if d.is_finite() else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else str(value)
    return str(value)


def short(text: str, limit: int = 60) -> str:
    """Quote user text in an error message without flooding it."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def total(fn: Callable[P, Parsed[Any]]) -> Callable[P, Parsed[Any]]:
    """Safety net that keeps a parser total: an unexpected exception becomes an error result.

    The message starts with ``internal error`` so tests can assert that it never happens.
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Parsed[Any]:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # a parser must never raise; report the bug as a value
            arg = short(repr(args[0])) if args else ""
            return fail(f"internal error ({type(exc).__name__}: {short(str(exc))}) on {arg}")

    return wrapper
