"""The matching view: layout forgiven, every view character traced back to the page text."""
from __future__ import annotations

import random

import pytest

from tenderlens.analyze.matcher import Matcher, make_view


def test_every_view_character_maps_back_to_its_page_character():
    rng = random.Random(7)
    alphabet = "视频监控 ab\n\n\t  C。DE  \n 人脸İ"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        view, m = make_view(text)
        for i, ch in enumerate(view):
            j = m.to_text(i)
            if ch in " \n":
                assert text[j].isspace()
            else:
                assert text[j].lower() == ch or text[j] == "İ"


@pytest.mark.parametrize("text,phrase,quote", [
    ("基本型\nWiFi\n围栏等设备", "WiFi围栏", "WiFi\n围栏"),       # a phrase broken across lines (HTML, PDF)
    ("视 频 监 控", "视频监控", "视 频 监 控"),                   # OCR spaces between characters
    ("臺北市視頻監控系統", "视频监控", "視頻監控"),               # traditional characters
    ("Two DRONES for patrol", "drone", "DRONE"),                 # case, plural
    ("video\nsurveillance cameras", "video surveillance", "video\nsurveillance"),
])
def test_phrases_match_through_layout(text, phrase, quote):
    scan = Matcher([phrase]).scan(1, text)
    (start, end, _), = scan.order
    s, e = scan.page_span(start, end)
    assert text[s:e] == quote


@pytest.mark.parametrize("text,phrase", [
    ("Irish pubs", "iris"), ("UASB reactor", "UAS"), ("视频\n\n监控", "视频监控"),
])
def test_no_match_inside_a_word_or_across_a_blank_line(text, phrase):
    assert not Matcher([phrase]).scan(1, text).order
