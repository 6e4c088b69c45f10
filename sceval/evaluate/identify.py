"""Whose return is this? The passport's three carriers, the cover, the file name and the roster.

The passport wins over the file name; carriers that contradict each other, another edition,
province or catalog, or a city outside the roster make the file unusable (an error, not scored).
A return of a revised catalog whose input contract is unchanged (only weights, methods' params,
choice fractions changed) is scored under the current rules, with ID_RULES_REVISED saying so.
A file that lost its passport is matched by the cover's city code or name when that is
unambiguous. Sheets are found by name, else by what they hold.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sctemplates.cells import cell_text
from sctemplates.issues import Issue, issue
from sctemplates.layout import (
    COVER_CITY_CODE, COVER_CITY_NAME, FILER_FIELDS, PASSPORT_PROPERTY_PREFIX, SHEET_BASE,
    SHEET_COVER, SHEET_FILER, SHEET_OPTIONAL, SHEET_PASSPORT, TEMPLATE_KIND, VISIBLE_SHEETS,
    Passport, passport_defined_name,
)
from sctemplates.model import Catalog
from sctemplates.roster import City, Roster

from sceval.workbook import template_rows
from sceval.workbook.book import Book

# Identity errors after which nothing in the file can be trusted to belong to a city's return.
BLOCKING = {
    "ID_UNIDENTIFIED", "ID_OTHER_EDITION", "ID_OTHER_PROVINCE", "ID_OTHER_CATALOG",
    "ID_NOT_IN_ROSTER", "ID_PASSPORT_MISMATCH", "ID_COVER_MISMATCH", "ID_TEMPLATE_EDITED",
    "ID_SHEET_MISSING", "ID_NAME_MOVED", "ID_OTHER_CITY_TEMPLATE",
}
SIX_DIGITS = re.compile(r"(?<!\d)(\d{6})(?!\d)")


@dataclass
class Identity:
    city: City | None = None
    passport: Passport | None = None
    issues: list[Issue] = field(default_factory=list)
    sheets: dict[str, str] = field(default_factory=dict)  # layout sheet name -> actual name
    optional_ok: bool = True
    rules_revised: bool = False  # rendered from a catalog with the same inputs but other scoring rules

    @property
    def blocked(self) -> bool:
        return any(item.code in BLOCKING for item in self.issues)


def passport_carriers(book: Book) -> dict[str, Passport | None]:
    """The passport as each carrier holds it (None when that carrier is absent or incomplete)."""
    grid = book.rows(SHEET_PASSPORT)
    sheet = {str(row[0]).strip(): cell_text(row[1]) for row in grid if len(row) > 1 and row[0] != ""}
    names = {key: book.constants[passport_defined_name(key)]
             for key in Passport.keys() if passport_defined_name(key) in book.constants}
    props = {key: book.properties[PASSPORT_PROPERTY_PREFIX + key]
             for key in Passport.keys() if PASSPORT_PROPERTY_PREFIX + key in book.properties}
    return {"隐藏工作表": Passport.from_mapping(sheet), "定义名称": Passport.from_mapping(names),
            "文档属性": Passport.from_mapping(props)}




def identify(book: Book, catalog: Catalog, roster: Roster | None, optional: Catalog | None,
             file: str) -> Identity:
    ident = Identity()
    ident.sheets, sheet_issues = locate_sheets(book, catalog, file)
    ident.issues += sheet_issues
    follow_renamed_sheets(book, ident.sheets)
    ident.issues += recover_lost_names(book, catalog, optional, ident.sheets, file)
    ident.issues += _labelled_moves(book, ident.sheets, file)
    carriers = passport_carriers(book)
    present = {label: p for label, p in carriers.items() if p is not None and p.template_kind == TEMPLATE_KIND}
    if present:
        ident.passport = next(iter(present.values()))
        ident.issues += _carrier_disagreements(present, file)
        ident.issues += _passport_checks(ident.passport, catalog, roster, file)
        ident.issues += issued_to_other_city(ident.passport, roster, file)
        ident.rules_revised = any(item.code == "ID_RULES_REVISED" for item in ident.issues)
        ident.city = _city_of_passport(ident.passport, roster)
        ident.issues += _cover_checks(book, ident.city, file)
        ident.optional_ok = _optional_ok(ident, optional, file)
    else:
        ident.city = _city_from_cover(book, roster, file, ident.issues)
    if ident.city is not None:
        ident.issues += _filename_check(file, ident.city, roster)
    return ident


def recover_lost_names(book: Book, catalog: Catalog, optional: Catalog | None,
                       sheets: dict[str, str], file: str) -> list[Issue]:
    """When a tool dropped the defined names, find every cell again by its labelled row."""
    if not template_rows.names_lost(book, catalog):
        return []
    added = template_rows.rebuild_names(book, catalog, sheets.get(SHEET_BASE, SHEET_BASE))
    if optional is not None:
        added += template_rows.rebuild_names(book, optional, sheets.get(SHEET_OPTIONAL, SHEET_OPTIONAL))
    added += template_rows.rebuild_labelled(book, sheets.get(SHEET_FILER, SHEET_FILER), template_rows.filer_labels())
    added += template_rows.rebuild_labelled(book, sheets.get(SHEET_COVER, SHEET_COVER), template_rows.COVER_LABELS)
    return [issue("ID_NAMES_LOST", f"文件 {file} 的定义名称丢失，已按指标编码所在行读取 {added} 个单元格，请核实",
                  file=file)]


def _labelled_moves(book: Book, sheets: dict[str, str], file: str) -> list[Issue]:
    """The cover's city cells and the filer's cells, where the template put them (issue 13, item 2)."""
    found = []
    for layout_sheet, labels in ((SHEET_COVER, template_rows.COVER_LABELS), (SHEET_FILER, template_rows.filer_labels())):
        if layout_sheet in sheets:
            found += template_rows.labelled_moves(book, sheets[layout_sheet], labels, file)
    return found


def _carrier_disagreements(present: dict[str, Passport], file: str) -> list[Issue]:
    first_label, first = next(iter(present.items()))
    found = []
    for label, other in present.items():
        differing = [k for k in Passport.keys() if getattr(other, k) != getattr(first, k)]
        if differing:
            detail = "、".join(f"{k}：{getattr(first, k)} ≠ {getattr(other, k)}" for k in differing[:4])
            found.append(issue("ID_PASSPORT_MISMATCH",
                               f"文件 {file} 的模板标识在“{first_label}”与“{label}”中不一致（{detail}），"
                               "请使用下发的原始模板重新填报", file=file))
    return found


def _passport_checks(passport: Passport, catalog: Catalog, roster: Roster | None, file: str) -> list[Issue]:
    found = []
    if passport.edition != catalog.edition:
        found.append(issue("ID_OTHER_EDITION", f"文件 {file} 属于 {passport.edition} 年度的评价，"
                                               f"本次为 {catalog.edition} 年度，请使用本年度模板填报", file=file))
    elif passport.fingerprint != catalog.fingerprint():
        found.append(_other_catalog(passport, catalog, file))
    if roster is not None and passport.province_code != roster.province_code:
        found.append(issue("ID_OTHER_PROVINCE", f"文件 {file} 属于{passport.province_name}（{passport.province_code}），"
                                                f"本次为{roster.province_name}（{roster.province_code}）的评价", file=file))
    elif roster is not None and passport.city_code not in roster.by_code():
        found.append(issue("ID_NOT_IN_ROSTER", f"文件 {file} 的城市 {passport.city_name}（{passport.city_code}）"
                                               f"不在{roster.province_name}的城市名单中", file=file))
    return found


def _other_catalog(passport: Passport, catalog: Catalog, file: str) -> Issue:
    """Same input contract: the city answered exactly what the current catalog asks, so the return
    is scored under the revised rules. Otherwise (or a template older than the contract field,
    which cannot tell) it is refused."""
    if passport.input_fingerprint and passport.input_fingerprint == catalog.input_contract_fingerprint():
        return issue("ID_RULES_REVISED", f"文件 {file} 由修订前的指标目录生成（指纹 {passport.fingerprint}），"
                                         f"输入项与现行目录（指纹 {catalog.fingerprint()}）一致，按修订后的计分规则计分；"
                                         "模板中显示的权重和实时得分为修订前的数值，以本次计分结果为准", file=file)
    return issue("ID_OTHER_CATALOG", f"文件 {file} 由不同的指标目录生成（指纹 {passport.fingerprint}，"
                                     f"现行 {catalog.fingerprint()}），请使用新下发的模板重新填报", file=file)


# Issue 13, item 10: a return whose passport (all three carriers) and cover were rewritten to
# another city counted as that city. What one city's issued template has that another's has not is
# its template_id: sha256 over catalog fingerprint, optional fingerprint, province, city code and
# generation time (sctemplates.render.passport). A forger who rewrites the city but not the id
# leaves a passport that matches another city's issued template better than its own; recomputing
# the id for each roster city names that city (an id that fits no city means another field was
# edited, which the edition, catalog and optional checks report). A forger who also recomputes the id (the formula is
# public) is not caught here: that needs a secret the cities do not hold (an HMAC of the same
# parts under a province issue key kept with the roster; docs/interfaces.md). Mail returns also
# carry their sender (results.json "message"), shown next to the city.
def issued_to_other_city(passport: Passport, roster: Roster | None, file: str) -> list[Issue]:
    """ID_OTHER_CITY_TEMPLATE when the passport's template_id is not the one issued to its city."""
    from sctemplates.render.passport import template_id

    def issued(code: str) -> str:
        return template_id(passport.fingerprint, passport.optional_fingerprint, passport.province_code, code,
                           passport.generated_at)

    if issued(passport.city_code) == passport.template_id:
        return []
    real = next((city for city in (roster.cities if roster else ()) if issued(city.code) == passport.template_id), None)
    if real is None:  # another field edited (catalog, optional, time): the checks of those fields say so
        return []
    return [issue("ID_OTHER_CITY_TEMPLATE", f"文件 {file} 声称属于{passport.city_name}（{passport.city_code}），"
                                            f"但其模板标识 {passport.template_id} 是下发给{real.name}（{real.code}）的模板的；"
                                            "模板标识和封面可能被改写，本文件不计分，请核实来源", file=file)]


