"""Fixtures shared by the ingest tests."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.sceval.ingest_helpers import base_catalog, render, zhejiang


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A rendered 2016 template for the first city of the 浙江省 roster (module-scoped)."""
    roster = zhejiang()
    return render(base_catalog(), roster.cities[0], roster, tmp_path_factory.mktemp("template"))
