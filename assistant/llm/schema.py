"""What in a JSON value breaks a JSON schema: the small subset the models are asked for."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def schema_problems(value: Any, schema: Mapping[str, Any], where: str = "$") -> list[str]:
    """What in ``value`` breaks ``schema`` (type, required, properties, items, enum); [] if fine.

    A small subset of JSON Schema, enough for the shapes we ask models for.
    """
    problems: list[str] = []
    kinds = schema.get("type")
    if kinds is not None:
        allowed = [kinds] if isinstance(kinds, str) else list(kinds)
        ok = any(
            isinstance(value, _JSON_TYPES.get(kind, (object,)))
            and not (kind in ("integer", "number") and isinstance(value, bool))
            for kind in allowed
        )
        if not ok:
            return [f"{where} should be {' or '.join(allowed)}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where} should be one of {schema['enum']}, got {value!r}")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                problems.append(f"{where} lacks required key '{key}'")
        properties = schema.get("properties", {})
        for key, sub in properties.items():
            if key in value:
                problems.extend(schema_problems(value[key], sub, f"{where}.{key}"))
        if schema.get("additionalProperties") is False:
            problems.extend(f"{where} has unexpected key '{key}'" for key in value if key not in properties)
    if isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        for index, item in enumerate(value):
            problems.extend(schema_problems(item, schema["items"], f"{where}[{index}]"))
    return problems