def _city_of_passport(passport: Passport, roster: Roster | None) -> City:
    if roster is not None and passport.city_code in roster.by_code():
        return roster.by_code()[passport.city_code]
    return City(passport.city_code, passport.city_name, passport.city_kind)




def _optional_ok(ident: Identity, optional: Catalog | None, file: str) -> bool:
    city = ident.city
    expected = optional.fingerprint() if optional is not None and city and city.takes_optional else ""
    if ident.passport.optional_fingerprint == expected:
        return True
    if optional is None and city and city.takes_optional:
        # The province forgot --optional: nothing the city can fix, said once for the run
        # (RUN_OPTIONAL_MISSING) and on the city's row only as pending.
        ident.issues.append(issue("OPTIONAL_PENDING", f"文件 {file} 的自选指标待省级补充自选指标定义后重新计分",
                                  file=file))
        return False
    ident.issues.append(issue(
        "ID_OTHER_OPTIONAL", f"文件 {file} 的自选指标（指纹 {ident.passport.optional_fingerprint or '无'}）"
                             f"与本省现行自选指标（指纹 {expected or '无'}）不一致，自选指标不计分；请使用新下发的模板", file=file))
    return False


def _cover_values(book: Book) -> tuple[str, str]:
    code = book.named(COVER_CITY_CODE)
    name = book.named(COVER_CITY_NAME)
    return (cell_text(code.value).strip() if code else "", cell_text(name.value).strip() if name else "")


