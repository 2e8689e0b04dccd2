"""Verification codes: random, unguessable, written for people, self-checking.

A code is 19 random symbols (95 bits from :mod:`secrets`) and one check symbol, in Crockford's
base-32 alphabet (digits and capitals without I, L, O and U, which are easily confused with
1, 1, 0 and V), grouped by four: ``7KQ2-M9XD-4HTR-W0BC-PZ3E``.

The check symbol makes a weighted sum over the field GF(32) zero, with a distinct non-zero
weight per position. Because every weight is distinct and non-zero, the check catches *every*
single-symbol substitution and *every* transposition of two different symbols (adjacent or
not), so a mistyped code is recognised as malformed without a database lookup. A random string
passes the check with probability 1/32.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_SYMBOLS = 19
CODE_SYMBOLS = RANDOM_SYMBOLS + 1  # the last one is the check symbol
ENTROPY_BITS = RANDOM_SYMBOLS * 5  # 95 bits, SPEC §9 asks for at least 80
GROUP = 4
SEPARATOR = "-"

_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
# Letters people type for the digits they see; the alphabet leaves them out for that reason.
_CONFUSED = str.maketrans({"O": "0", "I": "1", "L": "1"})
# Separators people and word processors put between groups: dashes of every width, spaces
# (including no-break and thin spaces), dots and underscores.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212._]+")

# GF(2^5) with the primitive polynomial x^5 + x^2 + 1: log/antilog tables for multiplication.
_POLY = 0b100101
_EXP: list[int] = []
_LOG = [0] * 32
_x = 1
for _i in range(31):
    _EXP.append(_x)
    _LOG[_x] = _i
    _x <<= 1
    if _x & 0b100000:
        _x ^= _POLY
del _x, _i
# Position i is weighted by alpha^i: distinct and non-zero for up to 31 positions.
_WEIGHT_LOG = list(range(CODE_SYMBOLS))


class MalformedCode(ValueError):
    """The text is not a well-formed verification code; ``kind`` says why.

    ``kind`` is one of ``"empty"``, ``"character"``, ``"length"``, ``"check"``, so a caller can
    show its own (translated) message; ``str(error)`` is a plain English sentence.
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _mul(a: int, log_b: int) -> int:
    if a == 0:
        return 0
    return _EXP[(_LOG[a] + log_b) % 31]


def _weighted_sum(values: list[int]) -> int:
    total = 0
    for value, log_w in zip(values, _WEIGHT_LOG, strict=False):
        total ^= _mul(value, log_w)  # addition in GF(2^5) is XOR
    return total


def check_symbol(random_part: str) -> str:
    """The check symbol that completes ``random_part`` (19 alphabet symbols)."""
    if len(random_part) != RANDOM_SYMBOLS or any(ch not in _VALUE for ch in random_part):
        raise ValueError(f"expected {RANDOM_SYMBOLS} symbols of {ALPHABET!r}")
    partial = _weighted_sum([_VALUE[ch] for ch in random_part])
    # Solve partial + c * alpha^k = 0 for c, with k the check position (minus is plus here).
    log_check = _WEIGHT_LOG[RANDOM_SYMBOLS]
    check = 0 if partial == 0 else _EXP[(_LOG[partial] - log_check) % 31]
    return ALPHABET[check]


def _group(symbols: str) -> str:
    return SEPARATOR.join(symbols[i : i + GROUP] for i in range(0, len(symbols), GROUP))


def new_code() -> str:
    """A fresh verification code in its canonical grouped form."""
    random_part = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
    return _group(random_part + check_symbol(random_part))


def normalise(text: str) -> str:
    """The canonical form of a code as a person typed or pasted it; raises MalformedCode.

    Accepts lower case, missing, extra or odd separators, the letters O, I and L for the digits
    0, 1 and 1, and a whole verification URL (the code is its last path segment).
    """
    candidate = text.strip()
    if "/" in candidate:  # a pasted verification URL
        candidate = candidate.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    symbols = _SEPARATORS.sub("", candidate).upper().translate(_CONFUSED)
    if not symbols:
        raise MalformedCode("empty", "no verification code was given")
    wrong = sorted({ch for ch in symbols if ch not in _VALUE})
    if wrong:
        shown = ", ".join(repr(ch) for ch in wrong)
        raise MalformedCode(
            "character",
            f"a verification code has only digits and the letters {ALPHABET[10:]}; "
            f"it cannot contain {shown}",
        )
    if len(symbols) != CODE_SYMBOLS:
        raise MalformedCode(
            "length",
            f"a verification code has {CODE_SYMBOLS} characters; this one has {len(symbols)}",
        )
    if _weighted_sum([_VALUE[ch] for ch in symbols]) != 0:
        raise MalformedCode(
            "check",
            "this verification code is not valid: a character is probably mistyped",
        )
    return _group(symbols)


def is_well_formed(text: str) -> bool:
    """Whether ``text`` is (a typing of) a code with a correct check symbol."""
    try:
        normalise(text)
    except MalformedCode:
        return False
    return True


def verification_url(base_url: str, code: str) -> str:
    """The public verification URL of a code: ``<base URL>/verify/<canonical code>``."""
    base = base_url.strip().rstrip("/")
    if not re.match(r"^https?://[^/\s]+", base):
        raise ValueError(f"the public base URL must start with http:// or https://: {base_url!r}")
    return f"{base}/verify/{normalise(code)}"
