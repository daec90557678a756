#!/bin/bash
# The ngramq command line end to end: exit codes, messages naming file and
# line, bad input handling, --strict, every output format, every input kind.
# Env: NQ_BIN (the CLI), NQ_TMPDIR (scratch), NQ_SOURCE_DIR (the repo).
set -u
bin=${NQ_BIN:?NQ_BIN is not set}
src=${NQ_SOURCE_DIR:?NQ_SOURCE_DIR is not set}
tmp=$(mktemp -d "${NQ_TMPDIR:-/tmp}/cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { # check DESCRIPTION COMMAND... : the command must succeed
    local what=$1; shift
    if "$@"; then ok; else bad "$what"; fi
}
json_get() { # json_get FILE EXPR: prints a Python expression over the parsed JSON (bound to j)
    python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"
}

# --- usage and help -------------------------------------------------------
"$bin" >/dev/null 2>&1; check "no arguments exits 2" test $? -eq 2
"$bin" frobnicate >/dev/null 2>&1; check "unknown command exits 2" test $? -eq 2
for c in build info count top tokenize kwic docs assoc collocates rank; do
    "$bin" $c --help >"$tmp/help" 2>&1; check "$c --help exits 0" test $? -eq 0
    check "$c --help prints usage" grep -q "usage: ngramq $c" "$tmp/help"
done
"$bin" --version >"$tmp/v"; check "--version" grep -q "fr-1" "$tmp/v"

# --- build of the demo corpus and the four formats --------------------------
idx=$tmp/demo.nq
"$bin" build "$src/data/demo/articles.jsonl" -o "$idx" --quiet 2>"$tmp/err"
check "demo build succeeds" test $? -eq 0
check "--quiet prints nothing" test ! -s "$tmp/err"
"$bin" info "$idx" --format json >"$tmp/info.json"
check "info has the documented keys" test "$(json_get "$tmp/info.json" \
    "all(k in j for k in ['documents','sentences','paragraphs','tokens','types','tokenizer','ngrams'])")" = True
check "info counts the demo articles" test "$(json_get "$tmp/info.json" "j['documents']")" -ge 20
check "info names the tokenizer" test "$(json_get "$tmp/info.json" "j['tokenizer']")" = fr-1
"$bin" count "$idx" "souveraineté" "zzzqqq" "souveraineté numérique européenne de la France et de" --format json >"$tmp/c.json"
check "count finds souveraineté" test "$(json_get "$tmp/c.json" "j[0]['count'] > 0 and j[0]['documents'] > 0")" = True
check "absent word counts 0" test "$(json_get "$tmp/c.json" "j[1]['count']")" = 0
check "a long phrase is exact, from the postings" test "$(json_get "$tmp/c.json" "j[2]['count'] == 0 and j[2]['documents'] == 0 and 'upper_bound' not in j[2]")" = True
"$bin" count "$idx" "L’IA" "l'ia" "L'IA" --format json >"$tmp/c2.json"
check "query forms of l'IA agree" test "$(json_get "$tmp/c2.json" "len({r['count'] for r in j}) == 1 and j[0]['count'] > 0")" = True
"$bin" count "$idx" "open source" --format tsv >"$tmp/c.tsv"
check "tsv has a header and a row" test "$(wc -l <"$tmp/c.tsv")" -eq 2
check "tsv header" grep -q "^expr	count	documents" "$tmp/c.tsv"
"$bin" top "$idx" -n 2 -k 5 --format csv >"$tmp/t.csv"
check "csv has 6 lines" test "$(wc -l <"$tmp/t.csv")" -eq 6
check "csv header" grep -q "^ngram,count,documents" "$tmp/t.csv"
"$bin" top "$idx" -n 1 -k 3 --format table >"$tmp/t.txt"
check "table has a header" grep -q "^ngram  *count  *documents" "$tmp/t.txt"
"$bin" top "$idx" -n 9 >/dev/null 2>"$tmp/err"; check "top -n beyond max_n fails" test $? -ne 0
check "top -n beyond max_n says why" grep -q "order 1 to 5" "$tmp/err"
"$bin" top "$idx" -n 2 --prefix "zzqx souv*" --format json >"$tmp/t0.json"
check "top with an unknown prefix word is empty" test "$(json_get "$tmp/t0.json" "len(j)")" -eq 0
"$bin" count "$idx" "open source" --format yaml >/dev/null 2>&1; check "unknown format fails" test $? -ne 0
"$bin" count "$idx" "..." --format json >/dev/null 2>"$tmp/err"; check "a phrase with no token fails" test $? -ne 0

