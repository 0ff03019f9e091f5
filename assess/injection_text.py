"""Folding text before looking for instructions to the grader: case, accents, disguises.

A candidate who wants to steer the reviewer can hide the words: "IGNORE" in
full-width letters (U+FF29 ...), ``ign\u200bore`` with a zero-width space, "ignore"
with a Cyrillic o (U+043E), ``1gn0re``, ``i g n o r e``. :func:`fold` undoes these so the patterns
in :mod:`assess.injection` can be written once, in lower case and without accents:

* NFKC compatibility forms (full-width, ligatures, circled letters) become plain ones,
  then case is folded (``ß`` -> ``ss``);
* accents are dropped from Latin letters (``rúbrica`` -> ``rubrica``, ``Prüfer`` ->
  ``prufer``); other scripts (Cyrillic, CJK, kana) are kept exactly;
* invisible format characters (zero-width spaces, joiners, bidi marks) are removed;
* in a word that mixes Latin with Cyrillic or Greek letters, the look-alikes become
  Latin, and a digit between letters becomes the letter it imitates (``sc0re``);
  a word written only in Cyrillic is left alone, so Russian still reads as Russian;
* letters spelled out one by one (``i g n o r e``) are joined, and whitespace runs
  become one space.

:func:`fold` also returns, for every folded character, the index of the original
character it came from, so a match can be quoted from the original text.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["fold"]

#: Cyrillic and Greek letters that look like Latin ones (a, e, o, p, c, y, x, i, ...).
_LOOKALIKES = str.maketrans({
    "\u0430": "a", "\u0435": "e", "\u043e": "o", "\u0440": "p", "\u0441": "c", "\u0443": "y",
    "\u0445": "x", "\u0456": "i", "\u0458": "j", "\u0455": "s", "\u0501": "d", "\u04bb": "h",
    "\u051b": "q", "\u051d": "w", "\u043a": "k", "\u043c": "m", "\u0442": "t", "\u0432": "b",
    "\u043d": "h", "\u03b1": "a", "\u03b5": "e", "\u03bf": "o", "\u03c1": "p", "\u03c4": "t",
    "\u03c5": "u", "\u03b9": "i", "\u03ba": "k", "\u03bd": "v", "\u03c7": "x",
})
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                       "@": "a", "$": "s"})
_WORD = re.compile(r"[^\W_]+(?:[@$][^\W_]+)*|[@$][^\W_]+")
_SPELLED = re.compile(r"(?<![^\W\d_])(?:[^\W\d_] ){3,}[^\W\d_](?![^\W\d_])")


@functools.lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    """One character folded: compatibility form, no Latin accents, case folded (cached)."""
    if unicodedata.category(ch) == "Cf":
        return ""
    decomposed = unicodedata.normalize("NFKD", ch)
    if decomposed and decomposed[0] < "\u0250":  # Latin: drop the combining marks
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        return unicodedata.normalize("NFKC", base).casefold()
    return unicodedata.normalize("NFKC", ch).casefold()


def _undisguise(word: str) -> str:
    """A mixed-script or digit-laced Latin word rewritten in plain Latin letters."""
    has_latin = any("a" <= c <= "z" for c in word)
    if not has_latin:
        return word
    mapped = word.translate(_LOOKALIKES)
    if any(c.isdigit() or c in "@$" for c in mapped) and sum(c.isalpha() for c in mapped) >= 2:
        mapped = mapped.translate(_LEET)
    return mapped


def fold(text: str) -> tuple[str, list[int]]:
    """``(folded, origin)``: the folded text and each folded character's source index."""
    chars: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        if ch.isspace():
            # A run of whitespace becomes one space, or one newline if it holds a line
            # break: lines still end sentences (see assess.injection).
            if chars and chars[-1] in " \n":
                if ch == "\n":
                    chars[-1] = "\n"
            elif chars:
                chars.append("\n" if ch == "\n" else " ")
                origin.append(index)
            continue
        for out in _fold_char(ch):
            chars.append(out)
            origin.append(index)
    folded = "".join(chars)
    # Same-length rewrites keep ``origin`` aligned.
    folded = _WORD.sub(lambda m: _undisguise(m.group(0)), folded)
    return _join_spelled(folded, origin)


def _join_spelled(folded: str, origin: list[int]) -> tuple[str, list[int]]:
    """Remove the spaces inside letters spelled one by one (``i g n o r e``)."""
    drop: set[int] = set()
    for match in _SPELLED.finditer(folded):
        drop.update(range(match.start() + 1, match.end(), 2))
    if not drop:
        return folded, origin
    kept = [i for i in range(len(folded)) if i not in drop]
    return "".join(folded[i] for i in kept), [origin[i] for i in kept]
