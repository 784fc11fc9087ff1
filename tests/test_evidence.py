"""The field view of a page: whitespace removed, positions mapped both ways."""
from __future__ import annotations

import random
import re

from tenderlens.analyze.fields.evidence import views
from tenderlens.model import Document, Page


def _doc(*texts: str, language: str = "zh") -> Document:
    pages = [Page(n, t) for n, t in enumerate(texts, start=1)]
    return Document("d", "text", "text/plain", 0, pages=pages, language=language)


def test_view_positions_map_to_the_page_text_and_back():
    rng = random.Random(3)
    for _ in range(2000):
        text = "".join(rng.choice("公安局 \n\t中心ab1") for _ in range(rng.randint(1, 30)))
        if not text.strip():
            continue
        view, = views(_doc(text))
        index = [i for i, ch in enumerate(text) if not ch.isspace()]
        assert view.text == "".join(text[i] for i in index)
        for i in range(len(view.text)):
            for j in range(i + 1, len(view.text) + 1):
                assert view.span(i, j) == (index[i], index[j - 1] + 1)
        for t in range(len(text) + 1):
            # the first view character at or after page position t
            assert view.locate(t, t)[0] == next((k for k, i in enumerate(index) if i >= t), len(index))
        # a whitespace run holding a line break is remembered at the view position after it
        runs = re.finditer(r"\s+", text)
        assert view.breaks == {len(re.sub(r"\s", "", text[:m.end()])) for m in runs if "\n" in m.group()}
