"""Preflight against the hostile corpus: each case yields its code, nothing raises, nothing changes."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest

from tests.sceval import hostile
from sceval.safety.filenames import classify_extension, safe_filename_display, sha256_file
from sceval.safety.preflight import HEAD_BYTES, Limits, inspect, ole_stream_names, preflight
from sctemplates.issues import issue_codes


def _codes(found) -> list[str]:
    return [item.code for item in found]


@pytest.mark.parametrize("case", sorted(hostile.CASES))
def test_every_case_gives_its_code_and_leaves_the_file_alone(tmp_path, case):
    writer, expected = hostile.CASES[case]
    path = writer(tmp_path)
    before = sha256_file(path), os.stat(path).st_mtime_ns
    found = preflight(path)
    assert (sha256_file(path), os.stat(path).st_mtime_ns) == before
    assert _codes(found) == ([expected] if expected else [])
    for item in found:
        assert item.code in issue_codes() and item.severity == issue_codes()[item.code]["severity"]
        assert os.path.basename(safe_filename_display(path)) in item.message
        assert item.file == safe_filename_display(path)


def test_macros_and_external_links_are_warnings_not_errors(tmp_path):
    for writer in (hostile.write_macros, hostile.write_external_links):
        assert [item.severity for item in preflight(writer(tmp_path))] == ["warning"]


def test_ten_million_cell_bomb_is_rejected_from_the_directory_alone(tmp_path):
    path = hostile.write_cell_bomb(tmp_path)
    with zipfile.ZipFile(path) as archive:
        declared = archive.getinfo("xl/worksheets/sheet1.xml").file_size
    assert path.stat().st_size < 1024 * 1024 < 100 * 1024 * 1024 < declared
    found = inspect(path)
    assert _codes(found.issues) == ["FILE_ZIP_BOMB"]
    assert "压缩比" in found.issues[0].message
    assert found.bytes_decompressed == 0  # not one byte of the sheet was inflated


@pytest.mark.parametrize("writer", [hostile.write_ratio_bomb, hostile.write_member_bomb])
def test_other_bombs_inflate_nothing(tmp_path, writer):
    found = inspect(writer(tmp_path))
    assert _codes(found.issues) == ["FILE_ZIP_BOMB"] and found.bytes_decompressed == 0


def test_declared_total_over_the_bound_is_a_bomb(tmp_path):
    path = hostile.write_ratio_bomb(tmp_path, megabytes=3)
    found = inspect(path, Limits(max_uncompressed=2 * 1024 * 1024, max_ratio=10_000))
    assert _codes(found.issues) == ["FILE_ZIP_BOMB"] and "解压后共" in found.issues[0].message


def test_million_rows_decided_from_the_dimension_head_only(tmp_path):
    found = inspect(hostile.write_million_rows(tmp_path))
    assert _codes(found.issues) == ["FILE_TOO_MANY_ROWS"]
    assert "A1:C1000000" in found.issues[0].message
    assert found.bytes_decompressed <= 2 * HEAD_BYTES  # two sheets' heads, never a whole sheet


def test_rows_are_counted_across_chunks_when_there_is_no_dimension(tmp_path):
    path = hostile.write_million_rows(tmp_path, rows=150_000, dimension=False)
    found = inspect(path)
    assert _codes(found.issues) == ["FILE_TOO_MANY_ROWS"]
    assert "150,000 行、150,000 个单元格" in found.issues[0].message  # exact: no tag lost at a border
    assert found.bytes_decompressed > 1 << 20  # several chunks were streamed


def test_rows_under_the_bound_pass(tmp_path):
    path = hostile.write_million_rows(tmp_path, rows=500, dimension=False, name="少量行.xlsx")
    assert preflight(path, Limits(max_rows=500)) == []
    assert _codes(preflight(path, Limits(max_rows=499))) == ["FILE_TOO_MANY_ROWS"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_dtd_in_any_part_and_any_encoding_is_unsafe(tmp_path, encoding):
    xml = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><sst>&e;</sst>'
    path = hostile._variant(tmp_path, "外部实体.xlsx", replace={"xl/sharedStrings.xml": xml.encode(encoding)})
    found = preflight(path)
    assert _codes(found) == ["FILE_XML_UNSAFE"] and "xl/sharedStrings.xml" in found[0].message


def test_corrupt_member_data_behind_a_valid_directory_is_truncated(tmp_path):
    path = hostile.write_good(tmp_path)
    data = bytearray(path.read_bytes())
    start = data.index(b"xl/worksheets/sheet1.xml") + 40  # inside the member's deflate stream
    data[start:start + 200] = os.urandom(200)
    broken = tmp_path / "损坏.xlsx"
    broken.write_bytes(bytes(data))
    assert _codes(preflight(broken)) == ["FILE_TRUNCATED"]


@pytest.mark.parametrize("content", [b"PK\x03\x04" + os.urandom(3000), hostile.OLE_MAGIC + os.urandom(700),
                                     os.urandom(5000), b"\xff\xfe" + "编码\t数值".encode("utf-16-le")])
def test_garbage_never_raises(tmp_path, content):
    path = tmp_path / "乱码.xlsx"
    path.write_bytes(content)
    found = preflight(path)
    assert len(found) == 1 and found[0].is_error


def test_missing_file_and_size_limit(tmp_path):
    assert _codes(preflight(tmp_path / "没有.xlsx")) == ["FILE_NOT_FOUND"]
    assert _codes(preflight(tmp_path)) == ["FILE_NOT_FOUND"]
    good = hostile.write_good(tmp_path)
    assert _codes(preflight(good, Limits(max_bytes=1000))) == ["FILE_TOO_LARGE"]


def test_not_a_workbook_kinds(tmp_path):
    pdf = tmp_path / "扫描件.xlsx"
    pdf.write_bytes(b"%PDF-1.7\n" + os.urandom(100))
    assert _codes(preflight(pdf)) == ["FILE_NOT_WORKBOOK"]
    archive = tmp_path / "打包.xlsx"
    with zipfile.ZipFile(archive, "w") as packed:
        packed.write(hostile.write_good(tmp_path), "杭州市.xlsx")
    found = preflight(archive)
    assert _codes(found) == ["FILE_NOT_WORKBOOK"] and "解压" in found[0].message


def test_compound_file_directory_is_read_by_name(tmp_path):
    encrypted = hostile.write_encrypted(tmp_path).read_bytes()
    assert {"EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"} <= set(ole_stream_names(encrypted))
    assert ole_stream_names(hostile.write_legacy_xls(tmp_path).read_bytes())[1:] == [
        "Workbook", "\x05SummaryInformation"]
    assert ole_stream_names(b"not a compound file") is None


@pytest.mark.skipif(shutil.which("file") is None, reason="needs file(1)")
def test_libmagic_agrees_with_the_generated_compound_files(tmp_path):
    """An independent reader sees what preflight sees: the corpus is not self-serving."""
    def magic(path):
        return subprocess.run(["file", "-b", path], capture_output=True, text=True, timeout=30).stdout

    assert "Encrypted" in magic(hostile.write_encrypted(tmp_path))
    assert "Excel" in magic(hostile.write_legacy_xls(tmp_path))


def test_file_names_in_any_encoding_display(tmp_path):
    gbk = hostile.write_gbk_name(tmp_path)
    assert safe_filename_display(gbk).endswith("/成都市_填报.xlsx")
    assert safe_filename_display(os.fsdecode(gbk)).endswith("/成都市_填报.xlsx")
    assert safe_filename_display(b"\xff\xfe\xff.xlsx") == "\ufffd\ufffd\ufffd.xlsx"
    assert classify_extension(gbk) == "xlsx" and classify_extension("a.ET") == "et"


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")
def test_real_xls_and_libreoffice_resaved_xlsx(tmp_path):
    source = hostile.write_good(tmp_path, name="good.xlsx")
    profile = f"-env:UserInstallation={(tmp_path / f'lo-profile-{uuid.uuid4().hex}').as_uri()}"
    for target in ("xls", "ods"):
        subprocess.run(["soffice", profile, "--headless", "--convert-to", target, "--outdir",
                        str(tmp_path / target), str(source)], check=True, timeout=120,
                       capture_output=True)
    subprocess.run(["soffice", profile, "--headless", "--convert-to", "xlsx", "--outdir",
                    str(tmp_path / "xlsx"), str(tmp_path / "ods" / "good.ods")], check=True,
                   timeout=120, capture_output=True)
    assert _codes(preflight(tmp_path / "xls" / "good.xls")) == ["FILE_LEGACY_XLS"]
    assert _codes(preflight(tmp_path / "ods" / "good.ods")) == ["FILE_NOT_XLSX"]
    assert preflight(tmp_path / "xlsx" / "good.xlsx") == []


def _render(folder: Path) -> Path:
    from types import SimpleNamespace

    from sctemplates.catalog import load_catalog
    from sctemplates.render import render_city
    from sctemplates.roster import City

    province = SimpleNamespace(code="330000", name="浙江省")
    return render_city(load_catalog(), City("330100", "杭州市", "副省级市"), province,
                       Path(folder) / "330100_杭州市.xlsx")


def test_a_rendered_template_passes_untouched(tmp_path):
    path = _render(tmp_path)
    before = sha256_file(path)
    assert preflight(path) == [] and sha256_file(path) == before


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")
def test_a_template_resaved_by_libreoffice_passes(tmp_path):
    path = _render(tmp_path)
    profile = f"-env:UserInstallation={(tmp_path / f'lo-profile-{uuid.uuid4().hex}').as_uri()}"
    subprocess.run(["soffice", profile, "--headless", "--convert-to", "xlsx", "--outdir",
                    str(tmp_path / "lo"), str(path)], check=True, timeout=120, capture_output=True)
    assert preflight(tmp_path / "lo" / path.name) == []


def test_the_time_bound_stops_the_scan(tmp_path):
    found = preflight(hostile.write_good(tmp_path), Limits(seconds=-1))  # a deadline already past
    assert _codes(found) == ["FILE_TIMEOUT"]


def test_prolog_scan_decides_only_with_enough_lookahead():
    from sceval.safety.xml_prolog import _prolog_state

    assert _prolog_state('<?xml version="1.0"?>\n<!') == "more"  # could be a comment or a DTD
    assert _prolog_state('<?xml version="1.0"?>\n<!-- long --><worksheet>') == "safe"
    assert _prolog_state('<?xml version="1.0"?><!-- a --><!DOCTYPE x [<!ENTITY a "b">]><x/>') == "unsafe"
    assert _prolog_state("\ufeff  <root attr='1'>") == "safe"
    assert _prolog_state("<!DO", at_end=True) == "unsafe"


def test_doctype_after_a_long_comment_is_still_found(tmp_path):
    import zipfile

    from sceval.safety.preflight import preflight

    path = tmp_path / "commented.xlsx"
    padding = "<!--" + "x" * 20000 + "-->"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", f'<?xml version="1.0"?>{padding}<!DOCTYPE w [<!ENTITY e "x">]><workbook/>')
    assert "FILE_XML_UNSAFE" in [found.code for found in preflight(path)]
