"""parse_json: orjson on the hot path, the standard library for the JSON orjson refuses."""

import pytest

from bc_pipeline.bigcommerce.client import parse_json


def test_parses_a_page_with_exact_float_digits():
    assert parse_json(b'[{"id": 1, "price": 10.1, "name": "caf\\u00e9"}]') == [{"id": 1, "price": 10.1, "name": "café"}]


def test_integers_beyond_64_bits_still_parse():
    assert parse_json(b'{"id": 123456789012345678901234567890}') == {"id": 123456789012345678901234567890}


def test_a_body_that_is_not_json_raises_value_error():
    with pytest.raises(ValueError):
        parse_json(b"<html>bad gateway</html>")


def test_a_long_numeric_string_stays_a_string():
    assert parse_json(b'{"sku": "12345678901234567890123"}') == {"sku": "12345678901234567890123"}
