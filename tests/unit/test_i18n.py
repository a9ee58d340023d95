"""The French catalogue covers every string the till shows, and the shipped .mo matches it."""

from __future__ import annotations

import gettext
import io
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import till_tui
from till_tui.domain.money import format_money
from till_tui.i18n import LOCALE_DIR, _, ngettext, set_locale

PACKAGE = Path(till_tui.__file__).parent
PO = LOCALE_DIR / "fr" / "LC_MESSAGES" / "till_tui.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _source_messages() -> set[str | tuple[str, ...]]:
    found: set[str | tuple[str, ...]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), keywords=KEYWORDS, comment_tags=()
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def _catalog() -> dict[str | tuple[str, ...], str | tuple[str, ...]]:
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    entries: dict[str | tuple[str, ...], str | tuple[str, ...]] = {}
    for message in catalog:
        if message.id and not message.fuzzy:
            key = message.id if isinstance(message.id, str) else tuple(message.id)
            value = (
                message.string if isinstance(message.string, str) else tuple(message.string or ())
            )
            entries[key] = value
    return entries


def test_every_string_in_the_code_has_a_french_translation() -> None:
    catalog = _catalog()
    missing = [m for m in _source_messages() if not catalog.get(m)]
    assert missing == [], "untranslated: run pybabel extract/update (see ARCHITECTURE.md)"


def test_translations_keep_every_placeholder() -> None:
    for source, translation in _catalog().items():
        sources = (source,) if isinstance(source, str) else source
        translations = (translation,) if isinstance(translation, str) else translation
        for text, french in zip(sources, translations, strict=False):
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(french)), text


def test_the_shipped_mo_is_compiled_from_the_po() -> None:
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    fresh = gettext.GNUTranslations(compiled)
    with MO.open("rb") as handle:
        shipped = gettext.GNUTranslations(handle)
    # The header ("" entry) names the Babel that compiled it: compare the translations only.
    shipped_messages = {k: v for k, v in shipped._catalog.items() if k != ""}  # type: ignore[attr-defined]
    fresh_messages = {k: v for k, v in fresh._catalog.items() if k != ""}  # type: ignore[attr-defined]
    assert len(fresh_messages) > 600
    assert shipped_messages == fresh_messages


def test_the_till_speaks_french_when_configured() -> None:
    set_locale("fr_FR")
    assert _("Pay") == "Payer"
    assert ngettext("{n} item", "{n} items", 3).format(n=3) == "3 articles"
    assert format_money(123450, "EUR", "fr_FR") == "1\u202f234,50\u00a0€"
    set_locale("en_US")
    assert _("Pay") == "Pay"
