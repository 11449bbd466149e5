"""One term per concept: the glossary in ``content/glossary.yaml`` and the check that the bot's own text keeps to it.

Readers trust a text that calls the police, the passport or the emergency number by one name throughout; a text
that says милиса on one card and полиция on the next reads as machine-made. The glossary names the preferred term
for each concept and language, and the variants to avoid. ``python -m bot check`` then *warns* (it does not fail:
a variant can be right in a quotation) wherever the bot's own words use a variant: the topic cards, the job-offer
check, the menu, the gettext catalogues and the outreach kit's labels. ``match`` phrases are never checked: users
type what they type, and the bot must understand them.

A variant matches at the start of a word and may go on (``милиса`` also finds ``милисаро``), case-insensitively,
so a stem catches the inflected forms. A phrase in ``allow`` exempts the variants inside it (``(паспорт`` lets a
card gloss шиноснома as "шиноснома (паспорт)").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import LANGUAGES
from bot.content import Content, ContentError, Problem, _Checker, _read_yaml

FILE_NAME = "glossary.yaml"
_TERM_FIELDS = {"id", "concept", "note", *LANGUAGES}
_LANG_FIELDS = {"use", "avoid", "allow"}
_ID_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


@dataclass(frozen=True)
class Usage:
    """What the glossary says about one concept in one language."""

    use: str
    avoid: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()


@dataclass(frozen=True)
class Term:
    id: str
    concept: str
    languages: Mapping[str, Usage]
    note: str = ""


@dataclass(frozen=True)
class Text:
    """One piece of the bot's own wording, and where it lives (file and field, as `check` names problems)."""

    file: str
    field: str
    lang: str
    text: str


@dataclass(frozen=True)
class GlossaryWarning:
    file: str
    field: str
    found: str  # the variant as it appears in the text
    term: Term
    lang: str

    def __str__(self) -> str:
        use = self.term.languages[self.lang].use
        return f"{self.file}: {self.field}: {self.found!r} is a variant to avoid; use {use!r} ({self.term.concept})"


def _usage(check: _Checker, raw: Any, name: str) -> Usage | None:
    if raw is None:
        return None
    data = check.mapping(raw, name)
    for extra in sorted(set(data) - _LANG_FIELDS):
        check.fail(f"{name}.{extra}", f"unknown field (expected {', '.join(sorted(_LANG_FIELDS))})")
    use = check.text(data.get("use"), f"{name}.use")
    avoid = check.string_list(data.get("avoid", []), f"{name}.avoid")
    allow = check.string_list(data.get("allow", []), f"{name}.allow")
    for variant in avoid:
        if variant.casefold() == use.casefold():
            check.fail(f"{name}.avoid", f"{variant!r} is also the preferred term")
    return Usage(use=use, avoid=avoid, allow=allow)


def load_glossary(root: Path) -> tuple[Term, ...]:
    """Read and validate ``glossary.yaml`` in the content folder; raise ContentError naming every problem."""
    path = Path(root) / FILE_NAME
    problems: list[Problem] = []
    check = _Checker(path, Path(root), problems)
    data = _read_yaml(path, problems, Path(root))
    if problems:
        raise ContentError(problems)
    raw_terms = check.mapping(data, "(file)").get("terms")
    if not isinstance(raw_terms, list) or not raw_terms:
        check.fail("terms", "expected a non-empty list of terms")
        raise ContentError(problems)
    terms: list[Term] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_terms):
        name = f"terms[{i}]"
        entry = check.mapping(raw, name)
        for extra in sorted(set(entry) - _TERM_FIELDS):
            check.fail(f"{name}.{extra}", f"unknown field (expected {', '.join(sorted(_TERM_FIELDS))})")
        term_id = entry.get("id")
        if not isinstance(term_id, str) or not _ID_RE.match(term_id):
            check.fail(f"{name}.id", f"expected a short lowercase id, found {term_id!r}")
            term_id = f"?{i}"
        elif term_id in seen:
            check.fail(f"{name}.id", f"duplicate id {term_id!r}")
        seen.add(term_id)
        languages = {lang: u for lang in LANGUAGES if (u := _usage(check, entry.get(lang), f"{name}.{lang}"))}
        if not languages:
            check.fail(name, "give the preferred term in at least one language")
        note = entry.get("note", "")
        terms.append(Term(id=term_id, concept=check.text(entry.get("concept"), f"{name}.concept"),
                          languages=languages, note=note if isinstance(note, str) else ""))
    if problems:
        raise ContentError(problems)
    return tuple(terms)


# -- the bot's own text ----------------------------------------------------------------------------------------


def _relative(path: Path, content: Content) -> str:
    base = content.root.parent
    return str(path.relative_to(base)) if path.is_relative_to(base) else str(path)


