"""The unified social credit code (GB 32100-2015) check used by the account form."""

import pytest

from webapp.accounts.uscc import ALPHABET, check_character, make_uscc, normalise, uscc_error

# A code published on a company's business licence, checked against the standard's algorithm
# by hand: body 91350100M000100Y4 → weighted sum 1640 ≡ 28 (mod 31), 31 - 28 = 3 → "3".
PUBLISHED = "91350100M000100Y43"


@pytest.mark.parametrize(
    "code",
    [
        PUBLISHED,
        make_uscc("91310000000000001"),
        make_uscc("91440300MA5D00000"),
        make_uscc("12100000400000624"),  # a public institution (事业单位) code shape
        make_uscc("Y1310000ABCDEFGHJ"),  # letters allowed in the body
    ],
)
def test_valid_codes_are_accepted(code):
    assert len(code) == 18
    assert uscc_error(code) is None


def test_published_code_check_character_matches_by_the_algorithm():
    assert check_character(PUBLISHED[:17]) == "3"
    assert make_uscc(PUBLISHED[:17]) == PUBLISHED


def test_check_character_zero_when_sum_is_a_multiple_of_31():
    # Weighted sum 0 → (31 - 0) % 31 = 0, not the out-of-range index 31.
    assert check_character("0" * 17) == "0"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("", "length"),
        (PUBLISHED[:17], "length"),
        (PUBLISHED + "0", "length"),
        ("9135010", "length"),
        ("91350100I000100Y4" + "3", "characters"),
        ("91350100O000100Y43", "characters"),
        ("91350100S000100Y43", "characters"),
        ("91350100V000100Y43", "characters"),
        ("91350100Z000100Y43", "characters"),
        ("91350100m000100Y43", "characters"),  # lower case is normalised by the form, not here
        ("91350100-000100Y43", "characters"),
        ("91350100M000100Y44", "check"),
        ("91350100M000100Y4A", "check"),
        ("91350100M000100Y34", "check"),  # two swapped characters
    ],
)
def test_invalid_codes_name_the_reason(code, reason):
    assert uscc_error(code) == reason


@pytest.mark.parametrize("wrong", [ch for ch in ALPHABET if ch != "3"])
def test_every_other_check_character_is_refused(wrong):
    assert uscc_error(PUBLISHED[:17] + wrong) == "check"


def test_alphabet_has_31_characters_without_i_o_s_v_z():
    assert len(ALPHABET) == 31
    assert not set("IOSVZ") & set(ALPHABET)


def test_normalise_strips_spaces_and_upper_cases():
    assert normalise(" 9135 0100m000100y43 ") == PUBLISHED
