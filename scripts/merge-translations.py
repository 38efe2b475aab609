#!/usr/bin/env python3
"""Extract the app's strings into locale/de/LC_MESSAGES/django.po and djangojs.po
(`manage.py makemessages`), then fill in the German kept in locale/de/parts/*.json.

    .venv/bin/python scripts/merge-translations.py

Reports every msgid still without German, and every German text whose msgid no longer exists
(a source string changed). tests/test_translations.py fails on either, so run this after
changing or adding a user-facing string, add the German to a parts file, and run it again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polib

BASE = Path(__file__).resolve().parents[1]
PARTS = BASE / "locale" / "de" / "parts"
CATALOGUES = {"django": "*.json", "djangojs": "js.json"}
# Strings come from the app's code, templates and scripts only (tests/test_translations.py
# extracts from the same: its SOURCES).
IGNORE = [
    f"--ignore={folder}"
    for folder in (".venv", "node_modules", "staticfiles", "bench", "tests", "docs", "deploy")
] + ["--ignore=scripts", "--ignore=*/migrations/*", "--ignore=static/css", "--ignore=media"]


def key(entry: dict) -> tuple[str, str]:
    return entry.get("context", ""), entry["msgid"]


def parts(domain: str) -> dict[tuple[str, str], dict]:
    found: dict[tuple[str, str], dict] = {}
    files = sorted(PARTS.glob("*.json"))
    for path in files:
        if (domain == "djangojs") != (path.name == "js.json"):
            continue
        for entry in json.loads(path.read_text(encoding="utf-8")):
            found[key(entry)] = entry
    return found


def extract(domain: str) -> None:
    command = [sys.executable, "manage.py", "makemessages", "-l", "de", "-d", domain, *IGNORE]
    env = {**os.environ, "DJANGO_DEBUG": "true"}
    subprocess.run(command, cwd=BASE, check=True, env=env, stdout=subprocess.DEVNULL)


def fill(domain: str) -> tuple[list[str], list[str]]:
    path = BASE / "locale" / "de" / "LC_MESSAGES" / f"{domain}.po"
    catalogue = polib.pofile(str(path))
    catalogue.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    catalogue.metadata["Language"] = "de"
    german = parts(domain)
    missing, used = [], set()
    for entry in catalogue:
        found = german.get((entry.msgctxt or "", entry.msgid))
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        if found is None:
            missing.append(entry.msgid)
            entry.msgstr = ""
            entry.msgstr_plural = {0: "", 1: ""} if entry.msgid_plural else {}
            continue
        used.add(key(found))
        if entry.msgid_plural:
            singular, plural = found["msgstr"]
            entry.msgstr_plural = {0: singular, 1: plural}
        else:
            entry.msgstr = found["msgstr"]
    catalogue.save(str(path))
    unused = [msgid for (context, msgid) in german if (context, msgid) not in used]
    return missing, unused


def main() -> int:
    problems = 0
    for domain in CATALOGUES:
        extract(domain)
        missing, unused = fill(domain)
        for msgid in missing:
            print(f"{domain}: no German for {msgid!r}")
        for msgid in unused:
            print(f"{domain}: German for a string that no longer exists: {msgid!r}")
        problems += len(missing)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
