"""The indicator catalog as an Excel workbook an official can edit (the spreadsheet is the spec).

``export.write_catalog_workbook`` writes the mapping the catalog YAML holds as sheets with
Chinese headers and drop-downs; ``read.read_workbook_data`` reads such a workbook back into the
very same mapping, so ``sctemplates.catalog`` checks and builds it exactly as it does the YAML,
and every problem is placed on its sheet and cell. ``sheets`` is the layout both sides share;
``extra`` lays out top-level settings beyond the indicator tree (maturity bands and the like).
"""
