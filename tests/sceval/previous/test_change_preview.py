"""The cover's 与上一轮相比（预览） stays blank until the city fills something (seen in a 四川 round:
泸州's fresh second-round template greeted it with “-69.03”, minus last round's whole total).
LibreOffice calculates the real workbooks: the untouched template and a filled copy."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import openpyxl

from sctemplates.layout import SHEET_COVER
from tests.libreoffice import needs_soffice, resave_xlsx
from tests.sceval.ingest_helpers import fill, valid_values
from tests.sceval.previous.test_render_previous import CATALOG, previous_results, rendered  # noqa: F401 - fixtures

LABEL = "与上一轮相比（预览）"


def _cover(path) -> dict:
    cover = openpyxl.load_workbook(path, data_only=True)[SHEET_COVER]
    return {row[0]: row[1] for row in cover.iter_rows(max_col=2, values_only=True) if row[0]}


@needs_soffice
def test_the_change_preview_is_blank_on_an_untouched_template_and_exact_once_filled(rendered, previous_results, tmp_path):
    hangzhou = previous_results[0]
    filled = fill(rendered, tmp_path / "filled" / "杭州.xlsx", valid_values(CATALOG))
    untouched, typed = resave_xlsx([rendered, filled], tmp_path / "lo")
    assert _cover(untouched)[LABEL] in (None, "")
    shown = _cover(typed)
    live_total = Decimal(str(shown["基础指标得分预览"]))
    assert live_total > 0
    expected = (live_total - Decimal(str(hangzhou["total"]))).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert Decimal(str(shown[LABEL])) == expected