"$bin" build "$src/data/demo/articles.jsonl" -o "$tmp/j.nq" --quiet --format json >"$tmp/build.json"
check "build --format json reports the figures" test "$(json_get "$tmp/build.json" "j['documents'] == $(json_get "$tmp/info.json" "j['documents']") and j['index_bytes'] > 0")" = True
"$bin" tokenize "$src/data/demo/articles.jsonl" --format tsv >"$tmp/tok.tsv"
check "tokenize --format tsv has one row per token" test "$(($(wc -l <"$tmp/tok.tsv") - 1))" -eq "$(json_get "$tmp/info.json" "j['tokens']")"
"$bin" tokenize "$src/data/demo/articles.jsonl" --format csv >"$tmp/tok.csv"
check "tokenize --format csv quotes commas" test "$(python3 -c "import csv,sys; r=list(csv.reader(open(sys.argv[1]))); print(all(len(x)==6 for x in r))" "$tmp/tok.csv")" = True

# --- expressions, slices, filters, kwic, docs -------------------------------
total=$("$bin" count "$idx" "open source" --format json | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['count'])")
check "open source occurs in the demo" test "$total" -gt 0
"$bin" count "$idx" "open source" --by year --format json >"$tmp/by.json"
check "--by year adds up to the total" test "$(json_get "$tmp/by.json" "sum(r['count'] for r in j)")" -eq "$total"
check "--by year slices add up to the corpus" test "$(json_get "$tmp/by.json" "sum(r['slice_tokens'] for r in j)")" -eq "$(json_get "$tmp/info.json" "j['tokens']")"
"$bin" count "$idx" "open source" --by source --relative --format json >"$tmp/bys.json"
check "--by source adds up to the total" test "$(json_get "$tmp/bys.json" "sum(r['count'] for r in j)")" -eq "$total"
check "--relative is per million tokens" test "$(json_get "$tmp/bys.json" "all(abs(r['per_million'] - r['count'] * 1e6 / r['slice_tokens']) < 0.01 for r in j)")" = True
src1=$(json_get "$tmp/bys.json" "[r['slice'] for r in j if r['count'] > 0][0]")
c1=$(json_get "$tmp/bys.json" "[r['count'] for r in j if r['count'] > 0][0]")
check "--source keeps one outlet" test "$("$bin" count "$idx" "open source" --source "$src1" --format tsv | tail -1 | cut -f2)" -eq "$c1"
check "--from/--to around everything changes nothing" test "$("$bin" count "$idx" "open source" --from 1900 --to 2999-12-31 --format tsv | tail -1 | cut -f2)" -eq "$total"
check "an empty date range counts 0" test "$("$bin" count "$idx" "open source" --from 1901 --to 1902-06 --format tsv | tail -1 | cut -f2)" -eq 0
"$bin" count "$idx" "open source" --from 2023-13 >/dev/null 2>"$tmp/err"; check "a bad date is refused" grep -q "YYYY-MM" "$tmp/err"
"$bin" count "$idx" "open source" --source "Nulle Part" >/dev/null 2>"$tmp/err"; check "an unknown source is named" grep -q "Nulle Part" "$tmp/err"
"$bin" count "$idx" "souv*ain" >/dev/null 2>"$tmp/err"; check "a '*' inside a word is refused" grep -q "only end a token" "$tmp/err"
"$bin" count "$idx" "open source | open" "open" --format json >"$tmp/alt.json"
check "alternatives count positions once" test "$(json_get "$tmp/alt.json" "j[0]['count'] == j[1]['count']")" = True
"$bin" kwic "$idx" "open source" --format json >"$tmp/k.json"
check "kwic gives every match (under the limit)" test "$(json_get "$tmp/k.json" "len(j)")" -eq "$total"
check "kwic matches are the words as written" test "$(json_get "$tmp/k.json" "all(r['match'].lower() == 'open source' for r in j)")" = True
check "kwic lines have the documented keys" test "$(json_get "$tmp/k.json" "all(set(r) >= {'doc','date','source','left','match','right','position'} for r in j)")" = True
"$bin" kwic "$idx" "open source" --width 10 --limit 2 --format json >"$tmp/k2.json"
check "kwic --limit" test "$(json_get "$tmp/k2.json" "len(j)")" -eq 2
check "kwic --width counts characters" test "$(json_get "$tmp/k2.json" "all(len(r['left']) <= 10 and len(r['right']) <= 10 for r in j)")" = True
"$bin" kwic "$idx" "IA" --sample 4 --seed 7 --format json >"$tmp/s1.json"
"$bin" kwic "$idx" "IA" --sample 4 --seed 7 --format json >"$tmp/s2.json"
check "kwic --sample is reproducible" cmp -s "$tmp/s1.json" "$tmp/s2.json"
check "kwic --sample gives N lines" test "$(json_get "$tmp/s1.json" "len(j)")" -eq 4
"$bin" kwic "$idx" "IA" --sort date --limit 500 --format json >"$tmp/kd.json"
check "kwic --sort date" test "$(json_get "$tmp/kd.json" "[r['date'] for r in j] == sorted(r['date'] for r in j)")" = True
"$bin" docs "$idx" "open source" -k 1000 --format json >"$tmp/d1.json"
check "docs counts add up to the total" test "$(json_get "$tmp/d1.json" "sum(r['count'] for r in j)")" -eq "$total"
check "docs: most occurrences first" test "$(json_get "$tmp/d1.json" "[r['count'] for r in j] == sorted((r['count'] for r in j), reverse=True)")" = True
"$bin" build "$src/data/demo/articles.jsonl" -o "$tmp/np.nq" --quiet --no-positions --no-text
check "--no-positions still counts stored n-grams" test "$("$bin" count "$tmp/np.nq" "open source" --format tsv | tail -1 | cut -f2)" -eq "$total"
"$bin" kwic "$tmp/np.nq" "open source" >/dev/null 2>"$tmp/err"; check "kwic without positions says why" grep -q "no-positions" "$tmp/err"

