"""City status words (status_words.yaml), shared by the terminal, the summary and the feedback,
and the rules that go with them: which statuses are scored, chased, reminded, given feedback."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

WORDS_FILE = Path(__file__).with_name("status_words.yaml")


@lru_cache(maxsize=1)
def _cities() -> dict[str, dict]:
    import yaml

    return yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))["cities"]


def city_status_labels() -> dict[str, str]:
    """results.json status -> the Chinese word shown for it."""
    return {status: entry["label"] for status, entry in _cities().items()}


def city_status_label(status: str) -> str:
    return city_status_labels().get(status, status)


def statuses_to_chase() -> tuple[str, ...]:
    return tuple(status for status, entry in _cities().items() if entry.get("chase"))


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
