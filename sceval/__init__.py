"""sceval: ingest, check, score and summarise returned smart-city evaluation workbooks."""
from sctemplates import __version__  # one version for both packages

__all__ = ["__version__"]
