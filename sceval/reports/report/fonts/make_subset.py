"""Build SCEvalSansSC-Regular.otf: a Simplified-Chinese subset of Noto Sans CJK SC Regular.

Why a subset: the report's charts must show Chinese on a machine that has only python3 (no
system CJK font), and the whole Noto Sans CJK collection is ~19 MB. The subset keeps every
GB 2312 character (all 6,763 hanzi: every city, province and indicator name in use), ASCII,
common punctuation and full-width forms, and every character of the project's YAML data.

Licence: Noto Sans CJK is under the SIL Open Font License 1.1 (OFL.txt beside this file). A
subset is a Modified Version: it stays under the OFL, carries the copyright notice and the
licence, and is renamed (family "SCEval Sans SC") since "Noto" is a Google trademark.

Run once, by a developer, where fonts-noto-cjk is installed (Debian package):
    .venv/bin/python sceval/reports/report/fonts/make_subset.py
"""
from __future__ import annotations

from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SOURCE_FACE = "Noto Sans CJK SC"
HERE = Path(__file__).resolve().parent
TARGET = HERE / "SCEvalSansSC-Regular.otf"
FAMILY = "SCEval Sans SC"
ROOT = HERE.parents[3]
RANGES = [(0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x2100, 0x214F), (0x2190, 0x21FF),
          (0x2200, 0x22FF), (0x2460, 0x24FF), (0x2500, 0x257F), (0x25A0, 0x25FF),
          (0x3000, 0x303F), (0xFF00, 0xFFEF)]


def gb2312_characters() -> set[str]:
    chars = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def data_characters() -> set[str]:
    chars = set()
    for folder in ("sctemplates", "sceval"):
        for path in (ROOT / folder).rglob("*.yaml"):
            chars.update(path.read_text(encoding="utf-8"))
    return {c for c in chars if c.isprintable()}


def wanted() -> set[int]:
    points = {ord(c) for c in gb2312_characters() | data_characters()}
    for low, high in RANGES:
        points.update(range(low, high + 1))
    return points


def source_font():
    for font in TTCollection(str(SOURCE)).fonts:
        if font["name"].getDebugName(1) == SOURCE_FACE:
            return font
    raise SystemExit(f"{SOURCE_FACE} not found in {SOURCE}")


def rename(font) -> None:
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 3, 4, 6, 16, 17, 7):
            names.removeNames(nameID=record.nameID)
    names.setName(FAMILY, 1, 3, 1, 0x409)
    names.setName(f"{FAMILY} Regular;subset of Noto Sans CJK SC 2.004", 3, 3, 1, 0x409)
    names.setName(FAMILY, 4, 3, 1, 0x409)
    names.setName("SCEvalSansSC-Regular", 6, 3, 1, 0x409)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = ["SCEvalSansSC-Regular"]
        for sub in getattr(cff.topDictIndex[0], "FDArray", []):  # the CID sub-fonts PDFs list by name
            sub.FontName = sub.FontName.replace("NotoSansCJKjp-Regular", "SCEvalSansSC-Regular")


def main() -> None:
    font = source_font()
    options = subset.Options()
    options.name_IDs = ["*"]
    options.hinting = False  # charts are rasterised at print size: hints change nothing visible
    options.drop_tables += ["VORG", "vhea", "vmtx", "BASE"]  # no vertical text in charts
    options.name_languages = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(wanted()))
    subsetter.subset(font)
    rename(font)
    font.save(str(TARGET))
    print(f"{TARGET.name}: {len(font.getBestCmap())} characters, {TARGET.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
