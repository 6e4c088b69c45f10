"""A province's roster made from GB/T 2260 (`sceval roster new`): above both the divisions table
and the roster model, so that neither imports the other's direction back (roster checks rows
against divisions; divisions knows nothing of rosters)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from sctemplates.atomic import write_text_atomic
from sctemplates.divisions import in_province
from sctemplates.roster import City, Roster, national_direct_cities, province_by_code


def province_roster(province_code: str):
    """A province's cities as a Roster, kinds as the roster's 类型 column wants them: the national
    list's 计划单列市 keep that kind, the other 副省级市 are marked, the rest keep their own kind."""
    name = province_by_code().get(province_code)
    if name is None:
        raise ValueError(f"“{province_code}”不是省级行政区划代码（GB/T 2260），如江苏省为 320000")
    direct = {c.code: c.kind for c in national_direct_cities()}
    cities = tuple(City(p.code, p.name, direct.get(p.code) or ("副省级市" if p.sub_provincial else p.kind))
                   for p in in_province(province_code))
    return Roster(province_code, name, cities)


def write_roster_csv(roster, path: str | Path) -> Path:
    """The roster as the CSV `sceval roster check` reads (UTF-8 with BOM, so Excel opens it right)."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(["代码", "名称", "类型", "联系人", "邮箱", "电话"])
    writer.writerows([city.code, city.name, city.kind, "", "", ""] for city in roster.cities)
    write_text_atomic(path, "\ufeff" + text.getvalue())
    return Path(path)
