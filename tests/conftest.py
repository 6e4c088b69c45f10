"""Shared fixtures: the bundled catalog, a province, a small optional catalog, two cities."""
from __future__ import annotations

from decimal import Decimal

import pytest

from sctemplates.catalog import load_catalog
from sctemplates.model import Catalog, Choice, FirstLevel, Input, SecondLevel, SubItem, defined_name
from sctemplates.roster import City, Roster

HANGZHOU = City("330100", "杭州市", "副省级市")
NINGBO = City("330200", "宁波市", "计划单列市")  # direct: no optional indicators


@pytest.fixture(scope="session")
def catalog():
    return load_catalog()


@pytest.fixture(scope="session")
def province():
    from sctemplates.province import Contact, ProvinceConfig

    contacts = (Contact("评价工作组织", "示例联系人（虚构）", "0571-00000001", "a@example.invalid"),)
    return ProvinceConfig(code="330000", name="浙江省", organiser="浙江省评价工作牵头部门（示例）",
                          contacts=contacts, deadline="2016-12-30", round_name="2016年浙江省新型智慧城市评价")


@pytest.fixture(scope="session")
def roster():
    return Roster("330000", "浙江省", (HANGZHOU, NINGBO))


def _ratio_sub(code: str, weight: int) -> SubItem:
    inputs = (
        Input(defined_name(code, "numerator"), "numerator", "达标数量", "个", True, Decimal(0)),
        Input(defined_name(code, "denominator"), "denominator", "总数量", "个", True, Decimal(0)),
    )
    return SubItem(code, "特色应用覆盖率", Decimal(weight), "ratio", inputs)


def _graded_sub(code: str, weight: int) -> SubItem:
    choices = (Choice("未开展", Decimal(0)), Choice("部分开展", Decimal("0.5")),
               Choice("全面开展", Decimal(1)))
    item = Input(defined_name(code, "choice"), "choice", "所处档次", choices=choices)
    return SubItem(code, "特色机制建设情况", Decimal(weight), "graded", (item,))


@pytest.fixture(scope="session")
def optional_catalog():
    """A province's optional indicators (自选指标, 10 points), built as sctemplates.optional does."""
    second1 = SecondLevel("ZXP1", "特色应用", Decimal(6),
                          sub_items=(_ratio_sub("ZXP1-A1", 60), _graded_sub("ZXP1-A2", 40)))
    second2 = SecondLevel("ZXP2", "特色机制", Decimal(4), sub_items=(_graded_sub("ZXP2-A1", 100),))
    first = FirstLevel("ZX", "自选指标", Decimal(10), (second1, second2))
    return Catalog(edition="optional", title="自选指标", indicators=(first,),
                   total_points=Decimal(10))


@pytest.fixture(scope="session")
def demo_round(tmp_path_factory):
    """The whole demo round (sceval.demo.round.run_demo), run once for every test module that
    reads it; modules must not change its folder (copy it first)."""
    from sceval.demo.round import run_demo

    return run_demo(tmp_path_factory.mktemp("demo_round") / "out", jobs=1)


@pytest.fixture(scope="session")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (openssl), shared by the SMTP and IMAP TLS tests."""
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(folder / "key.pem"),
                    "-out", str(folder / "cert.pem")], check=True, capture_output=True, timeout=60)
    return folder / "cert.pem", folder / "key.pem"
