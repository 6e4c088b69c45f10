"""The previous round as a template shows it (issue 23): plain data, no sceval import.

sceval.previous loads earlier results.json files into these; render writes, beside every input,
a read-only grey column 上一轮填报值（<round>） and, on the cover, the earlier total, rank and
status. The inputs themselves stay empty: a city confirms each value again.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

NEW_INPUT = "新增指标"
NOT_FILLED = "未填报"
NO_EARLIER = "上一轮无数据"


@dataclass(frozen=True)
class PreviousCity:
    code: str
    name: str
    round: str
    status: str
    total: Decimal | None = None
    rank: int | None = None
    scores: dict = field(default_factory=dict)  # first-level code -> Decimal
    inputs: dict = field(default_factory=dict)  # input name (current edition) -> JSON value
    status_label: str = ""  # the status in the summary's words (sceval.reports.status_words)
    # input name -> (what the city reported, why the province changed it): ``inputs`` holds the
    # value the round was scored with, so a reviewed value is said to be one (a comment on its cell)
    adjusted: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PreviousValues:
    """What one city's template shows of the previous round."""

    city: PreviousCity | None
    input_names: frozenset = frozenset()  # inputs the earlier catalog had (current names)
    round_name: str = ""
    split_from: dict = field(default_factory=dict)  # current input -> earlier input it was part of

    def shown(self, name: str):
        """The cell's content beside input ``name``: the earlier value, or words saying why not."""
        if name not in self.input_names:
            earlier = self.split_from.get(name)
            return f"由上一轮“{earlier}”拆分" if earlier else NEW_INPUT
        if self.city is None:
            return NO_EARLIER
        if not self.city.inputs:  # not scored last time: say why (上一轮未报送, …)
            return f"上一轮{self.city.status_label}" if self.city.status_label else NO_EARLIER
        value = self.city.inputs.get(name)
        return NOT_FILLED if value is None or value == "" else value

    def note(self, name: str) -> str:
        """Why the value shown is not what the city typed last round; "" when it is."""
        if self.city is None or name not in self.city.adjusted or name not in self.input_names:
            return ""
        reported, why = self.city.adjusted[name]
        shown = NOT_FILLED if reported is None or reported == "" else reported
        return (f"上一轮本市填报 {shown}，经省级审核调整为 {self.city.inputs.get(name)}"
                + (f"（原因：{why}）" if why else "") + "；上一轮按调整后的数值计分。")

    def heading(self) -> str:
        return f"上一轮填报值（{self.round_name}）" if self.round_name else "上一轮填报值"
