"""Errors are data: an Issue has a stable code, a severity and a location (file, sheet, cell).

The codes and their severities live in ``issue_codes.yaml``; code that reports a problem names
the code and writes a Chinese message saying what was found and what is expected.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path

import yaml

from sctemplates.display import MESSAGE_LIMIT, bounded, neutral

CODES_FILE = Path(__file__).with_name("issue_codes.yaml")
SEVERITIES = ("error", "warning", "info")


@lru_cache(maxsize=1)
def issue_codes() -> dict[str, dict]:
    """code -> {severity, meaning}, in catalogue order."""
    return yaml.safe_load(CODES_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Issue:
    code: str
    severity: str
    message: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    indicator: str = ""

    def as_dict(self) -> dict:
        return asdict(self)

    def at(self, **location) -> "Issue":
        """The same issue at a (more precise) location."""
        return replace(self, **location)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def issue(code: str, message: str, **location) -> Issue:
    """Make an Issue whose severity comes from the catalogue; unknown codes are a bug."""
    entry = issue_codes().get(code)
    if entry is None:
        raise KeyError(f"issue code {code!r} is not in {CODES_FILE.name}")
    # Messages quote file names and cells: shown neutralised and bounded (sctemplates.display).
    shown = bounded(neutral(message), MESSAGE_LIMIT)
    return Issue(code=code, severity=entry["severity"], message=shown, **location)


def count_by_severity(issues) -> dict[str, int]:
    counts = dict.fromkeys(SEVERITIES, 0)
    for item in issues:
        counts[item.severity] += 1
    return counts


def has_errors(issues) -> bool:
    return any(item.is_error for item in issues)
