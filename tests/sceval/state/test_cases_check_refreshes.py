"""`sceval cases check 案例/ --out 结果/` into a round's folder changes what the summary shows (its
优秀案例 sheet), so the views follow (seen in a 四川 round: after the README's `cases check … --out
结果/`, `sceval verify` found the summary without its 优秀案例 sheet and exited 1). Real ingest,
a real case document, the real CLI; verify is the oracle."""
from __future__ import annotations

import openpyxl
from typer.testing import CliRunner

from sceval.cli.app import app
from sceval.ingest.batch import IngestOptions, ingest
from sceval.state.verify import verify_folder
from tests.sceval.cases.factory import CaseBuilder
from tests.sceval.ingest_helpers import ROSTER_CSV, base_catalog, fill, render, valid_values, zhejiang

CATALOG = base_catalog()
ROSTER = zhejiang()
CITY = ROSTER.cities[0]


def _case(path):
    builder = CaseBuilder("builtin")
    builder.title(f"{CITY.name}智慧社区建设实践")
    for number, heading in (("一、", "背景与需求"), ("二、", "主要做法"), ("三、", "特色亮点"), ("四、", "应用成效")):
        builder.heading(heading, 1, number)
        builder.para(f"{CITY.name}推进智慧社区建设，群众办事更方便。")
    return builder.save(path)


def test_checking_cases_into_a_round_folder_rebuilds_its_summary(tmp_path):
    fill(render(CATALOG, CITY, ROSTER, tmp_path / "t"), tmp_path / "in" / f"{CITY.code}.xlsx", valid_values(CATALOG))
    out = tmp_path / "out"
    ingest([tmp_path / "in"], out, IngestOptions(CATALOG, roster=ROSTER, jobs=1, draws=0, ledger_path=out / "ledger.sqlite"))
    assert verify_folder(out).ok
    (tmp_path / "cases").mkdir()
    _case(tmp_path / "cases" / f"{CITY.code}_{CITY.name}_优秀案例.docx")

    result = CliRunner().invoke(app, ["cases", "check", str(tmp_path / "cases"), "--roster", str(ROSTER_CSV), "--out", str(out)])
    assert result.exit_code == 0, result.output
    verdict = verify_folder(out)
    assert verdict.ok, verdict.summary()
    [summary] = out.glob("汇总_*.xlsx")
    assert "优秀案例" in openpyxl.load_workbook(summary, read_only=True).sheetnames
