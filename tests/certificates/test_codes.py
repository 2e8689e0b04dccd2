"""Verification codes: unguessable, readable, and a typo is caught without a database."""

import itertools
import math
import re

import pytest

from isdc.certificates import codes
from isdc.certificates.codes import (
    ALPHABET,
    MalformedCode,
    is_well_formed,
    new_code,
    normalise,
    verification_url,
)

CANONICAL = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$")


def test_alphabet_has_no_easily_confused_letters():
    assert len(ALPHABET) == 32 == len(set(ALPHABET))
    assert not set("ILOU") & set(ALPHABET)


def test_entropy_is_at_least_80_bits_by_construction():
    # 19 symbols drawn independently from 32 with secrets.choice.
    assert codes.RANDOM_SYMBOLS * math.log2(len(ALPHABET)) >= 80
    assert codes.ENTROPY_BITS >= 80


def test_new_codes_are_grouped_well_formed_and_distinct():
    sample = [new_code() for _ in range(2000)]
    assert all(CANONICAL.match(code) for code in sample)
    assert all(is_well_formed(code) for code in sample)
    assert len(set(sample)) == len(sample)
    # Every symbol turns up in the random part, i.e. the whole alphabet is used.
    assert set("".join(code.replace("-", "")[:-1] for code in sample)) == set(ALPHABET)


@pytest.mark.parametrize(
    "typed",
    [
        lambda c: c.lower(),
        lambda c: c.replace("-", ""),
        lambda c: c.replace("-", " "),
        lambda c: "  " + c.replace("-", " - ") + "\n",
        lambda c: c.replace("-", "\u2013"),  # en dash from a word processor
        lambda c: c.replace("-", "\u00a0"),  # no-break space
        lambda c: "-".join(c.replace("-", "")[i : i + 5] for i in range(0, 20, 5)),
        lambda c: f"https://isdc.example.go.id/verify/{c}",
        lambda c: f"https://isdc.example.go.id/verify/{c.lower()}/?utm=qr#top",
    ],
)
def test_normalise_round_trips_what_people_type_and_paste(typed):
    for _ in range(50):
        code = new_code()
        assert normalise(typed(code)) == code


def test_letters_o_i_l_are_read_as_digits():
    code = next(c for c in iter(new_code, None) if "0" in c and "1" in c)
    typed = code.replace("0", "O").replace("1", "l", 1).replace("1", "I")
    assert normalise(typed) == code


def _symbols(code: str) -> str:
    return code.replace("-", "")


def test_every_single_substitution_is_caught():
    for _ in range(40):
        symbols = _symbols(new_code())
        for position, other in itertools.product(range(len(symbols)), ALPHABET):
            if other == symbols[position]:
                continue
            typo = symbols[:position] + other + symbols[position + 1 :]
            with pytest.raises(MalformedCode) as caught:
                normalise(typo)
            assert caught.value.kind == "check"


def test_every_transposition_of_different_symbols_is_caught():
    for _ in range(200):
        symbols = _symbols(new_code())
        for i, j in itertools.combinations(range(len(symbols)), 2):
            if symbols[i] == symbols[j]:
                continue
            swapped = list(symbols)
            swapped[i], swapped[j] = swapped[j], swapped[i]
            assert not is_well_formed("".join(swapped)), (symbols, i, j)


def test_random_strings_rarely_pass_the_check():
    import secrets

    passed = sum(
        is_well_formed("".join(secrets.choice(ALPHABET) for _ in range(20))) for _ in range(6400)
    )
    assert 100 <= passed <= 320  # about 1 in 32


@pytest.mark.parametrize(
    ("text", "kind", "words"),
    [
        ("", "empty", "no verification code"),
        ("  - -  ", "empty", "no verification code"),
        ("ABCD-EFGH-JKMN-PQRS-TVWU", "character", "'U'"),
        ("ABCD-EFGH-JKMN-PQRS-TVW*", "character", "'*'"),
        ("ABCD-EFGH-JKMN-PQRS", "length", "this one has 16"),
        ("ABCD-EFGH-JKMN-PQRS-TVWXY", "length", "this one has 21"),
    ],
)
def test_malformed_codes_say_why(text, kind, words):
    with pytest.raises(MalformedCode) as caught:
        normalise(text)
    assert caught.value.kind == kind
    assert words in str(caught.value)
    assert not is_well_formed(text)


def test_check_symbol_completes_the_random_part():
    code = new_code()
    symbols = _symbols(code)
    assert codes.check_symbol(symbols[:-1]) == symbols[-1]
    with pytest.raises(ValueError):
        codes.check_symbol("TOO-SHORT")


def test_verification_url_joins_base_and_canonical_code():
    code = new_code()
    assert verification_url("https://isdc.example.go.id/", code.lower()) == (
        f"https://isdc.example.go.id/verify/{code}"
    )
    assert verification_url("http://127.0.0.1:5000", code).endswith(f"/verify/{code}")
    with pytest.raises(ValueError, match="http"):
        verification_url("isdc.example.go.id", code)
    with pytest.raises(MalformedCode):
        verification_url("https://isdc.example.go.id", "not-a-code")
