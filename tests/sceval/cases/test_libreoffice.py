"""Case documents saved by LibreOffice (.doc and .docx) count the same; rendered, they show Chinese."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from sceval.cases import check_case_file
from sceval.cases.template import write_case_template
from tests.libreoffice import convert, libreoffice, to_pdf
from tests.sceval.cases.factory import good_case
from tests.sceval.ingest_helpers import zhejiang

pytestmark = libreoffice


def _saved_by_libreoffice(tmp_path, target: str):
    builder = good_case().textbox("平台日均处理数据1.2亿条")
    source = builder.save(tmp_path / "src" / "330100_杭州市.docx")
    (saved,) = convert([source], tmp_path / "lo", target)
    return check_case_file(source, roster=zhejiang()), check_case_file(saved, roster=zhejiang()), saved


@pytest.mark.parametrize("target", ["doc", "docx"])
def test_libreoffice_saved_case_counts_the_same(tmp_path, target):
    original, saved, path = _saved_by_libreoffice(tmp_path, target)
    assert (saved.characters, saved.figures, saved.tables) == (168, 1, 1)
    assert saved.textbox_characters == original.textbox_characters == 11  # LibreOffice writes Choice + Fallback
    assert saved.sections == original.sections and saved.title == original.title
    converted = {i.code for i in saved.issues} == ({"CASE_CONVERTED"} if target == "doc" else set())
    assert converted, [i.message for i in saved.issues]


def test_template_and_case_render_with_chinese_fonts(tmp_path):
    """The PDF LibreOffice makes embeds CJK fonts (the PNG pages were looked at by hand too)."""
    if shutil.which("pdffonts") is None:
        pytest.skip("需要 poppler 的 pdffonts")
    template = write_case_template(zhejiang().cities[0], tmp_path / "模板.docx", "330000", "浙江省",
                                   "2016-12-01T00:00:00+00:00")
    case = good_case().save(tmp_path / "案例.docx")
    for path in (template, case):
        pdf = to_pdf(path, tmp_path / "pdf")
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        cjk = [line for line in fonts.splitlines()[2:] if any(key in line for key in ("CJK", "Hei", "WenQuanYi", "Song", "Fang", "Kai"))]
        assert cjk and all(" yes " in line for line in cjk), fonts


def test_a_wps_document_is_converted_by_its_content(tmp_path):
    """WPS 文字 saves .wps as a Word 97 file: converted as .doc whatever the name says."""
    _original, _saved, doc = _saved_by_libreoffice(tmp_path, "doc")
    wps = doc.rename(doc.with_suffix(".wps"))
    record = check_case_file(wps, roster=zhejiang())
    assert {i.code for i in record.issues} == {"CASE_CONVERTED"}
    assert (record.characters, record.figures, record.tables, record.textbox_characters) == (168, 1, 1, 11)
