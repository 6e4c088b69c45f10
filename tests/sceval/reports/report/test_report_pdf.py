"""The report converted by LibreOffice: Chinese text, embedded CJK fonts, charts that are not blank."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from sceval.reports.report import write_report
from tests.sceval.reports.report.fixtures import cases_json, province_results

pytestmark = [pytest.mark.libreoffice,
              pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                                 reason="needs LibreOffice and poppler")]
CJK_FONT_WORDS = ("CJK", "WenQuanYi", "WQY", "Hei", "Song", "Fang", "Kai", "Ming", "Han")


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf") / "评价工作报告.docx"
    write_report([province_results()], cases=cases_json(), out=out, pdf=True)
    return out.with_suffix(".pdf")


def test_the_pdf_has_the_report_s_chinese_text(pdf):
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    compact = "".join(text.split())
    for words in ("一、本省组织评价工作概况", "二、本省新型智慧城市经验总结", "三、本省新型智慧城市建设优秀案例",
                  "杭州市", "城市大脑赋能城市治理", "请补充"):
        assert words in compact, words


def test_the_pdf_embeds_cjk_fonts(pdf):
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:] if line.strip()]
    cjk = [row for row in rows if any(word.lower() in row[0].lower() for word in CJK_FONT_WORDS)]
    assert cjk, listing
    assert all("yes" in row[-5:-2] for row in cjk), listing  # emb column


def test_the_pdf_pages_and_charts_are_not_blank(pdf, tmp_path):
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 5
    for page in pages:
        assert ImageStat.Stat(Image.open(page).convert("L")).stddev[0] > 5, page.name
    if shutil.which("pdfimages"):
        subprocess.run(["pdfimages", "-png", str(pdf), str(tmp_path / "image")], check=True)
        images = sorted(tmp_path.glob("image-*.png"))
        assert len(images) >= 4  # histogram, first-level rates, points at stake, issue codes
        for image in images:
            assert ImageStat.Stat(Image.open(image).convert("L")).stddev[0] > 20, image.name


def test_a_machine_without_cjk_fonts_still_gets_chinese_in_the_pdf(tmp_path, monkeypatch):
    """fontconfig limited to one Latin font: LibreOffice then sees only the bundled CJK font."""
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # fonts-dejavu-core comes with LibreOffice
    if not dejavu.is_file():
        pytest.skip("no DejaVu Sans to stand for a Latin-only machine")
    latin = tmp_path / "fonts"
    latin.mkdir()
    shutil.copy(dejavu, latin)
    config = tmp_path / "fonts.conf"
    config.write_text(f'<?xml version="1.0"?><fontconfig><dir>{latin}</dir><cachedir>{tmp_path / "cache"}</cachedir>'
                      "</fontconfig>", encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    out = tmp_path / "报告.docx"
    write_report([province_results()], out=out, pdf=True)
    listing = subprocess.run(["pdffonts", str(out.with_suffix(".pdf"))], capture_output=True, text=True).stdout
    assert "SCEvalSansSC" in listing, listing  # the bundled subset (its CID sub-fonts carry its name)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out.with_suffix(".pdf")), "-"], capture_output=True,
                          text=True).stdout
    assert "本省组织评价工作概况" in "".join(text.split())


def test_cli_pdf_beside_the_report(tmp_path):
    import json

    from typer.testing import CliRunner

    from sceval.cli.app import app

    results = tmp_path / "results.json"
    results.write_text(json.dumps(province_results(), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "报告" / "评价工作报告.docx"
    done = CliRunner().invoke(app, ["report", str(results), "--out", str(out), "--pdf"])
    assert done.exit_code == 0, done.output
    assert out.with_suffix(".pdf").stat().st_size > 10_000 and "已生成 PDF" in done.output
    assert sorted(p.name for p in out.parent.iterdir()) == ["评价工作报告.docx", "评价工作报告.pdf"]  # no temp left