def content_texts(content: Content) -> Iterator[Text]:
    """Every sentence of the cards, the job-offer check and the menu, by file and field; never ``match``."""
    for topic in content.topics.values():
        file = _relative(topic.path, content)
        for lang in LANGUAGES:
            yield Text(file, f"title.{lang}", lang, topic.title[lang])
            if lang in topic.summary:
                yield Text(file, f"summary.{lang}", lang, topic.summary[lang])
        for part in ("answer", "details"):
            for i, point in enumerate(getattr(topic, part)):
                for lang in LANGUAGES:
                    yield Text(file, f"{part}[{i}].{lang}", lang, point.text[lang])
    menu_file = _relative(content.root / "menu.yaml", content)
    for i, section in enumerate(content.menu.sections):
        for lang in LANGUAGES:
            yield Text(menu_file, f"sections[{i}].title.{lang}", lang, section.title[lang])
    check = content.offer_check
    if check is None:
        return
    file = _relative(content.root / "offer_check.yaml", content)
    for key in ("title", "intro", "stopped", "reasons_heading", "steps_heading", "disclaimer"):
        for lang in LANGUAGES:
            yield Text(file, f"{key}.{lang}", lang, getattr(check, key)[lang])
    for i, q in enumerate(check.questions):
        for key in ("text", "reason", "unknown"):
            for lang in LANGUAGES:
                yield Text(file, f"questions[{i}].{key}.{lang}", lang, getattr(q, key)[lang])
    for level_id, level in check.levels.items():
        for lang in LANGUAGES:
            yield Text(file, f"levels.{level_id}.title.{lang}", lang, level.title[lang])
            yield Text(file, f"levels.{level_id}.summary.{lang}", lang, level.summary[lang])
            for i, step in enumerate(level.steps):
                yield Text(file, f"levels.{level_id}.steps[{i}].{lang}", lang, step.text[lang])


def catalogue_texts(locales: Path) -> Iterator[Text]:
    """The interface strings as users read them: the msgstrs, and for English (the msgid language) the msgids."""
    from babel.messages.pofile import read_po  # noqa: PLC0415 - only `check` needs the catalogues parsed

    for lang in LANGUAGES:
        po = locales / lang / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            continue  # a missing catalogue is reported by bot.i18n.check_catalogues
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        rel = f"locales/{lang}/LC_MESSAGES/messages.po"
        for message in catalog:
            if not message.id:
                continue
            ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
            strings = (message.string,) if isinstance(message.string, str) else tuple(message.string)
            shown = ids if lang == "en" and not any(strings) else strings
            for k, text in enumerate(shown):
                if text:
                    suffix = f"[{k}]" if len(shown) > 1 else ""
                    yield Text(rel, f"msgid {ids[0]!r}{suffix}", lang, text)


def label_texts(labels: Mapping[str, Mapping[str, str]], file: str = "bot/kit/labels.py") -> Iterator[Text]:
    """The outreach kit's printed-only wording."""
    for key, texts in labels.items():
        for lang, text in texts.items():
            if lang in LANGUAGES:
                yield Text(file, f"{key}.{lang}", lang, text)


def bot_texts(content: Content, locales: Path | None = None,
              labels: Mapping[str, Mapping[str, str]] | None = None) -> Iterator[Text]:
    """All of the bot's own wording that the glossary applies to."""
    from bot.i18n import locales_dir  # noqa: PLC0415
    from bot.kit.labels import LABELS  # noqa: PLC0415 - the kit is only needed when checking

    yield from content_texts(content)
    yield from catalogue_texts(locales if locales is not None else locales_dir())
    yield from label_texts(LABELS if labels is None else labels)


# -- the check -------------------------------------------------------------------------------------------------


def _pattern(phrase: str) -> re.Pattern[str]:
    """A phrase at the start of a word (letters may follow, so a stem finds its inflected forms)."""
    return re.compile(r"(?<!\w)" + re.escape(phrase), re.IGNORECASE)


def glossary_warnings(terms: Iterable[Term], texts: Iterable[Text]) -> list[GlossaryWarning]:
    """Each place where a text uses a variant the glossary says to avoid, in the order the texts come."""
    rules: dict[str, list[tuple[Term, re.Pattern[str], tuple[re.Pattern[str], ...]]]] = {lang: [] for lang in LANGUAGES}
    for term in terms:
        for lang, usage in term.languages.items():
            allowed = tuple(_pattern(phrase) for phrase in usage.allow)
            rules[lang].extend((term, _pattern(variant), allowed) for variant in usage.avoid)
    warnings: list[GlossaryWarning] = []
    for text in texts:
        for term, pattern, allowed in rules.get(text.lang, ()):
            spans = [m.span() for a in allowed for m in a.finditer(text.text)]
            for m in pattern.finditer(text.text):
                if any(start <= m.start() and m.end() <= end for start, end in spans):
                    continue
                end = m.end()
                while end < len(text.text) and text.text[end].isalpha():
                    end += 1  # report the whole word as written ("милисаро", not "милиса")
                warnings.append(GlossaryWarning(text.file, text.field, text.text[m.start():end], term, text.lang))
    return warnings


def check_glossary(content: Content) -> tuple[list[GlossaryWarning], list[Problem]]:
    """For ``python -m bot check``: the warnings, or the problems that stop the glossary from being read."""
    if not (content.root / FILE_NAME).exists():
        return [], []
    try:
        terms = load_glossary(content.root)
    except ContentError as exc:
        return [], list(exc.problems)
    return glossary_warnings(terms, bot_texts(content)), []
