"""models.normalize.base: the Parsed result type and the totality safety net."""

from decimal import Decimal

from models.normalize import Parsed
from models.normalize.base import EMPTY, as_text, fail, ok, total


def test_parsed_is_a_triple_with_default_flags():
    p = Parsed(1, None)
    assert tuple(p) == (1, None, ())
    assert p.ok
    assert not Parsed(None, "bad").ok


def test_helpers():
    assert ok(5, "zero") == Parsed(5, None, ("zero",))
    assert fail("nope") == Parsed(None, "nope", ())
    assert Parsed(None, None, ("empty",)) == EMPTY


def test_total_turns_exceptions_into_errors():
    @total
    def boom(text):
        raise RuntimeError("kaput")

    p = boom("x")
    assert p.value is None
    assert p.error.startswith("internal error (RuntimeError")


def test_as_text_never_uses_float_arithmetic():
    assert as_text(569800.0) == "569800.0"
    assert as_text(0.1) == "0.1"
    assert as_text(1e20) == "100000000000000000000"
    assert as_text(Decimal("3.02E+9")) == "3020000000"
    assert as_text(12) == "12"
    assert as_text(None) is None
    assert as_text(float("nan")) == "nan"
