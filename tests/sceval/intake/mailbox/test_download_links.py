"""Issue 20 defect 9: a letter with a 超大附件 / 网盘 link instead of an attachment is its own row
(link and expiry named), and the reminder asks for the file as an attachment."""
from __future__ import annotations

import email
import email.policy
import json
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone

from sctemplates.province import default_province
from sceval.ingest.batch import IngestOptions, ingest
from sceval.mail.letters import reminders
from tests.sceval.ingest_helpers import base_catalog, zhejiang

CATALOG, ROSTER = base_catalog(), zhejiang()
CITY = ROSTER.cities[2]
QQ_URL = "https://wx.mail.qq.com/ftn/download?func=3&k=5d3b6e2a1c&key=abc123&code=9f8e"
QQ_HTML = (f'<html><body><div>领导好，填报表较大，已用超大附件发送。</div><table><tr><td>'
           f'<a href="{QQ_URL.replace("&", "&amp;")}">{CITY.code}_{CITY.name}_填报表.xlsx</a></td>'
           '<td>31.2K</td><td>过期时间：2016年12月30日 10:00</td></tr></table>'
           '<div>从QQ邮箱发来的超大附件</div></body></html>')


def _letter(body, subject: str, day: int = 20) -> bytes:
    message = MIMEMultipart("alternative") if isinstance(body, list) else body
    for part in body if isinstance(body, list) else []:
        message.attach(part)
    message["From"] = f"{CITY.contact} <{CITY.emails[0]}>"
    message["To"] = "sheng@example.invalid"
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime(2016, 12, day, 9, tzinfo=timezone(timedelta(hours=8))))
    return message.as_bytes()


def _run(tmp_path, letters: dict[str, bytes]) -> dict:
    inbox = tmp_path / "邮件"
    inbox.mkdir()
    for name, data in letters.items():
        (inbox / name).write_bytes(data)
    ingest([inbox], tmp_path / "out", IngestOptions(CATALOG, roster=ROSTER, jobs=1))
    return json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))


def _row(results: dict, subject: str) -> dict:
    [row] = [f for f in results["files"] if (f.get("message") or {}).get("subject") == subject]
    return row


def test_an_html_only_qq_large_attachment_is_named_with_its_expiry(tmp_path):
    results = _run(tmp_path, {"qq.eml": _letter(MIMEText(QQ_HTML, "html", "utf-8"), "填报表（超大附件）")})
    row = _row(results, "填报表（超大附件）")
    [problem] = row["issues"]
    assert problem["code"] == "MAIL_DOWNLOAD_LINK" and "QQ 邮箱超大附件" in problem["message"]
    assert QQ_URL in problem["message"] and "2016年12月30日 10:00" in problem["message"]
    assert row["message"]["links"] == [{"service": "QQ 邮箱超大附件", "url": QQ_URL, "expiry": "2016年12月30日 10:00"}]


def test_net_disk_and_163_links_in_text_bodies_in_gbk(tmp_path):
    baidu = "链接：https://pan.baidu.com/s/1AbCdEfGhIjK 提取码：x7k2，有效期 7 天"
    netease = "网易邮箱超大附件：http://mail.163.com/large-attachment-download/index.html?p=X3Y&file=Z，30天后过期。"
    results = _run(tmp_path, {"pan.eml": _letter(MIMEText(baidu, "plain", "gbk"), "网盘"),
                              "163.eml": _letter([MIMEText(netease, "plain", "gb2312"),
                                                  MIMEText(f"<p>{netease}</p>", "html", "gb2312")], "163")})
    pan = _row(results, "网盘")["issues"][0]
    assert pan["code"] == "MAIL_DOWNLOAD_LINK" and "百度网盘下载链接 https://pan.baidu.com/s/1AbCdEfGhIjK" in pan["message"]
    assert "有效期：7 天" in pan["message"]
    big = _row(results, "163")
    assert [i["code"] for i in big["issues"]] == ["MAIL_DOWNLOAD_LINK"] and len(big["message"]["links"]) == 1
    assert big["message"]["links"][0]["service"] == "网易邮箱超大附件" and big["message"]["links"][0]["expiry"] == "30天后过期"


def test_an_ordinary_link_is_still_no_attachment(tmp_path):
    results = _run(tmp_path, {"a.eml": _letter(MIMEText("详见 https://www.ndrc.gov.cn/ 通知", "plain", "utf-8"), "收到")})
    assert [i["code"] for i in _row(results, "收到")["issues"]] == ["MAIL_NO_ATTACHMENT"]


def test_the_reminder_asks_the_city_to_attach_the_file_instead(tmp_path):
    results = _run(tmp_path, {"qq.eml": _letter(MIMEText(QQ_HTML, "html", "utf-8"), "填报表（超大附件）")})
    assert next(c for c in results["cities"] if c["code"] == CITY.code)["status"] == "missing"
    [letter] = [o for o in reminders(results, default_province(ROSTER), ROSTER) if o.city_code == CITY.code]
    text = email.message_from_bytes(letter.message.as_bytes(), policy=email.policy.default).get_body(("plain",)).get_content()
    assert "尚未收到" not in text and "QQ 邮箱超大附件下载链接（有效期：2016年12月30日 10:00）" in text
    assert "直接作为邮件附件发送" in text and "“填报表（超大附件）”" in text


def test_a_link_beside_a_signature_picture_is_still_named(tmp_path):
    from email.mime.image import MIMEImage

    picture = MIMEImage(b"\x89PNG\r\n\x1a\n" + bytes(64), "png")
    picture.add_header("Content-Disposition", "attachment", filename="签名.png")
    results = _run(tmp_path, {"qq.eml": _letter([MIMEText(QQ_HTML, "html", "utf-8"), picture], "带签名")})
    codes = sorted(i["code"] for f in results["files"] if f["message"]["subject"] == "带签名" for i in f["issues"])
    assert codes == ["MAIL_DOWNLOAD_LINK", "MAIL_NOT_A_RETURN"]
