"""Whose case is it: the passport in the custom properties, else the file name, else the text."""
from __future__ import annotations

import os
import re

from sctemplates.issues import Issue, issue
from sctemplates.layout import PASSPORT_PROPERTY_PREFIX
from sctemplates.roster import City, Roster

from sceval.cases.inputs import short

CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")
CODE_AND_NAME = re.compile(r"(?<!\d)(\d{6})[_\-\s]*([\u4e00-\u9fa5]{2,12}?(?:市|自治州|州|地区|盟))")
NAME_SUFFIXES = ("市", "地区", "自治州", "盟")
TEXT_SPAN = 2000  # characters of title and opening searched for a city name


def identify(custom: dict[str, str], display: str, text: str,
             roster: Roster | None) -> tuple[dict | None, str | None, list[Issue]]:
    """(city {"code", "name"} | None, basis, issues)."""
    code = custom.get(PASSPORT_PROPERTY_PREFIX + "city_code", "")
    if CODE.fullmatch(code or ""):
        name = custom.get(PASSPORT_PROPERTY_PREFIX + "city_name", "")
        return {"code": code, "name": name}, "passport", _outside_roster(code, name, display, roster)
    by_name = from_file_name(os.path.basename(display.split(" › ")[-1]), roster)
    if by_name is not None:
        return {"code": by_name.code, "name": by_name.name}, "file_name", []
    by_text = from_text(text[:TEXT_SPAN], roster)
    if by_text is not None:
        return ({"code": by_text.code, "name": by_text.name}, "text",
                [issue("CASE_CITY_FROM_TEXT", f"文件“{short(display)}”的文档属性和文件名中都没有城市信息，"
                                              f"按正文判断为{by_text.name}，请核实。", file=display)])
    return None, None, [issue("CASE_CITY_UNKNOWN", f"文件“{short(display)}”无法识别所属城市（文档属性、文件名和正文中"
                                                   "都没有名单中的城市），请在文件名中注明城市名称。", file=display)]


def _outside_roster(code: str, name: str, display: str, roster: Roster | None) -> list[Issue]:
    if roster is None or code in roster.by_code():
        return []
    return [issue("CASE_CITY_NOT_IN_ROSTER", f"文件“{short(display)}”的文档属性表明它是{name or code}（{code}）的案例，"
                                             "该城市不在本批次名单中。", file=display)]


def from_file_name(name: str, roster: Roster | None) -> City | None:
    if roster is None:
        match = CODE_AND_NAME.search(name)
        return City(match.group(1), match.group(2), "") if match else None
    cities = roster.by_code()
    for code in CODE.findall(name):
        if code in cities:
            return cities[code]
    return _named_in(name, roster)


def from_text(text: str, roster: Roster | None) -> City | None:
    return _named_in(text, roster) if roster is not None else None


def _named_in(text: str, roster: Roster) -> City | None:
    """The roster city named earliest in ``text`` (full name, or without 市/地区/…)."""
    best: tuple[int, int, City] | None = None
    for city in roster.cities:
        for form in _forms(city.name):
            at = text.find(form)
            if at >= 0 and (best is None or (at, -len(form)) < best[:2]):
                best = (at, -len(form), city)
    return best[2] if best else None


def _forms(name: str) -> list[str]:
    forms = [name]
    for suffix in NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            forms.append(name[: -len(suffix)])
    return forms
