"""One round, one state, derived views.

The state of a round is its ledger (files, counting, adjustments, invalidations, forced
versions), the inputs stored beside it and results.json (the scores derived from them, with the
catalogs they were scored with). Every other output of the folder — the summary, each feedback
workbook — is a view of that state, rebuilt together (``rebuild``), committed as one set
(``commit``), recorded in a manifest (``manifest``) and checked against a recomputation
(``verify``).
"""
