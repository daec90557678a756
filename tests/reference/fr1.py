#!/usr/bin/env python3
"""Independent reference implementation of the "fr-1" tokenization rules.

Written from /work/shared/TOKENIZATION.md (rules "fr-1") only, with the
engine team's notes on the points the text leaves open (see README.md in this
directory).  Python 3 standard library only.  This is a reference, written
for clarity rather than speed; it still tokenizes ~8 MB of text in seconds.

Public entry points
-------------------
tokenize_doc(title, text) -> (paragraphs, counters)
    paragraphs: list of paragraphs, each a list of sentences, each a list of
    normalized tokens (str).  counters: dict with keys "tokens", "sentences",
    "paragraphs", "replacements".  `text` (and `title`) may be str or bytes;
    bytes are decoded as UTF-8 with maximal-subpart replacement (rule 2.1).
analyze(title, text) -> Analysis
    the same, with every token's span in the normalized text, for diagnostics.
tokenize_query(phrase) -> list of normalized tokens (queries use the same
    rules, section 6; sentence boundaries are ignored).
read_jsonl(path) -> iterator of Record(index, id, title, text, replacements)

Command line:  python3 fr1.py FILE.jsonl   prints one JSON line per document,
in the format of `ngramq tokenize`; add --stats to print corpus counters.
"""

import codecs
import json
import sys
import unicodedata

RULES = "fr-1"

# ---------------------------------------------------------------------------
# Section 3: character classes
# ---------------------------------------------------------------------------
APOSTROPHES = frozenset("'\u2019\u02bc")        # ' ’ ʼ
HYPHENS = frozenset("-\u2010\u2011")             # - ‐ ‑
TERMINATORS = frozenset(".!?\u2026")             # . ! ? …
# Line breaks: U+000A, U+000D (CR LF counts as one), U+2028, U+2029.
LINE_BREAKS = frozenset("\n\r\u2028\u2029")

# Section 5: elision prefixes (compared case-folded).
ELISION_PREFIXES = frozenset(
    "l d j m n s t c ç qu jusqu lorsqu puisqu quoiqu".split())

# Section 7: abbreviations (compared case-folded), besides single letters.
ABBREVIATIONS = frozenset(
    "mm mme mmes mlle mlles dr pr me mgr st ste cf art av apr env vol pp".split())

_category_cache = {}


def category(ch):
    """Unicode general category (cached: the corpus uses few characters)."""
    cat = _category_cache.get(ch)
    if cat is None:
        cat = unicodedata.category(ch)
        _category_cache[ch] = cat
    return cat


def is_word(ch):
    """Word character: general categories L*, M*, N*."""
    return category(ch)[0] in "LMN"


def is_mark(ch):
    return category(ch)[0] == "M"


def is_decimal_digit(ch):
    return category(ch) == "Nd"


# ---------------------------------------------------------------------------
# Section 2: decoding and normalisation
# ---------------------------------------------------------------------------
class _ReplacementCounter:
    """Codec error handler that replaces each maximal ill-formed subsequence
    by one U+FFFD and counts the replacements.  CPython's UTF-8 decoder calls
    the handler once per maximal subpart (Unicode ch. 3 practice)."""

    count = 0

    def __call__(self, exc):
        if not isinstance(exc, UnicodeDecodeError):
            raise exc
        _ReplacementCounter.count += 1
        return ("\ufffd", exc.end)


codecs.register_error("fr1-count-replace", _ReplacementCounter())


def decode_utf8(data):
    """Rule 2.1: decode bytes as UTF-8; returns (text, replacements)."""
    if isinstance(data, str):
        return _replace_surrogates(data)
    before = _ReplacementCounter.count
    text = bytes(data).decode("utf-8", "fr1-count-replace")
    return text, _ReplacementCounter.count - before


def _replace_surrogates(text):
    """A str can carry lone surrogates (e.g. from a JSON "\\ud800" escape);
    they are not well-formed text: each becomes U+FFFD and is counted."""
    n = 0
    if any("\ud800" <= c <= "\udfff" for c in text):
        out = []
        for c in text:
            if "\ud800" <= c <= "\udfff":
                out.append("\ufffd")
                n += 1
            else:
                out.append(c)
        text = "".join(out)
    return text, n


def remove_stray_marks(text):
    """Rule 2.3: a combining mark (M*) that does not directly follow a letter,
    mark or number is deleted.  Applied left to right on the output being
    built: a mark is kept iff the previous KEPT character is L*/M*/N*."""
    out = []
    prev_is_word = False
    for ch in text:
        if is_mark(ch):
            if prev_is_word:
                out.append(ch)          # kept; prev stays a word character
            continue                    # deleted; prev unchanged
        out.append(ch)
        prev_is_word = is_word(ch)
    return "".join(out)


