"""The contract between a rendered template and ingest: sheet names, defined names, passport.

Render writes exactly these names; ingest reads exactly these names. Nothing here names an
indicator: per-input names come from the catalog (``Input.name``); per-indicator names are
derived from the indicator's code.
"""
from __future__ import annotations

from dataclasses import MISSING, asdict, dataclass, fields

TEMPLATE_KIND = "sceval-city-return"

SHEET_COVER = "封面与填写说明"
SHEET_BASE = "基础指标"
SHEET_OPTIONAL = "自选指标"
SHEET_FILER = "填报信息"
SHEET_LISTS = "_lists"  # hidden: drop-down choices and choice fractions
SHEET_PASSPORT = "_passport"  # very hidden: the passport, one field per row (A=key, B=value)
VISIBLE_SHEETS = (SHEET_COVER, SHEET_BASE, SHEET_OPTIONAL, SHEET_FILER)

# Passport carriers: the very hidden sheet, a defined name per field, a custom document property
# per field. Ingest reads all three and reports when they disagree.
PASSPORT_NAME_PREFIX = "SC_PASSPORT_"
PASSPORT_PROPERTY_PREFIX = "sceval."

# Filer information (填报信息) cells; the date and the attestation are also read on their own.
FILER_DATE = "SC_FILER_DATE"
FILER_ATTEST = "SC_FILER_ATTEST"
FILER_FIELDS = {
    "SC_FILER_NAME": "填报人",
    "SC_FILER_DEPT": "填报单位（部门）",
    "SC_FILER_PHONE": "联系电话",
    "SC_FILER_EMAIL": "电子邮箱",
    FILER_DATE: "填报日期",
    FILER_ATTEST: "数据截止时间承诺",
}
ATTEST_CHOICE = "是，已确认"
# The cover's city identity cells, for files that lost their passport.
COVER_CITY_CODE = "SC_COVER_CITY_CODE"
COVER_CITY_NAME = "SC_COVER_CITY_NAME"


def code_key(code: str) -> str:
    return code.replace("-", "_")


def source_name(code: str) -> str:
    """Defined name of a sub-item's 数据来源 cell."""
    return f"SC_{code_key(code)}_SRC"


def remark_name(code: str) -> str:
    """Defined name of a sub-item's 说明 (remarks) cell."""
    return f"SC_{code_key(code)}_NOTE"


def score_name(code: str) -> str:
    """Defined name of the live score formula cell of any indicator (or TOTAL / OPTIONAL)."""
    return f"SC_SCORE_{code_key(code)}"


# Columns of an indicator sheet (基础指标 / 自选指标): render writes them, ingest reads its rows by them.
INDICATOR_HEADERS = (
    ("编码", 9), ("指标名称 / 填报项", 42), ("权重", 7), ("计分方法", 11),
    ("评价要求与计分规则", 46), ("单位", 8), ("填报数值", 18), ("数据来源", 18), ("说明", 22),
    ("得分", 9),
)
COL_CODE, COL_NAME, COL_WEIGHT, COL_METHOD, COL_REQUIREMENT, COL_UNIT = range(6)
COL_VALUE, COL_SOURCE, COL_REMARK, COL_SCORE = range(6, 10)

TOTAL_SCORE = "SC_SCORE_TOTAL"
OPTIONAL_TOTAL_SCORE = "SC_SCORE_OPTIONAL_TOTAL"
STATUS_FILLED = "SC_STATUS_FILLED"
STATUS_REQUIRED = "SC_STATUS_REQUIRED"
STATUS_INVALID = "SC_STATUS_INVALID"


@dataclass(frozen=True)
class Passport:
    """What identifies a rendered template; every field is text."""

    template_kind: str
    template_id: str
    edition: str
    fingerprint: str
    optional_fingerprint: str  # "" when the city has no optional indicators
    province_code: str
    province_name: str
    city_code: str
    city_name: str
    city_kind: str
    deadline: str
    generator: str
    generated_at: str
    # Added with revisable catalogs: templates rendered before it lack the field (read as "").
    input_fingerprint: str = ""  # the catalog's input contract (Catalog.input_contract_fingerprint)

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def keys(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    @classmethod
    def from_mapping(cls, data: dict) -> "Passport | None":
        """A passport from a key->value mapping, or None when any required field is missing
        (fields added later, with a default, may be absent from older templates)."""
        if not all(key in data for key in cls.required_keys()):
            return None
        return cls(**{key: str(data[key]) for key in cls.keys() if key in data})

    @classmethod
    def required_keys(cls) -> list[str]:
        return [f.name for f in fields(cls) if f.default is MISSING]


def passport_defined_name(key: str) -> str:
    return PASSPORT_NAME_PREFIX + key.upper()


def file_name(city_code: str, city_name: str) -> str:
    from sctemplates.file_names import safe_file_name

    return safe_file_name(f"{city_code}_{city_name}_新型智慧城市评价填报表.xlsx")
