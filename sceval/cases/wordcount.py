"""Word's 字数统计, as a Chinese Word shows it: every CJK character and every full-width
punctuation mark counts once, every run of other non-space characters counts once (a word).

So "2016年建成GB/T 33356标准。" is 2016 | 年 建 成 | GB/T | 33356 | 标 准 | 。 = 9. A word never spans
two paragraphs: count each paragraph's text on its own and add.
"""
from __future__ import annotations

import re

# CJK ideographs (incl. extensions and compatibility), kana and hangul, CJK symbols and
# punctuation, full-width forms, and the quotation marks, dashes and ellipsis Chinese text uses.
_ASIAN = ("\u2e80-\u2fdf\u3001-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3200-\u4dbf"
          "\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f\uff01-\uffee"
          "\u2014\u2015\u2018\u2019\u201c\u201d\u2026\u00b7\U00020000-\U0003ffff")
_TOKEN = re.compile(f"[{_ASIAN}]|[^\\s{_ASIAN}]+")


def word_count(text: str) -> int:
    """字数 of one paragraph's text (Word's count: CJK characters plus non-Asian words)."""
    return len(_TOKEN.findall(text))


def count_paragraphs(texts) -> int:
    return sum(word_count(text) for text in texts)
