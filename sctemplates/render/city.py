"""One city's fill-in workbook, written atomically with xlsxwriter."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from sctemplates.atomic import atomic_path
from sctemplates.layout import SHEET_BASE, SHEET_COVER, SHEET_FILER, SHEET_LISTS, SHEET_OPTIONAL, SHEET_PASSPORT
from sctemplates.model import Catalog
from sctemplates.roster import City
from sctemplates.render.context import SheetContext
from sctemplates.render.cover import write_cover
from sctemplates.render.filer import write_filer
from sctemplates.render.formats import FONT, FONT_SIZE, make_formats
from sctemplates.render.formulas import number
from sctemplates.render.indicator_sheet import write_indicator_sheet
from sctemplates.render.lists import write_lists
from sctemplates.render.passport import build_passport, write_passport

DEFAULT_DEADLINE = "2016-12-30"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def sheet_order(with_optional: bool) -> list[str]:
    names = [SHEET_COVER, SHEET_BASE, SHEET_OPTIONAL, SHEET_FILER, SHEET_LISTS, SHEET_PASSPORT]
    return [n for n in names if with_optional or n != SHEET_OPTIONAL]


def render_city(catalog: Catalog, city: City, province, path, optional: Catalog | None = None,
                deadline: str = DEFAULT_DEADLINE, generated_at: str | None = None,
                previous=None) -> Path:
    """Write ``path`` (atomically) and return it; the optional sheet only if the city takes it.
    ``previous``: sctemplates.render.previous.PreviousValues of this city (issue 23), or None."""
    import xlsxwriter

    optional = optional if optional is not None and city.takes_optional else None
    passport = build_passport(catalog, city, province, optional, deadline,
                              generated_at or now_iso())
    path = Path(path)
    with atomic_path(path) as tmp:
        workbook = xlsxwriter.Workbook(str(tmp), {
            "constant_memory": False,
            "in_memory": True,  # no temporary file per XML part: about a third faster
            "default_format_properties": {"font_name": FONT, "font_size": FONT_SIZE},
        })
        _fill(workbook, catalog, city, province, optional, deadline, passport, previous)
        workbook.close()
    return path


def _fill(workbook, catalog, city, province, optional, deadline, passport, previous=None) -> None:
    from sctemplates.render.worksheet import TemplateWorksheet

    sheets = {name: workbook.add_worksheet(name, worksheet_class=TemplateWorksheet)
              for name in sheet_order(optional is not None)}
    formats = make_formats(workbook)
    lists = write_lists(sheets[SHEET_LISTS], [c for c in (catalog, optional) if c], formats)
    sheets[SHEET_LISTS].hide()

    def context(name: str) -> SheetContext:
        return SheetContext(workbook, sheets[name], name, formats, lists)

    base_sheet = context(SHEET_BASE)
    if previous is not None:
        from sctemplates.render.previous_column import attach_previous_column

        attach_previous_column(base_sheet, previous)
    base = write_indicator_sheet(base_sheet, catalog, _title(SHEET_BASE, city, catalog))
    if previous is not None:
        from sctemplates.render.previous_column import finish_previous_column

        finish_previous_column(base_sheet, base.last_row)
    extra = None
    if optional is not None:
        extra = write_indicator_sheet(context(SHEET_OPTIONAL), optional,
                                      _title(SHEET_OPTIONAL, city, optional))
    provisional = catalog.provisional or bool(optional and optional.provisional)
    write_cover(context(SHEET_COVER), catalog, city, province, deadline, base, extra, provisional, previous)
    write_filer(context(SHEET_FILER), catalog, lists.attest)
    write_passport(workbook, sheets[SHEET_PASSPORT], passport)
    _properties(workbook, catalog, city, province, passport.generated_at)


def _title(sheet_name: str, city: City, catalog: Catalog) -> str:
    return f"{city.name} {sheet_name}（满分{number(catalog.total_points)}分）"


def _properties(workbook, catalog: Catalog, city: City, province, generated_at: str) -> None:
    # The file's own save time is the render's (the passport's generated_at), not the clock's when
    # given: an untouched template replied-all is ordered by when it was issued, never "after" the
    # mail that carries it (TIME_SAVED_AFTER_MAIL), and a render is reproducible.
    created = datetime.fromisoformat(generated_at).astimezone(timezone.utc).replace(tzinfo=None)
    workbook.set_properties({
        "created": created,
        "title": f"{city.name} {catalog.title} 填报表",
        "subject": catalog.title,
        "company": str(getattr(province, "name", "")),
        "comments": "请只填写黄色单元格，填好后保存为 .xlsx 并通过电子邮件报送。",
    })
