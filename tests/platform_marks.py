"""Marks for tests that need POSIX (symlinks without privileges, named pipes, SIGKILL, rlimits,
/proc): skipped on Windows, so the suite still collects and runs there.

    from tests.platform_marks import posix_only
"""
from __future__ import annotations

import sys

import pytest

posix_only = pytest.mark.skipif(sys.platform == "win32",
                                reason="POSIX only: symlinks, named pipes, signals, rlimits or /proc")