def _cover_checks(book: Book, city: City | None, file: str) -> list[Issue]:
    code, name = _cover_values(book)
    if city is None or (code in ("", city.code) and name in ("", city.name)):
        return []
    sheet, cell = book.names.get(COVER_CITY_CODE if code not in ("", city.code) else COVER_CITY_NAME)
    return [issue("ID_COVER_MISMATCH", f"文件 {file} 封面的城市为“{name or code}”，而模板标识为"
                                       f"{city.name}（{city.code}）；请勿修改封面城市信息，或使用本市的模板",
                  file=file, sheet=sheet, cell=cell)]


def _city_from_cover(book: Book, roster: Roster | None, file: str, issues: list[Issue]) -> City | None:
    code, name = _cover_values(book)
    cities = list(roster.cities) if roster else []
    matches = {c for c in cities if (code and c.code == code) or (name and c.name == name)}
    if len(matches) == 1:
        city = matches.pop()
        issues.append(issue("ID_NO_PASSPORT", f"文件 {file} 缺少模板标识，已按封面城市信息识别为"
                                              f"{city.name}（{city.code}），请核实", file=file))
        return city
    shown = f"（封面城市代码“{code}”、名称“{name}”）" if code or name else "（封面无城市信息）"
    issues.append(issue("ID_UNIDENTIFIED", f"文件 {file} 缺少模板标识，无法确定属于哪个城市{shown}，"
                                           "请使用下发的本市模板填报", file=file))
    return None


