"""One language at a time: the app's words in Chinese or English, from ui.yaml.

The reader picks a language with `?lang=zh` or `?lang=en` on any page; the choice is
kept in a cookie, so every link of the app stays free of it. Category and vendor names
come from the codebook (labels.py), in the same language.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import yaml

LANGS = ("zh", "en")
DEFAULT = "en"
COOKIE = "tenderlens_lang"
HTML_LANG = {"zh": "zh-Hans", "en": "en"}
CURRENCY_SIGNS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$", "JPY": "JP¥"}


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, list[str]]]:
    return yaml.safe_load((files("tenderlens") / "web" / "ui.yaml").read_text("utf-8"))


def lang_of(query_lang: str | None, cookie_lang: str | None) -> str:
    """The language asked for in the URL, else the one kept in the cookie, else English."""
    for lang in (query_lang, cookie_lang):
        if lang in LANGS:
            return lang
    return DEFAULT


@dataclass(frozen=True)
class Words:
    """The app's words in one language."""
    lang: str = DEFAULT

    @property
    def html_lang(self) -> str:
        return HTML_LANG[self.lang]

    @property
    def other(self) -> str:
        return "en" if self.lang == "zh" else "zh"

    def _pick(self, section: str, key: str, fallback: str | None = None) -> str:
        pair = _table().get(section, {}).get(key)
        if not pair:
            return key if fallback is None else fallback
        return pair[LANGS.index(self.lang)]

    def __call__(self, key: str, **values) -> str:
        """A text of the interface, with {placeholders} filled in."""
        text = self._pick("text", key)
        return text.format(**values) if values else text

    def notice_type(self, value: str) -> str:
        return self._pick("notice_type", value)

    def method(self, value: str) -> str:
        return self._pick("method", value)

    def role(self, value: str) -> str:
        return self._pick("role", value or "unknown")

    def field(self, key: str) -> str:
        return self._pick("field", key, key.replace("_", " "))

    def yes_no(self, value: bool) -> str:
        return self._pick("yes_no", "true" if value else "false")


def money(value: float | None, currency: str = "CNY") -> str:
    """An amount as a reader says it: ¥5,472万, ¥3.51亿 for yuan; $1.25M, $48.5K for other currencies."""
    if value is None:
        return ""
    sign = CURRENCY_SIGNS.get(currency, currency + " ")
    scales = ((1e8, "亿"), (1e4, "万")) if currency == "CNY" else ((1e9, "B"), (1e6, "M"), (1e3, "K"))
    for scale, suffix in scales:
        if abs(value) >= scale:
            return _short(value / scale, sign) + suffix
    return _short(value, sign)


def _short(value: float, sign: str) -> str:
    """At most two decimals, and none that are zero."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"-{sign}{text[1:]}" if text.startswith("-") else f"{sign}{text}"
