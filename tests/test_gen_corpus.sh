#!/bin/bash
# ngramq-gen end to end: determinism, well-formed JSONL, and the planted
# associations found again by the engine (ngramq rank / assoc).
# Env: NQ_GEN (the generator), NQ_BIN (the CLI), NQ_TMPDIR (scratch),
# NQ_SOURCE_DIR (the repo).
set -u
gen=${NQ_GEN:?NQ_GEN is not set}
bin=${NQ_BIN:?NQ_BIN is not set}
src=${NQ_SOURCE_DIR:?NQ_SOURCE_DIR is not set}
tmp=$(mktemp -d "${NQ_TMPDIR:-/tmp}/gen.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
actors=$src/data/lexicons/actors-fr.tsv
topics=$src/data/lexicons/topics-fr.tsv
passed=0
failed=0

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { # check DESCRIPTION COMMAND... : the command must succeed
    local what=$1; shift
    if "$@"; then ok; else bad "$what"; fi
}
py_check() { # py_check DESCRIPTION SCRIPT ARGS...: the script prints its failures, exits 1 on one
    local what=$1 script=$2; shift 2
    if python3 -c "$script" "$@"; then ok; else bad "$what"; fi
}

# --- usage --------------------------------------------------------------
"$gen" --help >"$tmp/help"; check "--help exits 0" test $? -eq 0
check "--help names the planted pairs" grep -q "Meta            x Souveraineté    avoidance" "$tmp/help"
"$gen" >/dev/null 2>"$tmp/err"; check "no size exits 2" test $? -eq 2
check "no size says why" grep -q -- "--size SIZE or --docs N" "$tmp/err"
"$gen" --size 10Q >/dev/null 2>&1; check "bad size exits 2" test $? -eq 2
"$gen" --size 0 >/dev/null 2>&1; check "zero size exits 2" test $? -eq 2
"$gen" --docs 1 -o "$tmp/no/such/dir/x.jsonl" 2>"$tmp/err"; check "unwritable output exits 1" test $? -eq 1
check "unwritable output names the file" grep -q "no/such/dir/x.jsonl" "$tmp/err"

# --- determinism and size -------------------------------------------------
size=$((6 * 1024 * 1024))
"$gen" --size 6M --seed 1 -o "$tmp/a1.jsonl"; check "seed 1 runs" test $? -eq 0
"$gen" --size 6M --seed 1 >"$tmp/b1.jsonl"; check "seed 1 to stdout runs" test $? -eq 0
"$gen" --size 6M --seed 2 -o "$tmp/a2.jsonl"; check "seed 2 runs" test $? -eq 0
check "same seed, same bytes (file and stdout)" cmp -s "$tmp/a1.jsonl" "$tmp/b1.jsonl"
check "another seed, other bytes" test "$(cmp -s "$tmp/a1.jsonl" "$tmp/a2.jsonl"; echo $?)" -eq 1
bytes=$(stat -c %s "$tmp/a1.jsonl")
check "--size is an upper bound" test "$bytes" -le "$size"
check "--size is nearly reached" test "$bytes" -gt $((size - 65536))
"$gen" --docs 40 --seed 1 >"$tmp/d40.jsonl"
check "--docs N writes N lines" test "$(wc -l <"$tmp/d40.jsonl")" -eq 40
check "a smaller corpus is a prefix of a larger one" cmp -s -n "$(stat -c %s "$tmp/d40.jsonl")" "$tmp/d40.jsonl" "$tmp/a1.jsonl"

# --- well-formed JSONL of French-like text ----------------------------------
py_check "every line is a JSON article with the five fields" '
import json, re, sys
fails = []
ids = set(); nulls = {"date": 0, "source": 0}; years = set(); sources = set()
text_all = []
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    d = json.loads(line)
    if list(d) != ["id", "date", "source", "title", "text"]:
        fails.append("line %d: fields %s" % (n, list(d)))
        break
    ids.add(d["id"])
    for k in ("date", "source"):
        nulls[k] += d[k] is None
    if d["date"] is not None:
        if not re.fullmatch(r"20(19|2[0-5])-[01][0-9]-[0-3][0-9]", d["date"]):
            fails.append("line %d: date %r" % (n, d["date"]))
        years.add(d["date"][:4])
    if d["source"] is not None:
        sources.add(d["source"])
    words = len(d["text"].split())
    if not 80 <= words <= 1700:
        fails.append("line %d: %d words" % (n, words))
    if not d["title"] or not (d["text"][0].isupper() or d["text"][0] in "0123456789\u00ab"):
        fails.append("line %d: empty title or lower-case start" % n)
    if n <= 300:
        text_all.append(d["text"])
docs = n
t = "\n".join(text_all)
if len(ids) != docs: fails.append("ids are not unique")
if not (0 < nulls["date"] < docs * 0.1 and 0 < nulls["source"] < docs * 0.1):
    fails.append("documents without date / source: %s of %d" % (nulls, docs))
if len(years) != 7: fails.append("years: %s" % sorted(years))
if not 5 <= len(sources) <= 8: fails.append("sources: %s" % sorted(sources))
for what, pat in [("l apostrophe", r"\b[lL]'\''\w"), ("l curly", "\\b[lL]\u2019\\w"), ("d apostrophe", r"\b[dD]['\''\u2019]\w"),
                  ("qu elision", "\\b[qQ]u['\''\u2019](il|un|elle|on)"), ("jusqu", "jusqu['\''\u2019]\u00e0"),
                  ("decimal", r"\b\d+,\d\b"), ("hyphen", r"\w-\w"), ("paragraphs", "\n\n[A-Z\u00c0-\u00dd\u00ab0-9]"),
                  ("question", r" \? [A-Z]"), ("exclamation", r" ! [A-Z]"), ("ellipsis", "\u2026"),
                  ("capitalised sentence", r"\. [A-Z]")] + [("accent " + c, c) for c in "\u00e9\u00e8\u00ea\u00e0\u00e7\u00f4\u00ee"]:
    if not re.search(pat, t): fails.append("no " + what)
if fails: print("\n".join(fails))
sys.exit(1 if fails else 0)
' "$tmp/a1.jsonl"

# The generator avoids every word of the lexicons, so that the lexicons
# count only the mentions it planted: its list must cover the files.
"$gen" --reserved >"$tmp/reserved.tsv"; check "--reserved exits 0" test $? -eq 0
py_check "--reserved covers the first word of every lexicon variant" '
import sys
reserved = dict(l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8"))
fails = []
for path in sys.argv[2:]:
    for line in open(path, encoding="utf-8"):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        for v in line.split("\t", 1)[1].split("|"):
            toks = v.strip().lower().split()
            first = toks[0].rstrip("*")
            # generated words avoid a word of any kind; function words only
            # an "exact" or "prefix" one, so one-word variants need those
            star = toks[0].endswith("*")
            if len(toks) > 1:
                want = ("prefix", "first-prefix") if star else ("exact", "prefix", "first", "first-prefix")
            else:
                want = ("prefix",) if star else ("exact", "prefix")
            if reserved.get(first) not in want:
                fails.append("%s: %r is %s, want %s" % (path, v.strip(), reserved.get(first), want))
if fails: print("\n".join(fails))
sys.exit(1 if fails else 0)
' "$tmp/reserved.tsv" "$actors" "$topics"

# --- the planted associations, found again by the engine ----------------------
# lex_expr LABEL FILE: a lexicon entry's expression (its variants joined by " | ")
lex_expr() { python3 -c '
import sys
for line in open(sys.argv[2], encoding="utf-8"):
    if line.split("\t")[0].strip() == sys.argv[1]:
        print(" | ".join(v.strip() for v in line.split("\t", 1)[1].split("|")))
' "$1" "$2"; }

check_planted() { # check_planted SEED CORPUS
    local seed=$1 corpus=$2 idx=$tmp/planted$1.nq
    "$bin" build "$corpus" -o "$idx" --quiet; check "seed $seed: build succeeds" test $? -eq 0
    "$bin" rank "$idx" --actors "$actors" --topics "$topics" --format json >"$tmp/rank.json"
    check "seed $seed: rank succeeds" test $? -eq 0
    "$bin" rank "$idx" --actors "$actors" --topics "$topics" --all --min-count 0 --format json >"$tmp/rank_all.json"
    check "seed $seed: rank --all succeeds" test $? -eq 0
    py_check "seed $seed: rank puts the planted pairs first, the avoided pair after them, with O11 = 0" '
import json, sys
planted = [("Mistral AI", "Open source"), ("Scaleway", "Souveraineté"), ("Emmanuel Macron", "Nucléaire"),
           ("OpenAI", "Régulation"), ("Mistral AI", "Investissement")]
avoid = ("Meta", "Souveraineté")
top = json.load(open(sys.argv[1])); every = json.load(open(sys.argv[2]))
fails = []
pairs = [(r["actor"], r["topic"]) for r in top]
if set(pairs[:5]) != set(planted): fails.append("top 5: %s" % pairs[:5])
if pairs[4:5] != [planted[4]]: fails.append("the weaker pair is not 5th: %s" % pairs[:6])
for r in top[:5]:
    if not (r["O11"] > 5 * r["E11"] and r["llr"] > 100): fails.append("weak planted pair: %s" % r)
if len(top) > 5 and top[5]["llr"] > 0.25 * top[4]["llr"]: fails.append("a chance pair comes close: %s" % top[5])
pos = {(r["actor"], r["topic"]): i for i, r in enumerate(every)}
a = every[pos[avoid]]
if a["O11"] != 0 or a["E11"] < 0.5: fails.append("avoided pair: %s" % a)
if any(pos[p] > pos[avoid] for p in planted): fails.append("avoided pair ranks above a planted one")
if fails: print("\n".join(fails))
sys.exit(1 if fails else 0)
' "$tmp/rank.json" "$tmp/rank_all.json"

    local mistral scaleway macron openai meta opensource souv nuclear invest regul
    mistral=$(lex_expr "Mistral AI" "$actors"); scaleway=$(lex_expr Scaleway "$actors")
    macron=$(lex_expr "Emmanuel Macron" "$actors"); openai=$(lex_expr OpenAI "$actors"); meta=$(lex_expr Meta "$actors")
    opensource=$(lex_expr "Open source" "$topics"); souv=$(lex_expr "Souveraineté" "$topics")
    nuclear=$(lex_expr "Nucléaire" "$topics"); invest=$(lex_expr Investissement "$topics"); regul=$(lex_expr "Régulation" "$topics")
    : >"$tmp/assoc.jsonl"
    for pair in "mistral opensource" "scaleway souv" "macron nuclear" "openai regul" "mistral invest" "meta souv"; do
        set -- $pair
        "$bin" assoc "$idx" "${!1}" "${!2}" --scope sentence --measure llr --format json >>"$tmp/assoc.jsonl"
        echo >>"$tmp/assoc.jsonl"
    done
    py_check "seed $seed: assoc --scope sentence: attraction for the planted pairs, O11 = 0 for Meta x souveraineté" '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
rows = [r[0] if isinstance(r, list) else r for r in rows]
fails = []
for r in rows[:5]:
    if not (r["scope"] == "sentence" and r["O11"] > 5 * r["E11"] and r["llr"] > 100): fails.append("planted: %s" % r)
m = rows[5]
if not (m["O11"] == 0 and m["E11"] > 0.5): fails.append("avoided: %s" % m)
if not all(r["llr"] > 10 * m["llr"] for r in rows[:5]): fails.append("avoided pair scores close to a planted one")
if fails: print("\n".join(fails))
sys.exit(1 if fails else 0)
' "$tmp/assoc.jsonl"

    "$bin" assoc "$idx" "$openai" "$regul" --scope sentence --measure llr --by year --format json >"$tmp/year.json"
    check "seed $seed: assoc --by year succeeds" test $? -eq 0
    py_check "seed $seed: OpenAI x régulation attracted from 2023 on, not before" '
import json, sys
rows = {r["slice"]: r for r in json.load(open(sys.argv[1]))}
fails = []
for y in ("2023", "2024", "2025"):
    r = rows[y]
    if not (r["O11"] > 5 * r["E11"] and r["llr"] > 30): fails.append("late year not attracted: %s" % r)
early = [rows[y] for y in ("2019", "2020", "2021", "2022")]
for r in early:
    if r["O11"] > r["E11"] and r["llr"] > 15: fails.append("early year attracted: %s" % r)
o, e = sum(r["O11"] for r in early), sum(r["E11"] for r in early)
if o > 2 * e + 3: fails.append("2019-2022 together: O11 %d, E11 %.2f" % (o, e))
if fails: print("\n".join(fails))
sys.exit(1 if fails else 0)
' "$tmp/year.json"
}

check_planted 1 "$tmp/a1.jsonl"
check_planted 2 "$tmp/a2.jsonl"

echo "gen_corpus: $passed passed, $failed failed"
test "$failed" -eq 0
