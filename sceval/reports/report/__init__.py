"""`sceval report`: the provincial (or national) evaluation work report, 附件4 of the 2016 notice."""
from sceval.reports.report.writer import build_report, to_pdf, write_report

__all__ = ["build_report", "to_pdf", "write_report"]
