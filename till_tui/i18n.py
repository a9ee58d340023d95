"""One place for translations: every string a cashier or a customer reads goes through `_()`.

English is the source language. `set_locale("fr_FR")` switches the catalogue for the whole
process (the till runs one locale at a time). Money, numbers and dates are formatted by Babel in
`till_tui.domain.money` with the same locale.
"""

from __future__ import annotations

import gettext
from pathlib import Path

DOMAIN = "till_tui"
LOCALE_DIR = Path(__file__).parent / "locale"

_translation: gettext.NullTranslations = gettext.NullTranslations()
_locale = "en_US"


def set_locale(locale: str) -> None:
    """Use the catalogue for `locale` (e.g. "fr_FR"); unknown locales fall back to English."""
    global _translation, _locale
    _locale = locale
    languages = [locale, locale.split("_")[0]]
    _translation = gettext.translation(DOMAIN, LOCALE_DIR, languages=languages, fallback=True)


def current_locale() -> str:
    """The locale set by `set_locale` (Babel's form, e.g. "fr_FR")."""
    return _locale


def _(message: str) -> str:
    """Translate `message` into the current locale."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate with a plural form chosen by `n`."""
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it now (translated where shown)."""
    return message