# A filter is the sub-corpus: the same answers as an index of those documents.
python3 -c "
import json, sys
out = open(sys.argv[2], 'w')
for line in open(sys.argv[1]):
    d = json.loads(line)
    if (d.get('date') or '')[:4] == '2024' and d.get('source') != 'Le Fil des octets':
        out.write(line)" "$src/data/demo/articles.jsonl" "$tmp/sub.jsonl"
"$bin" build "$tmp/sub.jsonl" -o "$tmp/sub.nq" --quiet --min-count 1
for n in 1 2 3; do
    "$bin" top "$tmp/sub.nq" -n $n -k 40 --format tsv >"$tmp/top_sub.tsv"
    "$bin" top "$idx" -n $n -k 40 --from 2024 --to 2024 --source "La Lettre du silicium" --source "Chroniques du calcul" \
        --source "L'Hebdo des algorithmes" --source "Le Guetteur numérique" --source "Courrier des données" --format tsv >"$tmp/top_f.tsv"
    check "filtered top -n $n equals the top of the filtered corpus" cmp -s "$tmp/top_sub.tsv" "$tmp/top_f.tsv"
done
"$bin" count "$tmp/sub.nq" "open source" "IA | intelligence artificielle" "souverain*" --format tsv | cut -f2,3 >"$tmp/c_sub.tsv"
"$bin" count "$idx" "open source" "IA | intelligence artificielle" "souverain*" --from 2024 --to 2024-12-31 --source "La Lettre du silicium" --source "Chroniques du calcul" \
    --source "L'Hebdo des algorithmes" --source "Le Guetteur numérique" --source "Courrier des données" --format tsv | cut -f2,3 >"$tmp/c_f.tsv"
