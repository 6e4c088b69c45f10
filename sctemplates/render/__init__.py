"""Render city fill-in workbooks (xlsxwriter): the contract is sctemplates.layout.

Modules, one concern each: formats (fonts, colours, legend), formulas (Excel text), lists (the
hidden _lists sheet), input_cells (validation, messages, flags), indicator_sheet (基础指标 and
自选指标), cover, filer, passport (three carriers), city (one workbook), batch (a roster).
"""
from sctemplates.render.batch import render_all
from sctemplates.render.city import DEFAULT_DEADLINE, render_city

__all__ = ["DEFAULT_DEADLINE", "render_all", "render_city"]
