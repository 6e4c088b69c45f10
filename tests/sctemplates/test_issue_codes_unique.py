"""Every issue code is registered once: YAML keeps the last of duplicate keys silently, so two
blocks merged twice (a code's severity edited in one copy) would change meaning unseen."""
from __future__ import annotations

import yaml

from sctemplates.issues import CODES_FILE, issue_codes


class _StrictLoader(yaml.SafeLoader):
    """A SafeLoader that refuses a mapping key seen twice."""


def _mapping(loader, node, deep=False):
    keys = [loader.construct_object(key, deep=deep) for key, _value in node.value]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    assert not repeated, f"issue_codes.yaml registers these codes more than once: {repeated}"
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def test_each_issue_code_is_registered_exactly_once():
    codes = yaml.load(CODES_FILE.read_text(encoding="utf-8"), Loader=_StrictLoader)
    assert codes == issue_codes() and len(codes) > 100
