"""The three letters a province sends: the template (drafts), reminders, feedback.

Wording is Chinese and its facts come from the province configuration (organiser, contacts,
deadline, round name, signature) and the catalog (data cut-off); the results come from
results.json. Each function returns sceval.mail.compose.Outgoing messages, one per city.
"""
from __future__ import annotations

import json
from email.utils import parseaddr
from pathlib import Path

from sctemplates.issues import Issue, issue
from sctemplates.layout import file_name
from sctemplates.province import ProvinceConfig
from sctemplates.roster import City, Roster

from sceval.intake.central import SHEET as CENTRAL_SHEET
from sceval.mail.address import you
from sceval.mail.compose import Outgoing, attach, new_message, recipient
from sceval.reports.feedback import sent_name
from sceval.reports.status_words import adjusted_words_for, gets_feedback, statuses_to_remind

FILL_RULE = "只填黄色单元格，保存为 .xlsx 报回"
FEEDBACK_DIR = "反馈"
MAX_REASONS = 8  # a reminder names the first few reasons; the rest are in the feedback workbook


def _signature(province: ProvinceConfig) -> str:
    contacts = "\n".join(f"  {line}" for line in province.contact_lines())
    return f"如有疑问，请联系：\n{contacts}\n\n{province.mail_signature or province.organiser}"


def _to(city: City, problems: list[Issue], what: str) -> str:
    to = recipient(city.contact, city.emails)
    if not to:
        problems.append(issue("MAIL_NO_CONTACT", f"名单中{city.name}（{city.code}）没有可用的联系邮箱（未填写或格式不正确，"
                                                 f"见名单检查），{what}未填写收件人，请在名单中补充或更正“邮箱”列，或发送前手工填写"))
    return to


# --- the template ------------------------------------------------------------------------------

def draft_subject(province: ProvinceConfig, city: City) -> str:
    return f"【{province.round_name}】{city.name}填报表（请于{province.deadline}前报回）"


def draft_body(province: ProvinceConfig, city: City, attachment: str, data_cutoff: str) -> str:
    cutoff = f"数据统计截止时间为{data_cutoff}；" if data_cutoff else ""
    return (f"{city.name}：\n\n"
            f"现将{province.round_name}的填报表发给你们（附件“{attachment}”），请按以下要求填报：\n\n"
            f"1. 打开附件，{FILL_RULE}（请勿另存为 .xls、.et 或 PDF，勿增删行列、勿改动灰色内容）；\n"
            f"2. {cutoff}每项数据请填写数据来源，并填写“填报信息”工作表；\n"
            f"3. 请于 {province.deadline} 前回复本邮件，附上填好的工作簿（可直接附 .xlsx，或打包为 .zip）。\n\n"
            f"{_signature(province)}\n")


def template_drafts(roster: Roster, templates: Path, province: ProvinceConfig, data_cutoff: str = "",
                    problems: list[Issue] | None = None) -> list[Outgoing]:
    """One draft per roster city with its template attached; a city without one is a problem."""
    problems = problems if problems is not None else []
    found = []
    for city in roster.cities:
        path = Path(templates) / file_name(city.code, city.name)
        if not path.is_file():
            problems.append(issue("FILE_NOT_FOUND", f"未找到{city.name}的填报表 {path.name}，未生成该市的邮件草稿",
                                  file=str(path)))
            continue
        message = new_message(province.sender(), _to(city, problems, "邮件草稿"), draft_subject(province, city),
                              draft_body(province, city, path.name, data_cutoff))
        attach(message, path.name, path.read_bytes())
        found.append(Outgoing(city.code, city.name, message))
    return found


# --- reminders and feedback (from a results folder) ---------------------------------------------

def read_results(results_dir: Path) -> dict:
    return json.loads((Path(results_dir) / "results.json").read_text(encoding="utf-8"))


