"""Each kind of invalid mapping file is refused at load with one line naming the file, the entity, the key
and the nearest valid name; a target that tries to inject SQL never reaches SQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from bc_pipeline.mapping.errors import MappingError
from bc_pipeline.mapping.load import DEFAULT_MAPPING_PATH, load_mapping
from bc_pipeline_tests.mapping_support import STATUS_LINES, write_mapping

STATUSES = f"order_statuses:\n  canonical: [{', '.join(f's{i}' for i in range(15))}]\n  by_id:\n{STATUS_LINES}\n"


def refused(tmp_path: Path, text: str) -> str:
    path = write_mapping(tmp_path, text)
    with pytest.raises(MappingError) as info:
        load_mapping(path)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    return message


def customers(columns: str, extra: str = "") -> str:
    return f"entities:\n  customers:\n{extra}    columns:\n      id: id\n{columns}"


def test_the_default_mapping_loads() -> None:
    mapping = load_mapping()
    assert mapping.path == DEFAULT_MAPPING_PATH
    assert mapping.entities == ["customers", "subscribers", "orders", "order_line_items", "products", "variants",
                               "abandoned_carts"]


def test_unknown_source_field_names_the_nearest_column(tmp_path: Path) -> None:
    message = refused(tmp_path, customers("      mail: emial\n"))
    assert "customers.columns.mail" in message and "'emial'" in message
    assert "nearest valid name: 'email'" in message


def test_unknown_nested_column_names_the_nearest(tmp_path: Path) -> None:
    message = refused(tmp_path, customers('      colour: form_field["Favourite colour"]\n'))
    assert "customers.columns.colour" in message and "nearest valid name: 'form_fields'" in message


def test_two_sources_into_one_target_are_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, customers("      email: email\n      email: phone\n"))
    assert "entities.customers.columns.email" in message and "two sources map into one target" in message


def test_reserved_order_status_columns_cannot_take_a_second_source(tmp_path: Path) -> None:
    text = "entities:\n  orders:\n    columns:\n      id: id\n      status: payment_status\n" + STATUSES
    message = refused(tmp_path, text)
    assert "orders.columns.status" in message and "nearest valid name: 'status_raw'" in message


def test_keep_unmapped_column_colliding_with_a_target_is_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, customers("      extra: notes\n", extra="    keep_unmapped: extra\n"))
    assert "customers.keep_unmapped" in message and "two sources map into 'extra'" in message


@pytest.mark.parametrize(
    ("target", "nearest"),
    [
        ("Email Address", "email_address"),
        ("email-address", "email_address"),
        ('x"; DROP TABLE bigcommerce.customers; --', "x_drop_table_bigcommerce_customers"),
        ("1st_name", "_1st_name"),
    ],
)
def test_targets_must_be_plain_identifiers(tmp_path: Path, target: str, nearest: str) -> None:
    quoted = target.replace("'", "''")
    message = refused(tmp_path, customers(f"      '{quoted}': email\n"))
    assert "customers.columns" in message and "not a plain identifier" in message
    assert f"nearest valid name: {nearest!r}" in message


def test_keep_unmapped_must_be_a_plain_identifier(tmp_path: Path) -> None:
    message = refused(tmp_path, customers("", extra='    keep_unmapped: "x; DROP TABLE t"\n'))
    assert "keep_unmapped" in message and "not a plain identifier" in message


def test_a_source_that_is_not_an_expression_is_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, customers("      x: \"email); DROP TABLE t; --\"\n"))
    assert "customers.columns.x.source" in message and "is not a source" in message


def test_unknown_type_names_the_nearest_allowed_type(tmp_path: Path) -> None:
    message = refused(tmp_path, customers("      n:\n        source: customer_group_id\n        type: bigintt\n"))
    assert "customers.columns.n.type" in message and "nearest valid name: 'BIGINT'" in message


def test_unknown_key_names_the_nearest_key(tmp_path: Path) -> None:
    message = refused(tmp_path, customers("      n:\n        sourse: email\n"))
    assert "customers.columns.n" in message and "nearest valid name: 'source'" in message


def test_a_default_that_does_not_fit_the_type_is_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, customers("      n:\n        source: customer_group_id\n        default: lots\n"))
    assert "customers.columns.n.default" in message and "BIGINT" in message


def test_a_path_into_a_column_that_is_not_json_is_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, customers("      n: email.domain\n"))
    assert "customers.columns.n" in message and "not JSON" in message


def test_options_belong_to_variants(tmp_path: Path) -> None:
    message = refused(tmp_path, customers('      size: options["Size"]\n'))
    assert "customers.columns.size" in message and "variant" in message


def test_unknown_entity_names_the_nearest_entity(tmp_path: Path) -> None:
    message = refused(tmp_path, "entities:\n  custmers:\n    columns:\n      id: id\n")
    assert "entities.custmers" in message and "nearest valid name: 'customers'" in message


def test_the_key_must_be_mapped(tmp_path: Path) -> None:
    message = refused(tmp_path, "entities:\n  subscribers:\n    columns:\n      email: email\n")
    assert "subscribers.columns" in message and "'id'" in message


def test_an_unmapped_status_id_is_refused(tmp_path: Path) -> None:
    text = "entities:\n  orders:\n    columns:\n      id: id\n" + STATUSES.replace("    12: s12\n", "")
    message = refused(tmp_path, text)
    assert "order_statuses.by_id.12" in message and "Manual Verification Required" in message


def test_a_canonical_status_typo_names_the_nearest(tmp_path: Path) -> None:
    text = "entities:\n  orders:\n    columns:\n      id: id\n" + STATUSES + '  by_label:\n    "Ready to Pack": s1l\n'
    message = refused(tmp_path, text)
    assert "order_statuses.by_label.'Ready to Pack'" in message and "nearest valid name: 's1'" in message


def test_orders_need_a_status_section(tmp_path: Path) -> None:
    message = refused(tmp_path, "entities:\n  orders:\n    columns:\n      id: id\n")
    assert "order_statuses" in message


def test_yaml_errors_and_missing_files_are_mapping_errors(tmp_path: Path) -> None:
    assert "not valid YAML" in refused(tmp_path, "entities: [\n")
    with pytest.raises(MappingError, match="cannot be read"):
        load_mapping(tmp_path / "missing.yaml")
