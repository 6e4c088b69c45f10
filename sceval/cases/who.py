"""Whose case is it: the passport in the custom properties, else the file name, else the text."""
from __future__ import annotations

import os
import re

from sctemplates.issues import Issue, issue
from sctemplates.layout import PASSPORT_PROPERTY_PREFIX
from sctemplates.city_names import name_forms
from sctemplates.roster import City, Roster

from sceval.cases.inputs import short

CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")
CODE_AND_NAME = re.compile(r"(?<!\d)(\d{6})[_\-\s]*([\u4e00-\u9fa5]{2,12}?(?:市|自治州|州|地区|盟))")
TEXT_SPAN = 2000  # characters of title and opening searched for a city name


SOURCE_LABELS = {"passport": "文档属性（模板标识）", "file_name": "文件名", "title": "标题", "text": "正文"}


def identify(custom: dict[str, str], display: str, title: str, text: str,
             roster: Roster | None) -> tuple[dict | None, str | None, list[Issue], dict[str, dict]]:
    """(city {"code", "name"} | None, basis, issues, every source's city): the passport decides,
    else the file name, else the text; a source naming another roster city is a warning."""
    sources = city_sources(custom, display, title, text, roster)
    city, basis, issues = _decide(sources, display, title + text, roster)
    return city, basis, issues + _disagreement(city, basis, sources, display), sources


def city_sources(custom: dict[str, str], display: str, title: str, text: str,
                 roster: Roster | None) -> dict[str, dict]:
    """Source -> the city it names: the passport, the file name, the title, the body's main city."""
    found: dict[str, dict] = {}
    code = custom.get(PASSPORT_PROPERTY_PREFIX + "city_code", "")
    if CODE.fullmatch(code or ""):
        found["passport"] = {"code": code, "name": custom.get(PASSPORT_PROPERTY_PREFIX + "city_name", "")}
    named = {"file_name": from_file_name(os.path.basename(display.split(" › ")[-1]), roster),
             "title": from_text(title, roster), "text": _most_named(text[:TEXT_SPAN * 4], roster)}
    found.update({key: {"code": city.code, "name": city.name} for key, city in named.items() if city is not None})
    return found


def _decide(sources: dict[str, dict], display: str, text: str, roster: Roster | None):
    if "passport" in sources:
        city = sources["passport"]
        return city, "passport", _outside_roster(city["code"], city["name"], display, roster)
    if "file_name" in sources:
        return sources["file_name"], "file_name", []
    by_text = from_text(text[:TEXT_SPAN], roster)
    if by_text is not None:
        return ({"code": by_text.code, "name": by_text.name}, "text",
                [issue("CASE_CITY_FROM_TEXT", f"文件“{short(display)}”的文档属性和文件名中都没有城市信息，"
                                              f"按正文判断为{by_text.name}，请核实。", file=display)])
    return None, None, [issue("CASE_CITY_UNKNOWN", f"文件“{short(display)}”无法识别所属城市（文档属性、文件名和正文中"
                                                   "都没有名单中的城市），请在文件名中注明城市名称。", file=display)]


def _disagreement(city: dict | None, basis: str | None, sources: dict[str, dict], display: str) -> list[Issue]:
    """CASE_CITY_DISAGREES when a source names another city than the one the case is counted for."""
    if city is None or all(found["code"] == city["code"] for found in sources.values()):
        return []
    said = "；".join(f"{SOURCE_LABELS[key]}为{found['name'] or found['code']}" for key, found in sources.items())
    return [issue("CASE_CITY_DISAGREES", f"文件“{short(display)}”的所属城市说法不一（{said}），已按"
                                         f"{SOURCE_LABELS[basis]}计为{city['name'] or city['code']}的案例。请核实是否报错了"
                                         "案例或文件名、文档属性有误。", file=display)]


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


def _most_named(text: str, roster: Roster | None) -> City | None:
    """The roster city the text names most often (the earliest named among equals): what it is about."""
    if roster is None or not text:
        return None
    counts = {city: sum(text.count(form) for form in _forms(city.name)[-1:]) for city in roster.cities}
    most = max(counts.values(), default=0)
    return _earliest(text, [city for city in counts if counts[city] == most]) if most else None


def _named_in(text: str, roster: Roster) -> City | None:
    """The roster city named earliest in ``text`` (full name, or without 市/地区/…)."""
    return _earliest(text, roster.cities)


def _earliest(text: str, cities) -> City | None:
    best: tuple[int, int, City] | None = None
    for city in cities:
        for form in _forms(city.name):
            at = text.find(form)
            if at >= 0 and (best is None or (at, -len(form)) < best[:2]):
                best = (at, -len(form), city)
    return best[2] if best else None


def _forms(name: str) -> list[str]:
    return list(name_forms(name))  # 凉山彝族自治州, 凉山彝族, 凉山州, 凉山
