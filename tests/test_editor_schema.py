"""Editor help: the JSON Schema file in the repo, its descriptions, and the sample against it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from reportgen.commands.cli import main
from reportgen.data.schema import SCHEMA_FILE, json_schema, schema_comment

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = sorted((ROOT / "data" / "derbyshire").rglob("*.yaml"))  # these carry the modeline
EVERY_DATA_FILE = sorted((ROOT / "data").rglob("*.yaml"))


def editor_view(path: Path) -> Any:
    """Load a file as a YAML editor does: plain YAML, dates left as text (YAML 1.2)."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))


def properties(node: Any) -> list[tuple[str, dict]]:
    """Return every (name, property schema) anywhere in the schema."""
    found: list[tuple[str, dict]] = []
    if isinstance(node, dict):
        found += list(node.get("properties", {}).items())
        for value in node.values():
            found += properties(value)
    elif isinstance(node, list):
        for value in node:
            found += properties(value)
    return found


def test_the_committed_schema_is_what_reportgen_schema_prints() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    assert (ROOT / SCHEMA_FILE).read_text(encoding="utf-8") == result.output, (
        "schema/reportgen.schema.json is stale: run `reportgen schema -o "
        "schema/reportgen.schema.json`")


def test_the_schema_is_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(json_schema())


def test_every_field_is_described_and_choices_are_listed() -> None:
    schema = json_schema()
    missing = [name for name, prop in properties(schema) if "description" not in prop]
    assert missing == []
    progress = schema["$defs"]["ObjectiveUpdate"]["properties"]["progress"]["anyOf"][0]
    assert progress["enum"] == ["Complete", "Good", "Review", "Action"]
    assert progress["enumDescriptions"][3].startswith("Significant issues")
    unit = schema["$defs"]["MeasureSpec"]["properties"]["unit"]
    assert unit["enum"] == ["count", "percent", "currency", "number"]
    assert len(unit["enumDescriptions"]) == 4


@pytest.mark.parametrize("path", EVERY_DATA_FILE, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_data_file_validates_against_the_schema(path: Path) -> None:
    jsonschema.validate(editor_view(path), json_schema())


@pytest.mark.parametrize("path", SAMPLE, ids=lambda p: p.name)
def test_every_sample_file_points_at_the_schema(path: Path) -> None:
    modeline = schema_comment(path).strip()
    assert modeline in path.read_text(encoding="utf-8").splitlines()[:2]
    target = modeline.split("$schema=")[1]
    assert (path.parent / target).resolve() == (ROOT / SCHEMA_FILE).resolve()


def test_the_schema_catches_what_an_editor_should_underline(tmp_path: Path) -> None:
    bad = {"objectives": {"SO-01": {"progress": "Excellent"}},
           "measures": {"foster-carers": {"valeu": 3}}}
    errors = list(jsonschema.Draft202012Validator(json_schema()).iter_errors(bad))
    assert errors, "a wrong progress word and a misspelt field must not validate"


def test_schema_comment_is_relative_and_empty_without_a_schema(tmp_path: Path) -> None:
    (tmp_path / "schema").mkdir()
    (tmp_path / SCHEMA_FILE).write_text("{}")
    quarter = tmp_path / "data" / "2026-27" / "q2"
    quarter.mkdir(parents=True)
    assert schema_comment(quarter / "place.yaml") == (
        "# yaml-language-server: $schema=../../../schema/reportgen.schema.json\n")
    elsewhere = tmp_path.parent / (tmp_path.name + "-other")
    elsewhere.mkdir()
    assert schema_comment(elsewhere / "place.yaml") == ""
