"""parse_json: orjson on the hot path, the standard library for the JSON orjson refuses; and the search for the
long digit runs that decide between them."""

import random
import re

import pytest

from bc_pipeline.bigcommerce.json_body import has_long_digit_run, parse_json

_EXACT = re.compile(rb"[0-9]{19}")


def test_parses_a_page_with_exact_float_digits():
    assert parse_json(b'[{"id": 1, "price": 10.1, "name": "caf\\u00e9"}]') == [{"id": 1, "price": 10.1, "name": "café"}]


def test_integers_beyond_64_bits_still_parse():
    assert parse_json(b'{"id": 123456789012345678901234567890}') == {"id": 123456789012345678901234567890}


def test_a_body_that_is_not_json_raises_value_error():
    with pytest.raises(ValueError):
        parse_json(b"<html>bad gateway</html>")


def test_a_long_numeric_string_stays_a_string():
    assert parse_json(b'{"sku": "12345678901234567890123"}') == {"sku": "12345678901234567890123"}


def test_a_19_digit_integer_inside_a_page_is_kept_exact():
    body = b'[' + b','.join(b'{"id": %d, "phone": "5551234567"}' % i for i in range(300)) + b',{"id": 18446744073709551616}]'
    assert parse_json(body)[-1] == {"id": 18446744073709551616}  # one past the largest unsigned 64-bit integer


@pytest.mark.parametrize("length", [8, 15, 16, 18, 19, 20, 23, 24, 40])
def test_a_digit_run_is_found_at_every_offset_and_only_from_19_digits(length):
    for offset in range(0, 34):
        for tail in (0, 1, 7, 8, 13):
            body = b'{"a":"' [:offset % 6] + b"x" * offset + b"7" * length + b"y" * tail
            assert has_long_digit_run(body) is (length >= 19), (offset, tail)


def test_runs_broken_by_one_byte_are_not_long_runs():
    assert not has_long_digit_run(b"123456789012345678." * 1000)
    assert has_long_digit_run(b"123456789012345678." * 1000 + b"1234567890123456789")


def test_agrees_with_a_regular_expression_on_random_digit_heavy_bodies():
    rng = random.Random(14)
    for _ in range(400):
        body = bytes(rng.choice(b"0123456789" * 6 + b'",.: ae-') for _ in range(rng.randrange(0, 300)))
        assert has_long_digit_run(body) is (_EXACT.search(body) is not None), body


def test_a_body_of_digits_only_is_searched_whole():
    assert has_long_digit_run(b"1234567" * 10_000)  # more all-digit words than are searched one by one
    assert not has_long_digit_run((b"1" * 18 + b" ") * 10_000)


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_nan_and_infinity_are_not_json_on_either_path(constant):
    """Both parsers refuse them, so no page can carry a float that JSON cannot write back (staging does)."""
    for body in (b'{"price": %s}' % constant, b'{"id": 18446744073709551616, "price": %s}' % constant):
        with pytest.raises(ValueError):
            parse_json(body)
