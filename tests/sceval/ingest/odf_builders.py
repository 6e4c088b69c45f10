"""Hostile OpenDocument spreadsheets, generated: a Basic macro bound to the document's load event."""
from __future__ import annotations

import zipfile
from pathlib import Path

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" xmlns:xlink="http://www.w3.org/1999/xlink"')
CONTENT = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {NS} office:version="1.2"><office:scripts><office:event-listeners>
<script:event-listener script:language="ooo:script" script:event-name="dom:load"
 xlink:href="vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;location=document"/>
</office:event-listeners></office:scripts><office:body><office:spreadsheet><table:table table:name="基础指标">
<table:table-row><table:table-cell office:value-type="string"><text:p>宏</text:p></table:table-cell></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"""
MODULE = """<?xml version="1.0" encoding="UTF-8"?>
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">Sub Main
  Open "{marker}" For Output As #1
  Print #1, "ran"
  Close #1
  Shell("touch {marker}.shell")
End Sub
</script:module>"""
LIBRARY = """<?xml version="1.0" encoding="UTF-8"?>
<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" library:readonly="false"
 library:passwordprotected="false"><library:element library:name="Module1"/></library:library>"""
LIBRARIES = """<?xml version="1.0" encoding="UTF-8"?>
<library:libraries xmlns:library="http://openoffice.org/2000/library" xmlns:xlink="http://www.w3.org/1999/xlink">
<library:library library:name="Standard" library:link="false"/></library:libraries>"""
PARTS = ("content.xml", "Basic/Standard/Module1.xml", "Basic/Standard/script-lb.xml", "Basic/script-lc.xml")
MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            + "".join(f'<manifest:file-entry manifest:full-path="{p}" manifest:media-type="text/xml"/>' for p in PARTS)
            + "</manifest:manifest>")


def macro_ods(path: Path, marker: Path) -> Path:
    """An .ods whose Basic macro, if it ever ran on opening, would write ``marker`` (and marker.shell)."""
    with zipfile.ZipFile(path, "w") as ods:
        ods.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        ods.writestr("META-INF/manifest.xml", MANIFEST)
        ods.writestr("content.xml", CONTENT)
        ods.writestr("Basic/script-lc.xml", LIBRARIES)
        ods.writestr("Basic/Standard/script-lb.xml", LIBRARY)
        ods.writestr("Basic/Standard/Module1.xml", MODULE.format(marker=marker))
    return path


def broken_ods(path: Path) -> Path:
    """The ODF mimetype, then a content.xml cut off in the middle of an element."""
    with zipfile.ZipFile(path, "w") as ods:
        ods.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        ods.writestr("content.xml", CONTENT[:300])
    return path
