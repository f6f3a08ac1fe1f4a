"""The source side of a mapping line, parsed: a raw column (`email`), a path into a JSON column
(`billing_address.email`, `addresses.0.city`), or a value picked by name out of a JSON list
(`form_fields["Favourite colour"]`, `attributes["Loyalty tier"]`, `custom_fields["Material"]`,
`options["Size"]`, `billing_address.form_fields["Delivery Instructions"]`).

Parsing is pure and strict: path segments are plain names or list indexes, and labels are kept as data
(they reach SQL only as escaped string literals, never as identifiers)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_SEGMENT = re.compile(r"^(?:[A-Za-z_][A-Za-z0-9_]*|\d+)$")
_NAMED = re.compile(r'^(?P<base>[^\[\]"]+)\[(?:"(?P<dq>[^"]*)"|\'(?P<sq>[^\']*)\'|(?P<num>\d+))\]$')

# Which list a name picks from, keyed by the list's field name: (list column, key field, value field).
# `options` is the variants' `option_values` list picked by option name; `attributes` are picked by the
# attribute's name (resolved to its id from the store's attribute definitions) or by id.
NAMED_LISTS: dict[str, tuple[str, str, str]] = {
    "form_fields": ("form_fields", "name", "value"),
    "custom_fields": ("custom_fields", "name", "value"),
    "options": ("option_values", "option_display_name", "label"),
    "attributes": ("attributes", "attribute_id", "attribute_value"),
}


@dataclass(frozen=True)
class Source:
    """A parsed source. `column` is the raw column read; `path` the JSON path under it; `label` the name
    picked out of a list (`list_field` is that list's field name, e.g. `form_fields`)."""

    text: str
    column: str
    path: tuple[str, ...] = ()
    list_field: str | None = None
    label: str | None = None
    label_is_id: bool = False

    @property
    def is_plain(self) -> bool:
        return not self.path and self.list_field is None


class SourceSyntaxError(ValueError):
    """The text is not a source expression."""


def parse_source(text: str) -> Source:
    """Parse a source expression; raises SourceSyntaxError saying what shape was expected."""
    text = text.strip()
    label: str | None = None
    label_is_id = False
    base = text
    match = _NAMED.match(text)
    if match:
        base = match["base"].strip()
        if match["num"] is not None:
            label, label_is_id = match["num"], True
        else:
            label = match["dq"] if match["dq"] is not None else match["sq"]
        if not label or not label.strip() or "\n" in label:
            raise SourceSyntaxError(f"{text!r}: the name inside [...] is empty")
    elif "[" in text or "]" in text or '"' in text:
        raise SourceSyntaxError(
            f'{text!r} is not a source; use column, column.path or list["Name"] (e.g. form_fields["Colour"])'
        )
    parts = base.split(".")
    if not re.fullmatch(_NAME, parts[0]) or not all(_SEGMENT.match(p) for p in parts[1:]):
        raise SourceSyntaxError(
            f"{text!r} is not a source; use a column name, a dotted path (billing_address.email) "
            'or list["Name"]'
        )
    if label is None:
        return Source(text=text, column=parts[0], path=tuple(parts[1:]))
    list_field = parts[-1]
    if label_is_id and list_field != "attributes":
        raise SourceSyntaxError(f"{text!r}: only attributes can be picked by id; use a quoted name")
    column = NAMED_LISTS[list_field][0] if len(parts) == 1 and list_field in NAMED_LISTS else parts[0]
    return Source(
        text=text,
        column=column,
        path=tuple(parts[1:]),
        list_field=list_field,
        label=label,
        label_is_id=label_is_id,
    )


def list_keys(list_field: str) -> tuple[str, str]:
    """(key field, value field) of the list a name picks from; unknown lists are {name, value} pairs."""
    _, key, value = NAMED_LISTS.get(list_field, (list_field, "name", "value"))
    return key, value