def _cities(results: dict, roster: Roster | None) -> dict[str, City]:
    """City by code: the roster's (with contacts) when given, else results.json's own roster."""
    if roster is not None:
        return roster.by_code()
    return {entry["code"]: City(entry["code"], entry["name"], entry.get("kind", "")) for entry in results["roster"]}


def reminder_reasons(results: dict, entry: dict, city: City | None = None) -> list[str]:
    """Why a city is reminded: nothing received, each rejected file and its errors, and each letter
    from the city's contact that carried no return (no attachment, winmail.dat, …)."""
    rejected = [f for f in results.get("files", []) if _concerns(f, entry["code"], city) and f["status"] == "rejected"]
    addressed = you(city.kind if city is not None else entry.get("kind", ""))
    if not rejected and entry.get("status") == "missing":
        return [f"尚未收到{addressed}的填报表。"]
    reasons = [_rejected_reason(row, addressed) for row in rejected]
    if entry.get("status") == "blank":  # its empty cells are no errors to list: the template is to be filled
        return [_blank_reason(entry, addressed)] + reasons
    errors = [i["message"] for i in entry.get("issues", []) if i["severity"] == "error"][:MAX_REASONS]
    return reasons + (["；".join(errors) + "。"] if errors and not rejected else [])


def _concerns(row: dict, code: str, city: City | None) -> bool:
    """The row is the city's: identified as it, or a letter from its contact that no city was read from."""
    if row.get("city") == code:
        return True
    sender = parseaddr((row.get("message") or {}).get("from", ""))[1].lower()
    return row.get("city") is None and city is not None and bool(sender) and sender in {e.lower() for e in city.emails}


def _rejected_reason(row: dict, addressed: str) -> str:
    if any(i["code"] == "MAIL_DOWNLOAD_LINK" for i in row["issues"]):
        return _link_reason(row["message"] or {}, addressed)
    errors = [i["message"] for i in row["issues"] if i["severity"] == "error"][:MAX_REASONS]
    if errors or not row.get("message"):
        # The name the city sent (not the province's folder); messages already end with 。
        return (f"收到的文件“{sent_name(row['path'])}”未能采用：" + ("；".join(errors) or "文件无法使用")).rstrip("。") + "。"
    return "；".join(i["message"] for i in row["issues"][:MAX_REASONS]) + "。"  # MAIL_* rows say it all


def _blank_reason(entry: dict, addressed: str) -> str:
    """The city replied with the template it was sent, nothing filled in: the file is named (when,
    from whom), so the city knows which letter is meant and that it has not reported yet."""
    from sceval.ledger.ordering import shown_time

    message = entry.get("message") or {}
    when = shown_time(message.get("date") or entry.get("received_at") or "")
    sender = f"，发件人 {message['from']}" if message.get("from") else ""
    return (f"收到{addressed}报回的文件“{sent_name(entry['file'])}”（{when}{sender}），但这是下发的空白填报表，"
            f"未填写数据，不能计分；{addressed}尚未报送填好的填报表。")


def _link_reason(message: dict, addressed: str) -> str:
    """The city did send something (a 超大附件 / 网盘 link): ask for the file as an attachment."""
    links = "；".join(f"{link['service']}下载链接" + (f"（有效期：{link['expiry']}）" if link.get("expiry") else "")
                     for link in message.get("links", []))
    subject = f"“{message['subject']}”" if message.get("subject") else ""
    return (f"收到{addressed}的来信{subject}，但其中没有附件，只有{links or '下载链接'}。下载链接会过期，且无法核实内容，"
            "我们不从链接下载；请将填好的填报表（.xlsx）直接作为邮件附件发送（超过邮箱附件大小时请压缩为 .zip）。")


