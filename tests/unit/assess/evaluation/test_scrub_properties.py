"""Scrubbing changes the personal data and nothing else: code, words and calls stay exact.

The generated inputs are built twice from the same pieces: once with the candidate's
name in each personal-data slot, once with the placeholder. Scrubbing the first must
give exactly the second, whatever identifiers, words and code surround the slots, and
even when the name's parts are code words (``max``, ``len``, ``min``, ``case``).
"""

from __future__ import annotations

import string

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from assess.codetext import code_segments, text_runs
from assess.privacy import PERSON, Scrubber

#: Names whose parts are also builtins, keywords or English words.
NAMES = ("Max Len", "Min Park", "Will Case", "Grant Field", "Sum Long", "Ada Lovelace")
WORDS = ("the", "value", "fix", "loop", "end", "start", "returns", "edge", "to", "of")
LANGUAGES = {  # path: (line comment, string quote)
    "solution.py": ("#", '"'), "index.js": ("//", "'"), "Main.java": ("//", '"'),
    "main.go": ("//", '"'), "lib.rs": ("//", '"'), "app.ts": ("//", "`"),
}


def _variants(word: str) -> list[str]:
    return [word.lower(), word.capitalize(), word.upper()]


def _pii_forms(name: str) -> list[str]:
    """How a person's name is written: in full or by one part, as given or in capitals."""
    parts = name.split()
    return [name, name.upper(), *parts, *(p.upper() for p in parts)]


@st.composite
def _named(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(NAMES))


def _code_word(name: str) -> st.SearchStrategy[str]:
    """Identifiers: the name's parts in any case (code, not personal data), or others."""
    parts = [v for p in name.split() for v in _variants(p)]
    return st.sampled_from([*parts, "last_end", "end", "xs", "i", "result"])


def _text_pieces(name: str, lower_words: bool = True) -> st.SearchStrategy[list[tuple[str, bool]]]:
    """Words of human text, each optionally followed by a personal-data slot (never two in a row).

    Plain words include the name's parts in lower case: words, not the name.
    """
    plain = [*WORDS, *(p.lower() for p in name.split())] if lower_words else list(WORDS)
    word = st.sampled_from(plain).map(lambda w: (w, False))
    slot = st.sampled_from(_pii_forms(name)).map(lambda form: (form, True))
    pair = st.tuples(word, st.one_of(st.none(), slot))
    return st.lists(pair, min_size=1, max_size=8).map(
        lambda pairs: [piece for w, s in pairs for piece in ((w, s) if s else (w,))])


def _render(pieces: list[tuple[str, bool]], scrubbed: bool) -> str:
    return " ".join(PERSON if slot and scrubbed else text for text, slot in pieces)


@st.composite
def _source(draw: st.DrawFn, name: str, path: str) -> tuple[str, str]:
    """A small program with comments and strings: (with the name, as it must be scrubbed)."""
    comment, quote = LANGUAGES[path]
    ident = _code_word(name)
    lines: list[tuple[str, str]] = []
    for _ in range(draw(st.integers(1, 6))):
        a, b, c = draw(ident), draw(ident), draw(ident)
        code = draw(st.sampled_from([f"{a} = {b}({c}, end)", f"return {a}.{b}",
                                     f"{a}[{b}] = {c} + 1", f"call({a}, {b})"]))
        pieces = draw(_text_pieces(name))
        kind = draw(st.sampled_from(["comment", "string", "none"]))
        if kind == "comment":
            lines.append((f"{code}  {comment} {_render(pieces, False)}",
                          f"{code}  {comment} {_render(pieces, True)}"))
        elif kind == "string":
            lines.append((f"{a} = {quote}{_render(pieces, False)}{quote}",
                          f"{a} = {quote}{_render(pieces, True)}{quote}"))
        else:
            lines.append((code, code))
    return "\n".join(raw for raw, _ in lines) + "\n", "\n".join(s for _, s in lines) + "\n"


@settings(max_examples=150, deadline=None)
@given(data=st.data(), name=_named(), path=st.sampled_from(sorted(LANGUAGES)))
def test_code_loses_the_name_in_comments_and_strings_and_nothing_else(
        data: st.DataObject, name: str, path: str) -> None:
    source, expected = data.draw(_source(name, path))
    assert Scrubber.build([name]).code(source, path) == expected


@st.composite
def _prose(draw: st.DrawFn, name: str) -> tuple[str, str]:
    """A chat message mixing words, inline code that uses the name's parts, and the name."""
    first, *rest = name.split()
    calls = [f"{first.lower()}(last_end, end)", f"x.{first}", f"{first}(a, b)",
             f"{rest[0].lower()}(xs)", f"`{first.lower()} = 3`", f"{first}[0]"]
    out_raw, out_scrubbed = [], []
    for _ in range(draw(st.integers(1, 5))):
        pieces = draw(_text_pieces(name))
        call = draw(st.sampled_from(calls))
        end = draw(st.sampled_from([".", "?", "!", ","]))
        out_raw.append(f"{_render(pieces, False)} {call}{end}")
        out_scrubbed.append(f"{_render(pieces, True)} {call}{end}")
    return " ".join(out_raw), " ".join(out_scrubbed)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), name=_named())
def test_prose_loses_the_name_and_keeps_words_and_inline_code(
        data: st.DataObject, name: str) -> None:
    raw, expected = data.draw(_prose(name))
    assert Scrubber.build([name]).text(raw) == expected


_SAFE_ALPHABET = string.ascii_letters + " \n\t()[]{}#/*'\"=+-,;:_<>!?\\`$"


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=_SAFE_ALPHABET, max_size=300), name=_named(),
       path=st.sampled_from([*sorted(LANGUAGES), "notes.txt", "", "Makefile"]))
def test_without_personal_data_nothing_changes(text: str, name: str, path: str) -> None:
    """Any text or code with no name-cased form of the name (and no e-mail, URL or phone)."""
    assume(not any(form in text for form in _pii_forms(name)))
    scrubber = Scrubber.build([name])
    assert scrubber.code(text, path or None) == text
    assert scrubber.text(text) == text


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400),
       path=st.sampled_from([*sorted(LANGUAGES), "a.c", "a.rb", "a.kt", "x.unknown", ""]))
def test_code_segments_keep_every_character(text: str, path: str) -> None:
    segments = code_segments(text, path or None)
    assert "".join(s.text for s in segments) == text
    assert all(s.text for s in segments)


def test_segments_of_code_are_comments_and_strings_only() -> None:
    source = 'def f(max_len):\r\n    """Max Len wrote this."""  # by Max\n    return max(a, b)\n'
    assert text_runs(source, "a.py") == ['"""Max Len wrote this."""', "# by Max"]
    assert text_runs("x = `tmpl ${Max} y` // Max Len", "a.ts") == ["`tmpl ", " y`", "// Max Len"]


def test_code_words_of_the_session_are_not_names() -> None:
    """A class ``Max`` in the code makes "Max" a code word in descriptions, not the candidate."""
    scrubber = Scrubber.build(["Max Len"], code_words={"Max"})
    assert scrubber.text("Longest function: Max (12 lines)") == "Longest function: Max (12 lines)"
    assert scrubber.text("Max Len wrote Max") == f"{PERSON} wrote Max"
