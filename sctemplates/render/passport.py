"""The passport: what identifies a rendered template, written to three carriers.

Carriers (see sctemplates.layout): the very hidden _passport sheet (A=key, B=value, one field per
row from row 1, no header), one workbook defined name per field holding the value as a text
constant (="value", so it survives the sheet being deleted), and one custom document property
per field. Ingest reads all three and reports when they disagree.

template_id is deterministic: sha256 of (catalog fingerprint, optional fingerprint, province
code, city code, generated_at), first 32 hex digits. Rendering the same inputs at the same
generated_at gives byte-identical identity, and two renders at different times differ.
"""
from __future__ import annotations

import hashlib

from sctemplates import __version__
from sctemplates.layout import (
    PASSPORT_PROPERTY_PREFIX, TEMPLATE_KIND, Passport, passport_defined_name,
)
from sctemplates.model import Catalog
from sctemplates.roster import City
from sctemplates.render.formulas import text_literal


def template_id(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def build_passport(catalog: Catalog, city: City, province, optional: Catalog | None,
                   deadline: str, generated_at: str) -> Passport:
    """The passport of one city's template; ``optional`` is None when the city takes none."""
    fingerprint = catalog.fingerprint()
    optional_fp = optional.fingerprint() if optional is not None else ""
    province_code = str(getattr(province, "code", ""))
    return Passport(
        template_kind=TEMPLATE_KIND,
        template_id=template_id(fingerprint, optional_fp, province_code, city.code, generated_at),
        edition=catalog.edition, fingerprint=fingerprint, optional_fingerprint=optional_fp,
        province_code=province_code, province_name=str(getattr(province, "name", "")),
        city_code=city.code, city_name=city.name, city_kind=city.kind,
        deadline=deadline, generator=f"sceval {__version__}", generated_at=generated_at,
        input_fingerprint=catalog.input_contract_fingerprint(),
    )


def write_passport(workbook, worksheet, passport: Passport) -> None:
    """Write all three carriers; ``worksheet`` is the (already added) _passport sheet."""
    for row, (key, value) in enumerate(passport.as_dict().items()):
        worksheet.write_string(row, 0, key)
        worksheet.write_string(row, 1, value)
        workbook.define_name(passport_defined_name(key), "=" + text_literal(value))
        workbook.set_custom_property(PASSPORT_PROPERTY_PREFIX + key, value)
    worksheet.protect("", {"select_locked_cells": True})
    worksheet.very_hidden()

