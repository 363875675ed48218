"""``flask funding check FILE.json`` prints the result document of the database catalogue."""

from __future__ import annotations

import json

import pytest

from tests.funding.helpers import EX1, EX3, EX6, EX8
from wbagentur.funding.engine import evaluate_document


@pytest.mark.parametrize("example", [EX1, EX3, EX6, EX8], ids=["ex1", "ex3", "ex6", "ex8"])
def test_cli_check_file_prints_engine_default_document(runner, tmp_path, example):
    path = tmp_path / "fall.json"
    path.write_text(json.dumps(example), encoding="utf-8")
    result = runner.invoke(args=["funding", "check", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == evaluate_document(example)


def test_cli_check_reads_stdin(runner):
    result = runner.invoke(args=["funding", "check", "-"], input=json.dumps(EX1))
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["routing"]["recommended"] == "sgb3_82"


def test_cli_check_invalid_input_fails_naming_field(runner):
    result = runner.invoke(args=["funding", "check", "-"], input='{"firm": {"headcount": "x"}}')
    assert result.exit_code == 1
    assert "firm.headcount" in result.output


def test_cli_check_invalid_json_fails(runner):
    result = runner.invoke(args=["funding", "check", "-"], input="{kaputt")
    assert result.exit_code == 1
    assert "Kein gültiges JSON" in result.output