def city_from_file_name(file: str, roster: Roster | None) -> City | None:
    """The roster city a file's own name points to (its six-digit code, else its city name), or
    None when the name names no roster city or more than one. Only for files that could not be
    read or identified: an unusable return must still be shown against the city that sent it."""
    if roster is None:
        return None
    base = re.split(r"[\\/›]", file)[-1].strip()
    by_code = roster.by_code()
    coded = {by_code[c] for c in SIX_DIGITS.findall(base) if c in by_code}
    named = coded or {c for c in roster.cities if c.name in base}
    return named.pop() if len(named) == 1 else None


def _filename_check(file: str, city: City, roster: Roster | None) -> list[Issue]:
    base = re.split(r"[\\/]", file)[-1]
    codes = set(SIX_DIGITS.findall(base))
    others = {c.name for c in (roster.cities if roster else ()) if c.name in base and c.code != city.code}
    if (codes and city.code not in codes) or (others and city.name not in base):
        said = "、".join(sorted(codes - {city.code}) + sorted(others))
        return [issue("ID_FILENAME_MISMATCH", f"文件名“{base}”显示为 {said}，而工作簿内标识为"
                                              f"{city.name}（{city.code}），以工作簿内标识为准", file=file)]
    return []


def locate_sheets(book: Book, catalog: Catalog, file: str) -> tuple[dict[str, str], list[Issue]]:
    """layout sheet name -> actual sheet, found by name, else by the names/content it holds."""
    found, issues = {}, []
    markers = {
        SHEET_BASE: [item.name for _, _, item in catalog.inputs()],
        SHEET_FILER: list(FILER_FIELDS), SHEET_COVER: [COVER_CITY_CODE, COVER_CITY_NAME],
    }
    for wanted in VISIBLE_SHEETS:
        actual = wanted if wanted in book.sheet_names else _sheet_by_names(book, markers.get(wanted, []))
        if actual is None and wanted == SHEET_BASE:
            actual = _sheet_by_codes(book, catalog)
        if actual is not None:
            found[wanted] = actual
        if actual is not None and actual != wanted:
            issues.append(issue("ID_SHEET_RENAMED", f"文件 {file} 的工作表“{wanted}”被改名为“{actual}”，已按内容识别",
                                file=file, sheet=actual))
        elif actual is None and wanted == SHEET_BASE:
            issues.append(issue("ID_SHEET_MISSING", f"文件 {file} 缺少工作表“{wanted}”，请使用下发的原始模板填报",
                                file=file, sheet=wanted))
        elif actual is None and wanted == SHEET_FILER:
            # Only contact details live there: a blank 填报信息 is counted, so a deleted one is too.
            issues.append(issue("ID_FILER_SHEET_MISSING",
                                f"文件 {file} 缺少工作表“{wanted}”（填报人、联系方式和数据截止时间承诺），"
                                "指标数据照常计分；请补充填报信息后用原始模板重新报送", file=file, sheet=wanted))
    issues += _order_check(book, found, file)
    return found, issues


def follow_renamed_sheets(book: Book, sheets: dict[str, str]) -> None:
    """Names still pointing at a layout sheet that was renamed (tools that do not update names)."""
    if {sheet for sheet, _cell in book.names.values()} <= set(book.sheet_names):
        return  # the usual case: every name points at a sheet that exists
    for name, (sheet, cell) in list(book.names.items()):
        if sheet not in book.sheet_names and sheets.get(sheet, sheet) in book.sheet_names:
            book.names[name] = (sheets[sheet], cell)


def _sheet_by_names(book: Book, names: list[str]) -> str | None:
    sheets = [book.names[n][0] for n in names if n in book.names]
    return sheets[0] if sheets and sheets[0] in book.sheet_names else None


def _sheet_by_codes(book: Book, catalog: Catalog) -> str | None:
    codes = {sub.code for sub in catalog.sub_items()}
    best, best_hits = None, 0
    for name in book.sheets:
        hits = sum(1 for row in book.rows(name) for value in row if isinstance(value, str) and value.strip() in codes)
        if hits > best_hits:
            best, best_hits = name, hits
    return best if best_hits >= len(codes) // 2 else None


def _order_check(book: Book, found: dict[str, str], file: str) -> list[Issue]:
    if any(actual != wanted for wanted, actual in found.items()):
        return []  # a rename is already reported
    expected = [s for s in VISIBLE_SHEETS if s in found]
    actual = [s for s in book.sheet_names if s in expected]
    if actual == expected:
        return []
    return [issue("ID_SHEET_RENAMED", f"文件 {file} 的工作表顺序被调整（现为：{'、'.join(actual)}），已按名称识别",
                  file=file)]
