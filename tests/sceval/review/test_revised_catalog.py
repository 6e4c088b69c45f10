"""Returns rendered from one catalog, ingested under a revised one (issue 16, item 2).

Same input contract (only weights, fractions, params changed): accepted with ID_RULES_REVISED and
scored by the new rules — checked against a computation written out here. Changed inputs (a
choice label, a new input) or a template too old to carry its input contract: refused as before.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from sceval.ingest.batch import IngestOptions, ingest
from sceval.ingest.one_file import FileTask, process_file
from sctemplates.catalog import load_catalog
from sctemplates.catalog_workbook import sheets as S
from sctemplates.layout import PASSPORT_PROPERTY_PREFIX, SHEET_BASE, SHEET_PASSPORT, passport_defined_name
from tests.libreoffice import needs_soffice, resave_xlsx
from tests.sceval.ingest_helpers import base_catalog, fill, render, valid_values, zhejiang
from tests.sctemplates.catalog_workbook.helpers import cell_of, edit, exported, set_values

CATALOG = base_catalog()
ROSTER = zhejiang()
CITY = ROSTER.cities[0]
# L1P1's three ratio sub-items answered unevenly, so their weights matter (A1 = 823/2000).
ANSWERS = {"SC_L1P1_A1_NUM": 823, "SC_L1P1_A1_DEN": 2000, "SC_L1P1_A2_NUM": 200, "SC_L1P1_A2_DEN": 200,
           "SC_L1P1_A3_NUM": 0, "SC_L1P1_A3_DEN": 200}
NEW_SUB_WEIGHTS = {"L1P1-A1": 50, "L1P1-A2": 30, "L1P1-A3": 20}  # were 30/35/35
NEW_SECOND_WEIGHTS = {"L1P1": 9, "L1P2": 2}  # were 8/3 (L1 stays 37)


def cent(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def l1p1_by_hand(sub_weights: dict[str, int], second_weight: int) -> Decimal:
    """L1P1 from the answers: each sub-item weight × numerator ÷ denominator, rounded, summed,
    × the second-level weight ÷ 100, rounded."""
    fractions = {"L1P1-A1": Decimal(823) / Decimal(2000), "L1P1-A2": Decimal(1), "L1P1-A3": Decimal(0)}
    subs = sum(cent(Decimal(sub_weights[code]) * fraction) for code, fraction in fractions.items())
    return cent(Decimal(second_weight) * subs / 100)


@pytest.fixture(scope="module")
def catalogs(tmp_path_factory):
    """The revised catalogs, made the way an official makes them: export, edit in Excel, load."""
    folder = tmp_path_factory.mktemp("catalogs")
    source = exported(folder)
    weights = {(code, "权重（%）"): w for code, w in NEW_SUB_WEIGHTS.items()}
    rules = edit(source, folder / "权重.xlsx", set_values(S.SHEET_SUB, weights))
    rules = edit(rules, folder / "权重2.xlsx",
                 set_values(S.SHEET_SECOND, {(c, "权重（分）"): w for c, w in NEW_SECOND_WEIGHTS.items()}))

    def relabel(book):
        for row in book[S.SHEET_SCALES].iter_rows(min_row=2):
            if row[1].value == "不定期发布":
                row[1].value = "偶尔发布"

    def new_input(book):  # L1P2-A1 turns from a graded choice into a ratio of two counts
        subs = book[S.SHEET_SUB]
        subs[cell_of(subs, "L1P2-A1", "计分方法")] = "比例"
        subs[cell_of(subs, "L1P2-A1", "分档表")] = None
        inputs = book[S.SHEET_INPUTS]
        inputs.append(["L1P2-A1", "分子", "已发布交通运行指数的路段数", "个"])
        inputs.append(["L1P2-A1", "分母", "主要路段数", "个"])

    return {"rules": load_catalog(rules), "label": load_catalog(edit(source, folder / "档次.xlsx", relabel)),
            "input": load_catalog(edit(source, folder / "输入.xlsx", new_input))}


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("return")
    template = render(CATALOG, CITY, ROSTER, folder)
    return fill(template, folder / f"{CITY.code}_{CITY.name}.xlsx", valid_values(CATALOG) | ANSWERS)


def outcome(path, catalog):
    return process_file(FileTask(str(path), path.name, "", 0, "", catalog, roster=ROSTER))


def codes(result) -> list[str]:
    return [i.code for i in result.issues]


def identity_codes(result) -> list[str]:
    """The identity findings alone (other checks, e.g. of timestamps, are not this test's)."""
    return [code for code in codes(result) if code.startswith("ID_")]


def city_entry(run) -> dict:
    return next(c for c in run.results["cities"] if c["code"] == CITY.code)


def test_revised_weights_keep_the_input_contract(catalogs):
    revised = catalogs["rules"]
    assert revised.input_contract_fingerprint() == CATALOG.input_contract_fingerprint()
    assert revised.fingerprint() != CATALOG.fingerprint()
    assert catalogs["label"].input_contract_fingerprint() != CATALOG.input_contract_fingerprint()
    assert catalogs["input"].input_contract_fingerprint() != CATALOG.input_contract_fingerprint()


def test_old_return_is_scored_by_the_new_weights(catalogs, filled, tmp_path):
    old = city_entry(ingest([filled], tmp_path / "old", IngestOptions(CATALOG, roster=ROSTER, jobs=1)))
    new = city_entry(ingest([filled], tmp_path / "new", IngestOptions(catalogs["rules"], roster=ROSTER, jobs=1)))
    assert old["status"] == new["status"] and new["total"] is not None
    revised = [i for i in new["issues"] if i["code"] == "ID_RULES_REVISED"]
    assert len(revised) == 1 and revised[0]["severity"] == "info" and "修订后的计分规则" in revised[0]["message"]
    assert "ID_TEMPLATE_EDITED" not in [i["code"] for i in new["issues"]]  # the old weights are printed
    by_hand_old = l1p1_by_hand({"L1P1-A1": 30, "L1P1-A2": 35, "L1P1-A3": 35}, 8)
    by_hand_new = l1p1_by_hand(NEW_SUB_WEIGHTS, NEW_SECOND_WEIGHTS["L1P1"])
    assert (by_hand_old, by_hand_new) == (Decimal("3.79"), Decimal("4.55"))
    assert Decimal(str(old["scores"]["L1P1"])) == by_hand_old
    assert Decimal(str(new["scores"]["L1P1"])) == by_hand_new
    # L1P2 keeps its sub-items and their scores; only its own weight moved, 3 to 2
    l1p2_subs = sum(Decimal(str(old["scores"][code])) for code in old["scores"] if code.startswith("L1P2-"))
    l1p2_old, l1p2_new = cent(3 * l1p2_subs / 100), cent(2 * l1p2_subs / 100)
    assert [Decimal(str(e["scores"]["L1P2"])) for e in (old, new)] == [l1p2_old, l1p2_new]
    moved = {code for code in old["scores"] if old["scores"][code] != new["scores"][code]}
    assert moved == {"L1P1-A1", "L1P1-A2", "L1P1", "L1P2", "L1"}  # L1P1-A3 answered 0: 0 both times
    delta = (by_hand_new + l1p2_new) - (by_hand_old + l1p2_old)
    assert Decimal(str(new["total"])) - Decimal(str(old["total"])) == delta != 0


def test_changed_choice_label_or_new_input_is_refused(catalogs, filled):
    for kind in ("label", "input"):
        result = outcome(filled, catalogs[kind])
        assert result.status == "rejected" and identity_codes(result) == ["ID_OTHER_CATALOG"], kind
        assert result.result is None


def test_same_catalog_raises_no_revision_issue(filled):
    result = outcome(filled, CATALOG)
    assert result.status == "accepted" and identity_codes(result) == []


def drop_input_fingerprint(book):
    """A template rendered before the passport carried its input contract."""
    key = "input_fingerprint"
    sheet = book[SHEET_PASSPORT]
    for row in list(sheet.iter_rows()):
        if row[0].value == key:
            sheet.delete_rows(row[0].row)
    del book.defined_names[passport_defined_name(key)]
    book.custom_doc_props.props = [p for p in book.custom_doc_props.props if p.name != PASSPORT_PROPERTY_PREFIX + key]


def test_template_older_than_the_contract_field(catalogs, filled, tmp_path):
    old = edit(filled, tmp_path / filled.name, drop_input_fingerprint)
    same = outcome(old, CATALOG)
    assert same.status == "accepted" and identity_codes(same) == []  # still readable under its own catalog
    revised = outcome(old, catalogs["rules"])
    assert revised.status == "rejected" and identity_codes(revised) == ["ID_OTHER_CATALOG"]  # cannot tell


def test_printed_weight_edits_still_caught_under_the_same_catalog(filled, tmp_path):
    def change_weight(book):
        sheet = book[SHEET_BASE]
        for row in sheet.iter_rows():
            if any(c.value == "L1P1-A1" for c in row):
                weight = next(c for c in row if isinstance(c.value, (int, float)) and c.value == 30)
                weight.value = 50
    tampered = edit(filled, tmp_path / filled.name, change_weight)
    assert "ID_TEMPLATE_EDITED" in codes(outcome(tampered, CATALOG))


@pytest.mark.libreoffice
@needs_soffice
def test_live_scores_of_the_old_rules_are_not_reported(catalogs, filled, tmp_path):
    """A file saved by a recalculating suite holds live scores under the old weights; under the
    revised catalog they are expected to differ, so SCORE_FORMULA_DIFFERS would be noise."""
    (resaved,) = resave_xlsx([filled], tmp_path / "lo")
    assert "SCORE_FORMULA_DIFFERS" not in codes(outcome(resaved, CATALOG))
    result = outcome(resaved, catalogs["rules"])
    assert result.status == "accepted" and "ID_RULES_REVISED" in codes(result)
    assert "SCORE_FORMULA_DIFFERS" not in codes(result)
