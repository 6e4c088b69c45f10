"""City status words (status_words.yaml), shared by the terminal, the summary and the feedback,
and the rules that go with them (which statuses are scored, chased, reminded, given
feedback), and the mark of a total that includes review adjustments (the summary's 总览, the report)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

WORDS_FILE = Path(__file__).with_name("status_words.yaml")


@lru_cache(maxsize=1)
def _words() -> dict[str, dict]:
    import yaml

    return yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))


def _cities() -> dict[str, dict]:
    return _words()["cities"]


def city_status_labels() -> dict[str, str]:
    """results.json status -> the Chinese word shown for it."""
    return {status: entry["label"] for status, entry in _cities().items()}


def city_status_label(status: str) -> str:
    return city_status_labels().get(status, status)


def statuses_to_chase() -> tuple[str, ...]:
    return tuple(status for status, entry in _cities().items() if entry.get("chase"))


def adjusted_words() -> dict[str, str]:
    """The words of the adjustment mark: column, cell, count_column, feedback_total, letter,
    summary_note, report_note."""
    return _words()["adjusted"]


def adjusted_count(entry: dict) -> int:
    """How many of the city's reported values the province's review changed: results.json's
    cities[].adjustments holds those in force, one per value (an undone one is gone)."""
    return len(entry.get("adjustments") or [])


def adjusted_mark(entry: dict) -> str:
    """'2 项' beside the total of a city with review adjustments; "" (blank, not 0) otherwise."""
    count = adjusted_count(entry)
    return adjusted_words()["cell"].format(count=count) if count else ""


def adjusted_words_for(kind: str, entry: dict) -> str:
    """The city's own words of its adjusted total (``kind``: feedback_total or letter); "" with none."""
    count = adjusted_count(entry)
    return adjusted_words()[kind].format(count=count) if count else ""


def adjusted_note(kind: str, cities: list[str]) -> str:
    """The note under a table with marked cities (``kind``: summary or report); "" with none."""
    return adjusted_words()[f"{kind}_note"].format(cities="、".join(cities)) if cities else ""


@lru_cache(maxsize=1)
def scored_statuses() -> tuple[str, ...]:
    """The statuses of cities with a total: rescored, ranked, in every statistic."""
    return tuple(status for status, entry in _cities().items() if entry.get("scored"))


def statuses_to_remind() -> tuple[str, ...]:
    """Chased with nothing scored (missing, rejected, blank): sceval mail remind writes to them."""
    return tuple(s for s in statuses_to_chase() if s not in scored_statuses())


def gets_feedback(status: str) -> bool:
    """Whether a city of this status with issues gets a 问题反馈表 (and so a feedback e-mail)."""
    return bool(_cities().get(status, {}).get("feedback", True))