check "filtered counts equal the counts of the filtered corpus" cmp -s "$tmp/c_sub.tsv" "$tmp/c_f.tsv"

# --- co-occurrence: assoc, collocates, rank -----------------------------------
"$bin" assoc "$idx" "souveraineté" "open source" --format json >"$tmp/as.json"
check "assoc has the documented keys" test "$(json_get "$tmp/as.json" "all(k in j for k in ['a','b','scope','O11','f_a','f_b','N','E11','freq','pmi','npmi','mi3','llr','simple_ll','chi2','tscore','zscore','dice','logdice','jaccard'])")" = True
check "assoc: sentence scope by default, N = sentences" test "$(json_get "$tmp/as.json" "j['scope'] == 'sentence' and j['N'] == $(json_get "$tmp/info.json" "j['sentences']")")" = True
check "assoc: dice as ASSOCIATION.md writes it" test "$(json_get "$tmp/as.json" "abs(j['dice'] - 2 * j['O11'] / (j['f_a'] + j['f_b'])) < 1e-9")" = True
"$bin" assoc "$idx" "souveraineté" "open source" --scope window:5 --format json >"$tmp/aw.json"
check "window scope: set-only measures are null" test "$(json_get "$tmp/aw.json" "j['npmi'] is None and j['llr'] is None and j['chi2'] is None and j['jaccard'] is None and j['N'] == $(json_get "$tmp/info.json" "j['tokens']")")" = True
check "window scope: E11 = f_a f_b 2k / N" test "$(json_get "$tmp/aw.json" "abs(j['E11'] - j['f_a'] * j['f_b'] * 10 / j['N']) < 1e-6")" = True
"$bin" assoc "$idx" "souveraineté" "zzzqqq" --format json >"$tmp/az.json"
check "an absent word: O11 0, undefined pmi is null" test "$(json_get "$tmp/az.json" "j['O11'] == 0 and j['pmi'] is None")" = True
"$bin" assoc "$idx" "souveraineté" "zzzqqq" --format table >"$tmp/az.txt"
check "undefined measures print - in tables" grep -q " - " "$tmp/az.txt"
"$bin" assoc "$idx" "souverain*" "open source" --scope document --by year --format json >"$tmp/ay.json"
check "assoc --by year: documents add up" test "$(json_get "$tmp/ay.json" "sum(r['N'] for r in j)")" -eq "$(json_get "$tmp/info.json" "j['documents']")"
"$bin" assoc "$idx" "souverain*" "open source" --scope document --format json >"$tmp/ad.json"
check "assoc --by year: O11 adds up at document scope" test "$(json_get "$tmp/ay.json" "sum(r['O11'] for r in j)")" -eq "$(json_get "$tmp/ad.json" "j['O11']")"
"$bin" assoc "$idx" a b --scope phrase >/dev/null 2>"$tmp/err"; check "a bad scope is refused" grep -q "window:K" "$tmp/err"
"$bin" assoc "$idx" a b --measure foo >/dev/null 2>"$tmp/err"; check "a bad measure is refused" grep -q "unknown measure" "$tmp/err"
"$bin" collocates "$idx" "souveraineté" -k 5 --format json >"$tmp/co.json"
check "collocates: at most k rows, attraction only" test "$(json_get "$tmp/co.json" "len(j) <= 5 and all(r['O11'] > r['E11'] and r['O11'] >= 3 for r in j)")" = True
"$bin" collocates "$idx" "IA" -k 50 --min-count 1 --stopwords none --format json >"$tmp/co2.json"
check "collocates --stopwords none keeps function words" test "$(json_get "$tmp/co2.json" "any(r['term'] in ('de', 'la', \"l'\") for r in j)")" = True
"$bin" collocates "$idx" "IA" -k 50 --min-count 1 --format json >"$tmp/co3.json"
check "collocates: the French stopwords by default" test "$(json_get "$tmp/co3.json" "not any(r['term'] in ('de', 'la', \"l'\") for r in j)")" = True
"$bin" rank "$idx" --actors "$src/data/lexicons/actors-fr.tsv" --topics "$src/data/lexicons/topics-fr.tsv" --format json >"$tmp/rk.json"
check "rank: rows with counts, llr descending" test "$(json_get "$tmp/rk.json" "len(j) > 0 and all(k in j[0] for k in ['actor','topic','O11','f_a','f_b','N','E11','llr']) and [r['llr'] for r in j] == sorted((r['llr'] for r in j), reverse=True)")" = True
"$bin" rank "$idx" --actors "$src/data/lexicons/actors-fr.tsv" --topics "$src/data/lexicons/topics-fr.tsv" --matrix --format tsv >"$tmp/rm.tsv"
check "rank --matrix: one row per actor" test "$(($(wc -l <"$tmp/rm.tsv") - 1))" -eq "$(grep -c "$(printf '\t')" "$src/data/lexicons/actors-fr.tsv")"
printf 'Meta\tmeta\nsans tabulation\n' >"$tmp/bad.tsv"
"$bin" rank "$idx" --actors "$tmp/bad.tsv" --topics "$src/data/lexicons/topics-fr.tsv" >/dev/null 2>"$tmp/err"
check "a bad lexicon line is named" grep -q "bad.tsv:2" "$tmp/err"

# --- bad input: reported with file:line, counted, build goes on -------------
bad_in=$tmp/bad.jsonl
{
    echo '{"id": "ok1", "date": "2024-03-01", "source": "A", "title": "Titre", "text": "Un texte valide."}'
    echo 'this is not json'
    echo '{"id": "notext", "title": "Sans texte"}'
    echo '{"id": "wrongtype", "text": 42}'
    echo '{"id": "baddate", "date": "2023-02-30", "text": "Date impossible."}'
    printf '{"id": "utf8", "text": "octets \xff\xfe invalides"}\n'
    echo ''
    echo '{"id": "ok2", "text": "Encore un texte valide."}'
} >"$bad_in"
"$bin" build "$bad_in" -o "$tmp/bad.nq" 2>"$tmp/err"
check "a build with bad lines exits 0" test $? -eq 0
check "not JSON reported at line 2" grep -q "bad.jsonl:2: not JSON" "$tmp/err"
check "missing text reported at line 3" grep -q "bad.jsonl:3: .*text" "$tmp/err"
check "wrong type reported at line 4" grep -q "bad.jsonl:4: .*text.*number" "$tmp/err"
check "impossible date reported at line 5" grep -q "bad.jsonl:5: impossible date" "$tmp/err"
check "invalid UTF-8 reported at line 6" grep -q "bad.jsonl:6: 2 invalid UTF-8" "$tmp/err"
check "summary counts skipped records" grep -q "skipped records: 3, bad dates: 1, invalid UTF-8 replaced: 2" "$tmp/err"
"$bin" info "$tmp/bad.nq" --format json >"$tmp/bad.json"
check "bad build keeps 4 documents" test "$(json_get "$tmp/bad.json" "j['documents']")" -eq 4
check "the bad date is dropped" test "$(json_get "$tmp/bad.json" "j['dated_documents']")" -eq 1
"$bin" build "$bad_in" -o "$tmp/strict.nq" --strict 2>"$tmp/err"
check "--strict fails" test $? -ne 0
check "--strict names the first bad line" grep -q "bad.jsonl:2" "$tmp/err"
check "--strict leaves no index" test ! -e "$tmp/strict.nq"
check "--strict leaves no temporary file" test -z "$(ls "$tmp" | grep tmp-)"
"$bin" build "$tmp/missing.jsonl" -o "$tmp/m.nq" 2>"$tmp/err"
check "a missing input fails" test $? -ne 0
check "a missing input is named" grep -q "missing.jsonl" "$tmp/err"

# --- input kinds give the same index ---------------------------------------
"$bin" build "$src/data/demo/articles.jsonl" -o "$tmp/a.nq" --quiet
zstd -q -c "$src/data/demo/articles.jsonl" >"$tmp/articles.jsonl.zst"
"$bin" build "$tmp/articles.jsonl.zst" -o "$tmp/z.nq" --quiet
check "a .jsonl.zst input gives the same index" cmp -s "$tmp/a.nq" "$tmp/z.nq"
"$bin" build - -o "$tmp/s.nq" --quiet <"$src/data/demo/articles.jsonl"
check "stdin gives the same index" cmp -s "$tmp/a.nq" "$tmp/s.nq"
"$bin" build "$src/data/demo/articles.jsonl" -o "$tmp/t4.nq" --quiet --threads 4
check "4 threads give the same bytes" cmp -s "$tmp/a.nq" "$tmp/t4.nq"
mkdir -p "$tmp/dir/b" "$tmp/dir/a"
printf 'Premier document.\n\nDeux paragraphes.' >"$tmp/dir/b/x.txt"
printf 'Second document.' >"$tmp/dir/a.txt"
printf 'Troisième.' >"$tmp/dir/a/z.txt"
"$bin" tokenize "$tmp/dir" >"$tmp/tok.jsonl"
check "a directory is walked in byte order" test "$(python3 -c "import json,sys; print(' '.join(json.loads(l)['id'] for l in open(sys.argv[1])))" "$tmp/tok.jsonl")" = "a.txt a/z.txt b/x.txt"
"$bin" build "$tmp/dir" -o "$tmp/d.nq" --quiet
"$bin" info "$tmp/d.nq" --format json >"$tmp/d.json"
check "text files: 3 documents, 4 paragraphs" test "$(json_get "$tmp/d.json" "(j['documents'], j['paragraphs'])")" = "(3, 4)"
: >"$tmp/empty.jsonl"
"$bin" build "$tmp/empty.jsonl" -o "$tmp/e.nq" --quiet
check "an empty corpus gives an index" test $? -eq 0
"$bin" info "$tmp/e.nq" --format json >"$tmp/e.json"
check "an empty index has 0 documents" test "$(json_get "$tmp/e.json" "j['documents']")" -eq 0
"$bin" count "$tmp/e.nq" "mot" --format json >"$tmp/e2.json"
check "count on an empty index is 0" test "$(json_get "$tmp/e2.json" "j[0]['count']")" -eq 0
"$bin" build "$src/data/demo/articles.jsonl" -o "$tmp/f.nq" --quiet --field text=title
"$bin" info "$tmp/f.nq" --format json >"$tmp/f.json"
check "--field text=title reads the titles" test "$(json_get "$tmp/f.json" "j['tokens'] < 2000")" = True

# --- a damaged index is refused, not crashed on ------------------------------
cp "$idx" "$tmp/dmg.nq"
python3 -c "
import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[len(b)//2]^=0x40; open(p,'wb').write(b)" "$tmp/dmg.nq"
"$bin" info "$tmp/dmg.nq" >/dev/null 2>"$tmp/err"
check "a flipped byte is refused" test $? -eq 1
check "the message names the checksum" grep -q "checksum" "$tmp/err"
head -c 1000 "$idx" >"$tmp/trunc.nq"
"$bin" count "$tmp/trunc.nq" mot >/dev/null 2>"$tmp/err"
check "a truncated index is refused" test $? -eq 1
check "the message says truncated" grep -q "truncated" "$tmp/err"
"$bin" info "$bad_in" >/dev/null 2>"$tmp/err"
check "a JSONL file is not an index" grep -q "not an ngramq index" "$tmp/err"

echo "$passed passed, $failed failed"
test "$failed" -eq 0
