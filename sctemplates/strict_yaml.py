"""YAML from a person's hand, read so that it cannot blow up or say two things at once.

yaml.safe_load builds objects, not code, but it still (issue 21, items 5 and 16):
- expands aliases: nested anchors ("billion laughs") grow a 1 kB file past 2 GB;
- turns a 5,000-digit integer into a Python int (and str() of it raises ValueError since 3.11);
- raises a bare ValueError for a date that does not exist (``deadline: 2016-02-30``);
- lets a duplicated key silently win.
StrictLoader refuses each of these with a StrictYamlError (a yaml.YAMLError) carrying a Chinese
reason, before any of it is built. Configuration files have no use for anchors, so they are
refused outright rather than bounded.
"""
from __future__ import annotations

import yaml

MAX_YAML_BYTES = 1 << 20  # a province configuration or catalog is a few kB; the 2016 catalog ~60 kB
MAX_INT_DIGITS = 30  # far past any code, phone number or count a configuration holds


class StrictYamlError(yaml.YAMLError):
    """A YAML document refused for a reason a person can act on (``reason`` is Chinese)."""

    def __init__(self, reason: str, mark=None):
        where = f"（第 {mark.line + 1} 行）" if mark is not None else ""
        super().__init__(f"{reason}{where}")
        self.reason = f"{reason}{where}"


def yaml_reason(exc: yaml.YAMLError) -> str:
    """A parser's error as a person can act on it: what, and where (line and column), in Chinese;
    PyYAML's own English words only as the detail after it."""
    if isinstance(exc, StrictYamlError):
        return exc.reason
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f"，位于第 {mark.line + 1} 行第 {mark.column + 1} 列附近" if mark is not None else ""
    detail = getattr(exc, "problem", None) or type(exc).__name__
    return f"YAML 格式错误{where}（缩进、冒号、括号或引号不配对；解析器说明：{detail}）"


class StrictLoader(yaml.SafeLoader):
    """SafeLoader without aliases, duplicate keys, huge integers or impossible dates."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise StrictYamlError(f"不支持 YAML 别名“*{event.anchor}”（锚点与别名可被用来制造超大文档）",
                                  event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (str, int, bool, float)) or key is None:
                if key in seen:
                    raise StrictYamlError(f"配置项“{str(key)[:40]}”重复出现（无法确定哪一个有效）",
                                          key_node.start_mark)
                seen.add(key)
        return super().construct_mapping(node, deep)

    def construct_yaml_int(self, node):
        digits = sum(character.isdigit() for character in str(node.value))
        if digits > MAX_INT_DIGITS:
            raise StrictYamlError(f"整数过长（{digits} 位）", node.start_mark)
        return super().construct_yaml_int(node)

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            raise StrictYamlError(f"日期“{str(node.value)[:40]}”不存在", node.start_mark) from None


StrictLoader.add_constructor("tag:yaml.org,2002:int", StrictLoader.construct_yaml_int)
StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", StrictLoader.construct_yaml_timestamp)
StrictLoader.add_constructor("tag:yaml.org,2002:map", StrictLoader.construct_yaml_map)


def strict_load(text: str):
    """The document of ``text``; StrictYamlError (or another yaml.YAMLError) when refused."""
    if len(text) > MAX_YAML_BYTES:
        raise StrictYamlError(f"文件过大（{len(text):,} 字符，上限 {MAX_YAML_BYTES:,}）")
    loader = StrictLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


class _PlainDumper(yaml.SafeDumper):
    """Writes a shared object out again where it recurs: StrictLoader refuses anchors, so what
    sceval writes for people to edit and read back must never contain one."""

    def ignore_aliases(self, data) -> bool:
        return True


def dump_plain(data, **options) -> str:
    """yaml.safe_dump without anchors or aliases (readable again by StrictLoader)."""
    return yaml.dump(data, Dumper=_PlainDumper, allow_unicode=True, sort_keys=False, **options)