def normalize_text(text):
    """Rules 2.2 and 2.3: NFC, then deletion of stray combining marks."""
    return remove_stray_marks(unicodedata.normalize("NFC", text))


# ---------------------------------------------------------------------------
# Section 6: token normal form
# ---------------------------------------------------------------------------
_FORM_MAP = str.maketrans({"\u2019": "'", "\u02bc": "'",
                           "\u2010": "-", "\u2011": "-"})


def normal_form(surface):
    """Full case folding (C + F), then apostrophes -> U+0027 and
    hyphens -> U+002D.  No renormalization afterwards."""
    return surface.casefold().translate(_FORM_MAP)


# ---------------------------------------------------------------------------
# Sections 4 and 5: raw tokens and elision
# ---------------------------------------------------------------------------
def raw_token_end(s, start):
    """End (exclusive) of the raw token starting at word character s[start]:
    a maximal run of word characters, where a single apostrophe or hyphen
    with a word character directly on both sides, and a single '.' or ','
    with a decimal digit (Nd) directly on both sides, are part of the run."""
    n = len(s)
    i = start + 1
    while i < n:
        ch = s[i]
        if is_word(ch):
            i += 1
            continue
        # s[i-1] is a word character here: a connector is only ever
        # consumed together with the word character that follows it.
        if i + 1 < n:
            nxt = s[i + 1]
            if (ch in APOSTROPHES or ch in HYPHENS) and is_word(nxt):
                i += 2
                continue
            if ch in ".," and is_decimal_digit(s[i - 1]) and is_decimal_digit(nxt):
                i += 2
                continue
        break
    return i


def split_elisions(s, start, end):
    """Section 5, first paragraph: returns the token spans of raw token
    s[start:end].  While the part before the first apostrophe of what is
    left, case-folded, is an elision prefix, that part with its apostrophe
    is a token of its own and the rest is treated again."""
    spans = []
    a = start
    while True:
        k = a
        while k < end and s[k] not in APOSTROPHES:
            k += 1
        if k == end or s[a:k].casefold() not in ELISION_PREFIXES:
            break
        spans.append((a, k + 1))
        a = k + 1
    # U+02BC is a letter (Lm) as well as an apostrophe, so a raw token can
    # end with it ("lʼ"): then nothing is left after the split.
    if a < end:
        spans.append((a, end))
    return spans


def token_spans(s):
    """All token spans (start, end) of the normalized text s, in order."""
    spans = []
    n = len(s)
    i = 0
    while i < n:
        if not is_word(s[i]):
            i += 1
            continue
        end = raw_token_end(s, i)
        pieces = split_elisions(s, i, end)
        # Section 5, second paragraph: a (last) piece that is itself an
        # elision form and is directly followed by an apostrophe takes it,
        # even with no word character after it ("l' IA" -> l' ia).
        a, b = pieces[-1]
        if b < n and s[b] in APOSTROPHES and s[a:b].casefold() in ELISION_PREFIXES:
            pieces[-1] = (a, b + 1)
            end = b + 1
        spans.extend(pieces)
        i = end
    return spans


# ---------------------------------------------------------------------------
# Section 7: sentences and paragraphs
# ---------------------------------------------------------------------------
def count_line_breaks(sep):
    """Number of line breaks in a separator; CR LF counts as one."""
    count = 0
    i = 0
    n = len(sep)
    while i < n:
        ch = sep[i]
        if ch == "\r":
            count += 1
            if i + 1 < n and sep[i + 1] == "\n":
                i += 1
        elif ch in LINE_BREAKS:
            count += 1
        i += 1
    return count


def is_single_letter(folded):
    """"single letter": exactly one code point, of category L*."""
    return len(folded) == 1 and category(folded)[0] == "L"


def boundary(sep, a_norm, b_first):
    """Kind of boundary between tokens A and B separated by `sep`:
    2 = paragraph (and sentence) boundary, 1 = sentence boundary, 0 = none.
    a_norm: normal form of A; b_first: first character of B (NFC text)."""
    line_breaks = count_line_breaks(sep)
    if line_breaks >= 2:
        return 2
    terminators = [ch for ch in sep if ch in TERMINATORS]
    if not terminators and line_breaks == 0:
        return 0
    if category(b_first) == "Ll":
        return 0
    # Abbreviation rule: no line break, the only terminator is one '.',
    # A (case-folded) a single letter or a listed abbreviation.
    a_folded = a_norm  # the normal form is the case-folded form here
    if (line_breaks == 0 and terminators == ["."]
            and (is_single_letter(a_folded) or a_folded in ABBREVIATIONS)):
        return 0
    return 1


