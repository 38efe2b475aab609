"""The language switcher at the foot of every page: a plain form (no script) that posts the
language and the page it was sent from, and brings the person back to that page in the new
language; and the scripts' texts served in the page's language."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.conf import settings
from django.urls import reverse

from accounts.models import Preferences

OUR_CATALOGUE = settings.BASE_DIR / "locale" / "de" / "LC_MESSAGES" / "django.mo"


class SwitcherParser(HTMLParser):
    """The switcher form's action, fields, options, label and button text."""

    def __init__(self):
        super().__init__()
        self.form: dict | None = None
        self.inside = False
        self.fields: dict[str, str] = {}
        self.options: dict[str, str] = {}
        self.selected: str | None = None
        self.label_for: str | None = None
        self.select_id: str | None = None
        self.button = ""
        self._where: str | None = None
        self._option: str | None = None
        self.html_lang: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if tag == "form" and attrs.get("id") == "language-switcher":
            self.form, self.inside = attrs, True
        if not self.inside:
            return
        if tag == "input":
            self.fields[attrs["name"]] = attrs.get("value", "")
        elif tag == "select":
            self.fields[attrs["name"]] = ""
            self.select_id = attrs.get("id")
        elif tag == "option":
            self._option = attrs["value"]
            self.options[self._option] = ""
            if "selected" in attrs:
                self.selected = self._option
        elif tag == "label":
            self.label_for = attrs.get("for")
            self._where = "label"
        elif tag == "button":
            self._where = "button"

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        if tag in ("label", "button"):
            self._where = None
        if tag == "option":
            self._option = None

    def handle_data(self, data):
        if not self.inside:
            return
        if self._option is not None:
            self.options[self._option] += data.strip()
        elif self._where == "button":
            self.button += data.strip()


def switcher(response) -> SwitcherParser:
    parser = SwitcherParser()
    parser.feed(response.content.decode())
    assert parser.form is not None, "no language switcher on the page"
    return parser


def test_every_page_has_a_labelled_switcher_posting_back_to_itself(client, db):
    page = client.get(reverse("login") + "?next=/teams/")
    form = switcher(page)
    assert form.form["method"] == "post"
    assert form.form["action"] == reverse("language")
    assert form.fields["next"] == "/accounts/login/?next=/teams/"  # this page, query and all
    assert "csrfmiddlewaretoken" in form.fields
    assert form.select_id and form.label_for == form.select_id  # a <label> names the <select>
    assert form.options == {"en": "English", "de": "Deutsch"}  # each in its own language
    assert form.selected == "en"
    assert form.button == "Change language"
    assert form.html_lang == "en"


def test_posting_the_switcher_shows_the_sign_in_page_in_german(client, db):
    form = switcher(client.get(reverse("login")))
    data = {**form.fields, "language": "de"}
    response = client.post(form.form["action"], data, headers={"accept-language": "en"})
    assert response.status_code == 302
    assert response["Location"] == reverse("login")

    page = client.get(response["Location"], headers={"accept-language": "en"})
    html = page.content.decode()
    german = switcher(page)
    assert german.html_lang == "de"
    assert german.selected == "de"
    assert "Benutzername" in html  # Django's own catalogue: the page speaks German
    if OUR_CATALOGUE.exists():  # ours, once compiled (make run / make test)
        assert re.search(r'<button type="submit" class="btn btn-primary">Anmelden</button>', html)
        assert german.button == "Sprache wechseln"


def test_a_signed_in_person_switching_keeps_the_choice(client, lead_a):
    client.force_login(lead_a)
    page = client.get(reverse("assessments:dashboard"))
    form = switcher(page)
    assert form.fields["next"] == reverse("assessments:dashboard")
    response = client.post(
        form.form["action"], {**form.fields, "language": "de"}, headers={"accept-language": "en"}
    )
    assert response["Location"] == reverse("assessments:dashboard")
    assert Preferences.objects.get(user=lead_a).language == "de"
    again = client.get(reverse("assessments:dashboard"), headers={"accept-language": "en"})
    assert switcher(again).html_lang == "de"
    assert switcher(again).selected == "de"


def test_the_scripts_texts_come_from_our_own_origin_before_the_scripts(client, db):
    page = client.get(reverse("login")).content.decode()
    catalogue = reverse("javascript-catalog")
    assert f'<script src="{catalogue}" defer></script>' in page
    script = client.get(catalogue, headers={"accept-language": "de"})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("text/javascript")
    assert "django.gettext" in script.content.decode()
