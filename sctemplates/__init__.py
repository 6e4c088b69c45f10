"""sctemplates: the indicator catalog, rosters, optional indicators and fill-in templates."""
__version__ = "0.1.0"