# ---------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------
class Token:
    __slots__ = ("norm", "start", "end", "paragraph", "sentence", "position")

    def __init__(self, norm, start, end, paragraph, sentence, position):
        self.norm = norm
        self.start = start
        self.end = end
        self.paragraph = paragraph
        self.sentence = sentence          # sentence number inside the document
        self.position = position

    def __repr__(self):
        return "Token(%r, %d:%d, p%d s%d)" % (self.norm, self.start, self.end,
                                              self.paragraph, self.sentence)


class Analysis:
    """Result of analyze(): normalized text, tokens with spans, counters."""

    def __init__(self, text, tokens, replacements):
        self.text = text
        self.tokens = tokens
        self.replacements = replacements

    @property
    def paragraphs(self):
        paras = []
        last_p = last_s = None
        for t in self.tokens:
            if t.paragraph != last_p:
                paras.append([])
                last_p = t.paragraph
                last_s = None
            if t.sentence != last_s:
                paras[-1].append([])
                last_s = t.sentence
            paras[-1][-1].append(t.norm)
        return paras

    @property
    def counters(self):
        if self.tokens:
            sentences = self.tokens[-1].sentence + 1
            paragraphs = self.tokens[-1].paragraph + 1
        else:
            sentences = paragraphs = 0
        return {"tokens": len(self.tokens), "sentences": sentences,
                "paragraphs": paragraphs, "replacements": self.replacements}


def document_text(title, text):
    """Section 1 and the engine team's choice: a non-empty title (len > 0,
    JSON null = no title) is tokenized as title + "\\n\\n" + text."""
    if title is None or len(title) == 0:
        return text
    if isinstance(title, str) != isinstance(text, str):
        # mixed input: treat both as bytes
        if isinstance(title, str):
            title = title.encode("utf-8", "surrogatepass")
        else:
            text = text.encode("utf-8", "surrogatepass")
    return title + ("\n\n" if isinstance(text, str) else b"\n\n") + text


def analyze(title, text):
    raw = document_text(title, text)
    decoded, replacements = decode_utf8(raw)
    s = normalize_text(decoded)
    tokens = []
    paragraph = sentence = 0
    prev = None
    for position, (a, b) in enumerate(token_spans(s)):
        norm = normal_form(s[a:b])
        if prev is not None:
            kind = boundary(s[prev.end:a], prev.norm, s[a])
            if kind == 2:
                paragraph += 1
                sentence += 1
            elif kind == 1:
                sentence += 1
        tok = Token(norm, a, b, paragraph, sentence, position)
        tokens.append(tok)
        prev = tok
    return Analysis(s, tokens, replacements)


def tokenize_doc(title, text):
    """-> (paragraphs, counters); see the module docstring."""
    an = analyze(title, text)
    return an.paragraphs, an.counters


def tokenize_query(phrase):
    """Queries are tokenized with the same rules (section 6)."""
    return [t.norm for t in analyze(None, phrase).tokens]


# ---------------------------------------------------------------------------
# Input: JSONL files (one document per line, keys id/date/source/title/text)
# ---------------------------------------------------------------------------
class Record:
    __slots__ = ("index", "id", "title", "text", "replacements")

    def __init__(self, index, id_, title, text, replacements):
        self.index = index
        self.id = id_
        self.title = title
        self.text = text
        self.replacements = replacements


def read_jsonl(path):
    """Documents of a JSONL file in line order.  Each line is decoded with
    replacement (counted), then parsed; blank lines are skipped."""
    index = 0
    with open(path, "rb") as f:
        for line in f:
            text_line, repl = decode_utf8(line)
            if not text_line.strip():
                continue
            obj = json.loads(text_line)
            title = obj.get("title")
            text = obj.get("text") or ""
            if title is not None:
                title, r = _replace_surrogates(title)
                repl += r
            text, r = _replace_surrogates(text)
            repl += r
            yield Record(index, obj.get("id"), title, text, repl)
            index += 1


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--stats", action="store_true",
                    help="print corpus counters instead of the tokens")
    args = ap.parse_args(argv)
    totals = {"documents": 0, "tokens": 0, "sentences": 0, "paragraphs": 0,
              "replacements": 0}
    types = set()
    doc = 0
    out = sys.stdout
    for path in args.files:
        for rec in read_jsonl(path):
            paras, counters = tokenize_doc(rec.title, rec.text)
            if args.stats:
                totals["documents"] += 1
                for k in ("tokens", "sentences", "paragraphs"):
                    totals[k] += counters[k]
                totals["replacements"] += counters["replacements"] + rec.replacements
                for p in paras:
                    for sent in p:
                        types.update(sent)
            else:
                out.write(json.dumps({"doc": doc, "id": rec.id, "paragraphs": paras},
                                     ensure_ascii=False) + "\n")
            doc += 1
    if args.stats:
        totals["types"] = len(types)
        totals["tokenizer"] = RULES
        print(json.dumps(totals, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
