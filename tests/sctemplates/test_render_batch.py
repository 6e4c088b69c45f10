"""render_all and `sceval render`: one file per city, refuse to overwrite, progress, processes."""
from __future__ import annotations

import openpyxl
import pytest
from typer.testing import CliRunner

from sctemplates import layout
from sctemplates.render import render_all
from tests.conftest import HANGZHOU, NINGBO


def expected_paths(folder):
    return [folder / layout.file_name(c.code, c.name) for c in (HANGZHOU, NINGBO)]


def test_render_all_writes_one_file_per_city_and_reports_progress(tmp_path, catalog, roster,
                                                                  optional_catalog):
    seen = []
    paths = render_all(catalog, roster, tmp_path, optional=optional_catalog,
                       progress=lambda city, path: seen.append((city.code, path)))
    assert paths == expected_paths(tmp_path)
    assert [code for code, _p in seen] == ["330100", "330200"]
    sheets = [openpyxl.load_workbook(p, read_only=True).sheetnames for p in paths]
    assert layout.SHEET_OPTIONAL in sheets[0] and layout.SHEET_OPTIONAL not in sheets[1]
    assert not list(tmp_path.glob(".tmp-*"))  # atomic writes leave no temporary files


def test_refuses_to_overwrite_before_writing_anything(tmp_path, catalog, roster):
    existing = expected_paths(tmp_path)[1]
    existing.write_bytes(b"city's returned file")
    with pytest.raises(FileExistsError) as raised:
        render_all(catalog, roster, tmp_path)
    assert existing.name in str(raised.value) and "--force" in str(raised.value)
    assert not expected_paths(tmp_path)[0].exists()  # nothing written, not even the free one
    assert existing.read_bytes() == b"city's returned file"


def test_force_overwrites(tmp_path, catalog, roster):
    existing = expected_paths(tmp_path)[1]
    existing.write_bytes(b"old")
    render_all(catalog, roster, tmp_path, force=True)
    assert openpyxl.load_workbook(existing).sheetnames[0] == layout.SHEET_COVER


def test_parallel_jobs_give_the_same_workbooks(tmp_path, catalog, roster, province):
    paths = render_all(catalog, roster, tmp_path, province=province, jobs=2,
                       deadline="2016-12-25")
    assert paths == expected_paths(tmp_path)
    book = openpyxl.load_workbook(paths[0])
    rows = dict(book[layout.SHEET_PASSPORT].iter_rows(values_only=True))
    assert rows["deadline"] == "2016-12-25" and rows["province_name"] == "浙江省"


def test_default_province_comes_from_roster(tmp_path, catalog, roster):
    (path, _other) = render_all(catalog, roster, tmp_path)
    book = openpyxl.load_workbook(path)
    rows = dict(book[layout.SHEET_PASSPORT].iter_rows(values_only=True))
    assert (rows["province_code"], rows["deadline"]) == ("330000", "2016-12-30")
    text = " ".join(str(c.value) for r in book[layout.SHEET_COVER].iter_rows() for c in r if c.value)
    assert "请与本省评价工作牵头部门联系" in text


def test_cli_render_then_refuse_then_force(tmp_path):
    from sceval.cli.app import app

    roster_file = tmp_path / "roster.csv"
    roster_file.write_text("代码,名称,类型\n330100,杭州市,副省级市\n330200,宁波市,计划单列市\n",
                           encoding="utf-8")
    out = tmp_path / "out"
    runner = CliRunner()
    args = ["render", "--roster", str(roster_file), "--out", str(out)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in expected_paths(out))
    second = runner.invoke(app, args)
    assert second.exit_code == 1 and "已存在" in second.output
    third = runner.invoke(app, [*args, "--force", "--jobs", "2"])
    assert third.exit_code == 0, third.output


def test_cli_bad_roster_exits_2_with_chinese_message(tmp_path):
    from sceval.cli.app import app

    missing = tmp_path / "nope.csv"
    result = CliRunner().invoke(app, ["render", "--roster", str(missing), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "城市名单" in result.output
