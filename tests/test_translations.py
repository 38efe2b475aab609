"""The app speaks German as well as English: every user-facing string of the templates is marked
for translation, and the German catalogue has a translation for every marked string, with
nothing fuzzy and nothing out of date. (scripts/merge-translations.py fills the catalogue.)"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.template.base import Lexer, TokenType
from django.utils import translation

BASE = Path(settings.BASE_DIR)
TEMPLATES = BASE / "templates"
GERMAN = BASE / "locale" / "de" / "LC_MESSAGES"
HOLE = "\x00"  # where a variable or a translated string stood
WORD = re.compile(r"[^\W\d_]{2,}")
# Words that read the same in German: codes, units and acronyms.
SAME_IN_GERMAN = {
    *("VO", "CX", "AO", "MP", "PDF", "CSV", "JSON", "XLSX", "API", "SSO", "NPS", "CSAT", "OK"),
    *("ID", "URL", "HTTP", "HTTPS", "HMAC", "SHA", "OpenAPI", "REST", "Bearer", "omm", "ms"),
}
TEXT_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-description", "summary"}
TRANSLATED_BLOCKS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans"}
SKIPPED_BLOCKS = {"comment": "endcomment"}


def _template_files() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*") if p.suffix in {".html", ".txt"})


def _without_translated(source: str) -> str:
    """The template's text with every tag, variable and translated string replaced by HOLE."""
    out: list[str] = []
    closing = None
    for token in Lexer(source).tokenize():
        if closing:
            if token.token_type == TokenType.BLOCK and token.contents.split()[0] == closing:
                closing = None
            continue
        if token.token_type == TokenType.TEXT:
            out.append(token.contents)
            continue
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0]
            closing = TRANSLATED_BLOCKS.get(name) or SKIPPED_BLOCKS.get(name)
        out.append(HOLE)
    return "".join(out)


class _Text(HTMLParser):
    """The text people read: data outside script and style, and the attributes shown or read
    aloud. A <code> element's data without spaces is machine text (a CSV header, a command),
    the same in every language."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._raw = 0
        self._code = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._raw += 1
        if tag == "code":
            self._code += 1
        for name, value in attrs:
            if name in TEXT_ATTRIBUTES and value:
                self.found.append(value)
            if name == "value" and tag == "input" and value:  # a button's value is not shown
                kind = dict(attrs).get("type", "")
                if kind in {"submit", "button", "reset"}:
                    self.found.append(value)

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._raw = max(0, self._raw - 1)
        if tag == "code":
            self._code = max(0, self._code - 1)

    def handle_data(self, data):
        if self._raw or (self._code and not any(c.isspace() for c in data.strip())):
            return
        self.found.append(data)


def unmarked_strings(source: str, plain_text: bool = False) -> list[str]:
    text = _without_translated(source)
    if plain_text:
        pieces = [text]
    else:
        parser = _Text()
        parser.feed(text)
        parser.close()
        pieces = parser.found
    problems = []
    for piece in pieces:
        words = [w for w in WORD.findall(piece.replace(HOLE, " ")) if w not in SAME_IN_GERMAN]
        if words:
            problems.append(" ".join(piece.replace(HOLE, "…").split()))
    return problems


@pytest.mark.parametrize("path", _template_files(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_every_user_facing_string_of_the_template_is_marked(path: Path):
    problems = unmarked_strings(path.read_text(encoding="utf-8"), plain_text=path.suffix == ".txt")
    assert not problems, (
        f"{path.relative_to(BASE)} has text not marked for translation "
        "({% translate %} or {% blocktranslate %}):\n  " + "\n  ".join(problems)
    )


def test_the_checker_finds_unmarked_text_and_accepts_marked_text():
    assert unmarked_strings("<p>Hello there</p>") == ["Hello there"]
    assert unmarked_strings('<img alt="A radar chart" src="x">') == ["A radar chart"]
    assert unmarked_strings("<p>{{ name }} submitted</p>") == ["… submitted"]
    assert unmarked_strings('<p>{% translate "Hello" %} {{ total }}</p>') == []
    assert (
        unmarked_strings(
            "<p>{% blocktranslate trimmed with n=x %}Hello {{ n }}{% endblocktranslate %}</p>"
        )
        == []
    )
    assert unmarked_strings("<script>const words = 'not shown';</script><p>PDF · CSV</p>") == []
    assert unmarked_strings("{% comment %}notes to ourselves{% endcomment %}") == []
    assert unmarked_strings("Dear {{ name }},", plain_text=True) == ["Dear …,"]
    assert unmarked_strings("<code>organization,team,year</code>") == []
    assert unmarked_strings("<code>run this first</code>") == ["run this first"]
    assert unmarked_strings('<button name="nav" value="save">{% translate "Save" %}</button>') == []


# --- The German catalogue -----------------------------------------------------------------------


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_marked_string_has_its_german_and_nothing_is_fuzzy(domain):
    catalogue = polib.pofile(str(GERMAN / f"{domain}.po"))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"{domain}.po has no German for: {untranslated}"
    assert not fuzzy, f"{domain}.po has fuzzy (unchecked) German for: {fuzzy}"
    assert len(catalogue) > 0


# What scripts/merge-translations.py extracts strings from (and nothing else: not the tests).
SOURCES = (
    *("accounts", "api", "assessments", "catalogue", "maturity", "organizations", "webhooks"),
    *("templates", "static/js"),
)


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_catalogue_holds_exactly_the_strings_the_code_marks(
    domain, tmp_path, settings, monkeypatch
):
    """makemessages, run afresh on a copy of the sources (so it writes nothing into the
    repository's locale/), extracts the same strings as the committed catalogue holds: a
    string added or changed in the code without its German fails here."""
    project = tmp_path / "project"
    for source in SOURCES:
        shutil.copytree(
            BASE / source,
            project / source,
            ignore=shutil.ignore_patterns("__pycache__", "migrations", "*.pyc"),
        )
    (project / "locale" / "de" / "LC_MESSAGES").mkdir(parents=True)
    settings.LOCALE_PATHS = [project / "locale"]
    monkeypatch.chdir(project)
    call_command("makemessages", locale=["de"], domain=domain, verbosity=0)
    extracted = polib.pofile(str(project / "locale" / "de" / "LC_MESSAGES" / f"{domain}.po"))
    committed = polib.pofile(str(GERMAN / f"{domain}.po"))
    wanted = {(e.msgctxt, e.msgid) for e in extracted}
    held = {(e.msgctxt, e.msgid) for e in committed if not e.obsolete}
    assert wanted - held == set(), "not in the catalogue: run scripts/merge-translations.py"
    assert held - wanted == set(), "no longer in the code: run scripts/merge-translations.py"


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_compiled_catalogue_matches_the_source(domain):
    """The .mo the app reads is compiled from the .po (`make run` / `make test` compile it)."""
    source = polib.pofile(str(GERMAN / f"{domain}.po"))
    compiled = polib.mofile(str(GERMAN / f"{domain}.mo"))
    assert {(e.msgctxt, e.msgid): e.msgstr for e in compiled if not e.msgid_plural} == {
        (e.msgctxt, e.msgid): e.msgstr for e in source.translated_entries() if not e.msgid_plural
    }


def test_german_is_what_a_german_page_gets():
    with translation.override("de"):
        assert translation.gettext("Sign in") != "Sign in"
    with translation.override("en"):
        assert translation.gettext("Sign in") == "Sign in"
