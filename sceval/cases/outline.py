"""The 附件3 outline and the advertising word lists, loaded once from their YAML files."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SPACE_BETWEEN_CJK = re.compile(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])")


def tidy(text) -> str:
    """One line of Chinese from YAML's folded text: a line break YAML turned into a space between
    two Chinese characters is dropped (“标题 1”, “8000 字” keep theirs)."""
    return SPACE_BETWEEN_CJK.sub("", " ".join(str(text or "").split()))


@dataclass(frozen=True)
class Section:
    key: str
    label: str  # as the template writes it, e.g. 1、背景与需求
    name: str
    match: tuple[tuple[str, ...], ...]  # any group whose words all occur in the heading
    guidance: str
    subsections: tuple["Section", ...] = ()

    def matches(self, heading: str) -> bool:
        return any(all(word in heading for word in group) for group in self.match)


@dataclass(frozen=True)
class Outline:
    data: dict
    sections: tuple[Section, ...]
    numbering: tuple[re.Pattern, ...]

    @property
    def max_characters(self) -> int:
        return int(self.data["limits"]["characters"])

    @property
    def max_figures(self) -> int:
        return int(self.data["limits"]["figures_and_tables"])

    def __getitem__(self, key: str):
        return self.data[key]


def _section(raw: dict) -> Section:
    return Section(key=raw.get("key", raw["name"]), label=raw["label"], name=raw["name"],
                   match=tuple(tuple(group) for group in raw["match"]),
                   guidance=tidy(raw.get("guidance")),
                   subsections=tuple(_section(sub) for sub in raw.get("subsections", ())))


@lru_cache(maxsize=1)
def outline() -> Outline:
    data = yaml.safe_load((HERE / "outline.yaml").read_text(encoding="utf-8"))
    return Outline(data=data, sections=tuple(_section(raw) for raw in data["sections"]),
                   numbering=tuple(re.compile(pattern) for pattern in data["numbering_levels"]))


@dataclass(frozen=True)
class Advertising:
    company: re.Pattern
    trademark: re.Pattern
    superlative: re.Pattern


@lru_cache(maxsize=1)
def advertising() -> Advertising:
    data = yaml.safe_load((HERE / "advertising.yaml").read_text(encoding="utf-8"))
    def either(patterns) -> re.Pattern:
        return re.compile("|".join(f"(?:{pattern})" for pattern in patterns))
    return Advertising(company=either(data["company"]), trademark=either(data["trademark"]),
                       superlative=either(data["superlatives"]))