def reminders(results: dict, province: ProvinceConfig, roster: Roster | None = None,
              problems: list[Issue] | None = None) -> list[Outgoing]:
    """To every city missing, whose return was rejected or that sent only its blank template: what
    is missing and why."""
    problems = problems if problems is not None else []
    cities = _cities(results, roster)
    found = []
    for entry in results["cities"]:
        if entry["status"] not in statuses_to_remind() or entry["code"] not in cities:
            continue
        city = cities[entry["code"]]
        reasons = "\n".join(f"  - {reason}" for reason in reminder_reasons(results, entry, city))
        ask = (f"请在下发的填报表中填写数据（{FILL_RULE}），于 {province.deadline} 前回复本邮件报送。"
               if entry["status"] == "blank" else f"请尽快将填报表（{FILL_RULE}）回复本邮件报送。")
        body = (f"{city.name}：\n\n{province.round_name}的报送截止日期为 {province.deadline}。截至目前：\n{reasons}\n\n"
                f"{ask}\n\n{_signature(province)}\n")
        subject = f"【催报】{province.round_name}：请{city.name}尽快报送填报表"
        found.append(Outgoing(city.code, city.name,
                              new_message(province.sender(), _to(city, problems, "催报邮件"), subject, body)))
    return found


def feedback_letters(results_dir: Path, province: ProvinceConfig, roster: Roster | None = None,
                     problems: list[Issue] | None = None) -> list[Outgoing]:
    """Each city's feedback workbook (results folder 反馈/) attached, its points at stake in the body."""
    problems = problems if problems is not None else []
    results = read_results(results_dir)
    cities = _cities(results, roster)
    found = []
    for entry in results["cities"]:
        workbook = Path(results_dir) / FEEDBACK_DIR / f"{entry['code']}_{entry['name']}_问题反馈.xlsx"
        if entry["code"] not in cities or not workbook.is_file() or not gets_feedback(entry["status"]):
            continue  # a blank template's city is reminded instead (sceval mail remind): chased once
        city = cities[entry["code"]]
        message = new_message(province.sender(), _to(city, problems, "反馈邮件"),
                              f"【问题反馈】{province.round_name}：{city.name}填报表问题反馈",
                              _feedback_body(province, city, entry, workbook.name))
        attach(message, workbook.name, workbook.read_bytes())
        found.append(Outgoing(city.code, city.name, message))
    return found


def _is_secretariats(item: dict) -> bool:
    """A problem in the secretariat's central feed (八十分 in its file), not in the city's return."""
    return item["code"].startswith("CENTRAL_") or item.get("sheet") == CENTRAL_SHEET


def _feedback_body(province: ProvinceConfig, city: City, entry: dict, attachment: str) -> str:
    counts = {"error": 0, "warning": 0}
    own = [item for item in entry.get("issues", []) if not _is_secretariats(item)]
    for item in own:
        counts[item["severity"]] = counts.get(item["severity"], 0) + 1
    feed_errors = sum(1 for item in entry.get("issues", []) if _is_secretariats(item) and item["severity"] == "error")
    stake = entry.get("points_at_stake")
    cause = "错误、漏填或秘书处统一数据待更正" if feed_errors else "错误或漏填"
    addressed = you(city.kind)
    score = (f"按目前报送的数据{adjusted_words_for('letter', entry)}，{addressed}得分 {entry['total']:.2f} 分"
             if entry.get("total") is not None else "")
    if score and stake:  # nothing pending: no “0.00 分，更正后可以得到”
        score += f"；因{cause}暂未得到的分值为 {stake:.2f} 分，更正后可以得到"
    score += "。\n" if score else ""
    feed = (f"另有 {feed_errors} 处问题在秘书处统一数据中，由秘书处更正，无需{addressed}处理。\n" if feed_errors else "")
    resend = f"在原填报表上更正后（{FILL_RULE}），于 {province.deadline} 前回复本邮件重新报送。"
    again = (f"请{resend}" if counts["error"] else f"请核实上述提示；如数据确有错误，请{resend}" if own
             else f"{addressed}填报表本身没有需要更正的问题，无需重新报送。")
    return (f"{city.name}：\n\n{score}共有 {counts['error']} 处错误、{counts['warning']} 处需核实的提示，"
            f"详见附件“{attachment}”（每处问题都标明了工作表和单元格）。\n{feed}\n"
            f"{again}\n\n{_signature(province)}\n")
