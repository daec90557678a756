#!/usr/bin/env python3
"""Cross-check the ngramq engine against the independent fr-1 reference.

Environment (set by ctest, or by hand):
  NQ_BIN            path of the `ngramq` CLI
  NQ_SHARED_CORPUS  the shared corpus folder (/work/shared/corpus)
  NQ_TMPDIR         scratch folder for the indexes built here

For each corpus (seeds.jsonl, orangesum/orangesum-2017.jsonl) it checks:
  a. `ngramq tokenize FILE` against the reference, document by document;
  b. `ngramq build FILE -o ... --threads 2 --max-n 5 --min-count 2 --quiet`;
  c. `ngramq info INDEX --format json`: documents, sentences, paragraphs,
     tokens, types, tokenizer, ngrams {"1".."5"};
  d. `ngramq count INDEX PHRASE... --format json` for ~300 phrases;
  e. `ngramq top INDEX -n N -k 40 --format json` (N = 1..5) and two
     `--prefix` queries;
  f. that builds with --threads 1 and --threads 4 are byte-identical.
Prints the first differences and ends with "N passed, M failed"; exits 0
only when nothing failed.  A missing corpus folder is reported as
"SKIPPED: corpus missing" with exit status 0.

Options for hand runs: --corpus NAME (seeds, orangesum-2017; repeatable),
--phrases N (phrases per corpus, default 300), --keep (keep the indexes).
"""

import argparse
import bisect
import collections
import heapq
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fr1  # noqa: E402

MAX_N = 5           # --max-n given to build
MIN_COUNT = 2       # --min-count given to build (n >= 2)
TOP_K = 40
PREFIX_QUERIES = [(2, "la", 20), (3, "de la", 20)]
SHOW = 10           # differences shown per kind of check and corpus
TIMEOUT = 600       # seconds per engine command
COUNT_CHUNK = 150   # phrases per `count` call

CORPORA = [("seeds", "seeds.jsonl"),
           ("orangesum-2017", os.path.join("orangesum", "orangesum-2017.jsonl"))]

ABSENT_WORDS = ["zzxqwvk", "souverainetéxyzw", "qwxzgrmpf", "anticonstitutionnellementzz"]

FIXED_PHRASES = ["l'", "L’", "d'", "qu'il", "qu’il", "aujourd'hui", "aujourd’hui",
                 "c'est-à-dire", "l' ia", "L’IA", "l'IA", "la France", "de la",
                 "président de la République", "Emmanuel Macron",
                 "intelligence artificielle", "souveraineté", "souverainete",
                 "Mistral AI", "open source", "open-source", "jusqu'à", "Jean-Luc",
                 "1,5", "2017", "M", "mme", "le", "la", "de"]


# ---------------------------------------------------------------------------
# Bookkeeping
# ---------------------------------------------------------------------------
class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.shown = collections.Counter()
        self.hidden = collections.Counter()
        self.failures_by_kind = collections.Counter()

    def ok(self, n=1):
        self.passed += n

    def fail(self, kind, message, n=1):
        """Record n failed checks of `kind` (e.g. "seeds/tokenize")."""
        self.failed += n
        self.failures_by_kind[kind] += n
        if self.shown[kind] < SHOW:
            self.shown[kind] += 1
            print("FAIL [%s] %s" % (kind, message.rstrip()))
        else:
            self.hidden[kind] += 1

    def check(self, cond, kind, message):
        if cond:
            self.ok()
        else:
            self.fail(kind, message)
        return cond


def run_engine(args, timeout=TIMEOUT):
    """Runs a command; returns (rc, stdout, stderr, seconds); rc is None when
    the command could not be run."""
    t0 = time.time()
    try:
        p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, b"", ("timed out after %ds" % timeout).encode(), time.time() - t0
    except OSError as e:
        return None, b"", str(e).encode(), time.time() - t0
    return p.returncode, p.stdout, p.stderr, time.time() - t0


def describe(args, rc, err):
    tail = err.decode("utf-8", "replace").strip()[-800:]
    return "`%s` exited with %s%s" % (" ".join(args), rc, (": " + tail) if tail else "")


def parse_json(data):
    try:
        return json.loads(data.decode("utf-8")), None
    except (UnicodeDecodeError, ValueError) as e:
        snippet = data[:300].decode("utf-8", "replace")
        return None, "output is not JSON (%s): %r" % (e, snippet)


def ngram_text(ng):
    return " ".join(ng)


def sort_key(item):
    ng, count = item
    return (-count, ngram_text(ng).encode("utf-8"))


def short(tokens, limit=12):
    s = " ".join(tokens[:limit])
    return s + (" …" if len(tokens) > limit else "")


# ---------------------------------------------------------------------------
# The reference model of one corpus
# ---------------------------------------------------------------------------
class Reference:
    def __init__(self, path):
        t0 = time.time()
        self.path = path
        self.records = []           # fr1.Record (for diagnostics)
        self.paragraphs = []        # per document: paragraphs/sentences/tokens
        self.doc_sentences = []     # per document: list of token tuples
        self.totals = collections.Counter()
        for rec in fr1.read_jsonl(path):
            paras, counters = fr1.tokenize_doc(rec.title, rec.text)
            self.records.append(rec)
            self.paragraphs.append(paras)
            self.doc_sentences.append([tuple(s) for p in paras for s in p])
            self.totals["documents"] += 1
            for k in ("tokens", "sentences", "paragraphs"):
                self.totals[k] += counters[k]
            self.totals["replacements"] += counters["replacements"] + rec.replacements
        self.tokenize_seconds = time.time() - t0

        t1 = time.time()
        self.sentences = [s for doc in self.doc_sentences for s in doc]
        self.unigrams = collections.Counter()
        for s in self.sentences:
            self.unigrams.update(s)
        self.totals["types"] = len(self.unigrams)
        # per n: distinct n-grams kept by the index, top-K, prefix tops
        self.ngrams = {}            # "n" -> number of distinct kept n-grams
        self.top = {}               # n -> [(ngram, count)]
        self.prefix_top = {}        # (n, prefix tokens) -> [(ngram, count)]
        prefixes = [(n, tuple(fr1.tokenize_query(p)), k) for n, p, k in PREFIX_QUERIES]
        for n in range(1, MAX_N + 1):
            counts = self.count_ngrams(n)
            min_count = 1 if n == 1 else MIN_COUNT
            kept = [(ng, c) for ng, c in counts.items() if c >= min_count]
            self.ngrams[str(n)] = len(kept)
            self.top[n] = heapq.nsmallest(TOP_K, kept, key=sort_key)
            for pn, ptoks, k in prefixes:
                if pn == n:
                    sel = [(ng, c) for ng, c in kept if ng[:len(ptoks)] == ptoks]
                    self.prefix_top[(pn, ptoks)] = heapq.nsmallest(k, sel, key=sort_key)
            del counts, kept
        self.stats_seconds = time.time() - t1
        self.doc_count_cache = {}

    def count_ngrams(self, n):
        counts = collections.Counter()
        for s in self.sentences:
            for i in range(len(s) - n + 1):
                counts[s[i:i + n]] += 1
        return counts

    def occurrences(self, targets):
        """{ngram: (count, documents)} for the given n-gram tuples."""
        by_n = collections.defaultdict(set)
        for t in targets:
            if t:
                by_n[len(t)].add(t)
        count = collections.Counter()
        docs = collections.Counter()
        for doc in self.doc_sentences:
            seen = set()
            for s in doc:
                length = len(s)
                for n, tset in by_n.items():
                    for i in range(length - n + 1):
                        g = s[i:i + n]
                        if g in tset:
                            count[g] += 1
                            seen.add(g)
            for g in seen:
                docs[g] += 1
        return {t: (count[t], docs[t]) for t in targets}

    def context(self, doc_index, flat_pos, width=8):
        """Token context and source snippet around a token of a document."""
        rec = self.records[doc_index]
        an = fr1.analyze(rec.title, rec.text)
        toks = an.tokens
        if not toks:
            return ([], 0), "(document without tokens)"
        flat_pos = min(flat_pos, len(toks) - 1)
        lo, hi = max(0, flat_pos - width), min(len(toks), flat_pos + width + 1)
        t = toks[flat_pos]
        a, b = max(0, t.start - 60), min(len(an.text), t.end + 60)
        return ([x.norm for x in toks[lo:hi]], lo), an.text[a:b]

    def sample_phrases(self, name, how_many):
        """[(phrase text, expected tokens tuple, kind)]; deterministic."""
        rng = random.Random("fr1-reference-" + name)
        per_n = {1: 0.20, 2: 0.18, 3: 0.16, 4: 0.14, 5: 0.12, 6: 0.06, 7: 0.05}
        out = []
        seen = set()
        skipped = []

        def add(text, kind, expected=None):
            toks = tuple(fr1.tokenize_query(text))
            if expected is not None and toks != tuple(expected):
                skipped.append((text, expected, toks))
                return False
            if not toks or text in seen:
                return False
            seen.add(text)
            out.append((text, toks, kind))
            return True

        sampled = []
        for n, share in per_n.items():
            starts = []     # cumulative number of n-gram starts
            total = 0
            idx = []
            for si, s in enumerate(self.sentences):
                k = len(s) - n + 1
                if k > 0:
                    total += k
                    starts.append(total)
                    idx.append(si)
            if not total:
                continue
            for _ in range(max(1, int(how_many * share))):
                r = rng.randrange(total)
                j = bisect.bisect_right(starts, r)
                s = self.sentences[idx[j]]
                off = r - (starts[j - 1] if j else 0)
                ng = s[off:off + n]
                if add(ngram_text(ng), "sampled n=%d" % n, ng):
                    sampled.append(ng)
        # other surface forms of sampled phrases
        for ng in rng.sample(sampled, min(len(sampled), max(4, how_many // 12))):
            text = ngram_text(ng)
            variants = [text[:1].upper() + text[1:], text.upper(),
                        text.replace("'", "\u2019"), text.replace("-", "\u2011")]
            for v in variants:
                if v != text:
                    add(v, "surface form", ng)
        # the most frequent n-grams (count >= 2 for sure)
        for n in range(2, MAX_N + 1):
            for ng, _ in self.top[n][:3]:
                add(ngram_text(ng), "top n=%d" % n, ng)
        for p in FIXED_PHRASES:
            add(p, "fixed")
        absent = [w for w in ABSENT_WORDS if w not in self.unigrams]
        for w in absent:
            add(w, "absent")
        if absent and self.top[1]:
            frequent = self.top[1][0][0][0]
            add("%s %s" % (frequent, absent[0]), "absent")
            add("%s %s" % (absent[0], frequent), "absent")
            if self.top[2]:
                add("%s %s" % (ngram_text(self.top[2][0][0]), absent[1]), "absent")
        return out, skipped


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------
def check_tokenize(res, ref, name, nq_bin):
    kind = name + "/tokenize"
    args = [nq_bin, "tokenize", ref.path]
    rc, out, err, secs = run_engine(args)
    n_docs = len(ref.paragraphs)
    if rc != 0:
        res.fail(kind, describe(args, rc, err) + " (all %d documents counted failed)" % n_docs,
                 n=n_docs)
        return
    lines = out.decode("utf-8", "replace").splitlines()
    lines = [ln for ln in lines if ln.strip()]
    if len(lines) != n_docs:
        res.fail(kind, "engine printed %d document lines, reference has %d documents"
                 % (len(lines), n_docs))
    for i in range(n_docs):
        rec = ref.records[i]
        expected = ref.paragraphs[i]
        if i >= len(lines):
            res.fail(kind, "doc %d id %s: missing from engine output" % (i, rec.id))
            continue
        try:
            got = json.loads(lines[i])
        except ValueError as e:
            res.fail(kind, "doc %d: line is not JSON (%s): %r" % (i, e, lines[i][:200]))
            continue
        problems = []
        if got.get("doc") != i:
            problems.append("\"doc\" is %r, expected %d" % (got.get("doc"), i))
        if got.get("id") != rec.id:
            problems.append("\"id\" is %r, expected %r" % (got.get("id"), rec.id))
        got_paras = got.get("paragraphs")
        if got_paras != expected:
            problems.append(tokenization_diff(ref, i, expected, got_paras))
        if problems:
            res.fail(kind, "doc %d id %s: %s" % (i, rec.id, "\n    ".join(problems)))
        else:
            res.ok()
    print("  tokenize: engine %.1fs" % secs)


def tokenization_diff(ref, i, expected, got):
    if not isinstance(got, list):
        return "\"paragraphs\" is not a list: %r" % (got,)
    lines = []
    if len(got) != len(expected):
        lines.append("%d paragraphs, expected %d" % (len(got), len(expected)))
    # first differing paragraph / sentence
    for pi in range(max(len(got), len(expected))):
        ep = expected[pi] if pi < len(expected) else None
        gp = got[pi] if pi < len(got) else None
        if ep == gp:
            continue
        if ep is None or gp is None or not isinstance(gp, list):
            lines.append("paragraph %d: expected %r, got %r" % (pi, ep, gp))
            break
        for si in range(max(len(ep), len(gp))):
            es = ep[si] if si < len(ep) else None
            gs = gp[si] if si < len(gp) else None
            if es != gs:
                lines.append("first difference in paragraph %d, sentence %d:" % (pi, si))
                lines.append("  expected: %s" % (json.dumps(es, ensure_ascii=False),))
                lines.append("  got:      %s" % (json.dumps(gs, ensure_ascii=False),))
                break
        break
    # first differing token in the flat stream (tokens only)
    flat_e = [t for p in expected for s in p for t in s]
    try:
        flat_g = [t for p in got for s in p for t in s]
    except TypeError:
        flat_g = []
    k = 0
    while k < min(len(flat_e), len(flat_g)) and flat_e[k] == flat_g[k]:
        k += 1
    if k < max(len(flat_e), len(flat_g)):
        (ctx, lo), snippet = ref.context(i, k)
        lines.append("first differing token #%d: expected %r, got %r"
                     % (k, flat_e[k] if k < len(flat_e) else None,
                        flat_g[k] if k < len(flat_g) else None))
        lines.append("  reference tokens %d..: %s" % (lo, " | ".join(ctx)))
        lines.append("  engine tokens    %d..: %s" % (lo, " | ".join(flat_g[lo:lo + len(ctx)])))
        lines.append("  text: %r" % snippet)
    else:
        lines.append("same tokens (%d), different sentence/paragraph split" % len(flat_e))
        # locate the first token whose sentence/paragraph membership differs
        e_pos = boundaries(expected)
        g_pos = boundaries(got)
        diff = sorted(e_pos.symmetric_difference(g_pos))
        if diff:
            k = diff[0]
            (ctx, lo), snippet = ref.context(i, k)
            which = "reference" if k in e_pos else "engine"
            lines.append("  first boundary only in the %s output: before token #%d %r "
                         "(reference %s, engine %s)" % (
                             which, k, flat_e[k],
                             e_pos.get(k, "none"), g_pos.get(k, "none")))
            lines.append("  text: %r" % snippet)
    return "\n    ".join(lines)


class _Bounds(dict):
    def symmetric_difference(self, other):
        keys = set(self) | set(other)
        return {k for k in keys if self.get(k) != other.get(k)}


def boundaries(paras):
    """{flat token index: "paragraph"/"sentence"} for tokens starting one."""
    b = _Bounds()
    k = 0
    for pi, p in enumerate(paras):
        for si, s in enumerate(p):
            if k:
                b[k] = "paragraph" if si == 0 else "sentence"
            k += len(s)
    return b


def remove_path(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.remove(path)


def build(nq_bin, corpus_path, out, threads):
    remove_path(out)
    args = [nq_bin, "build", corpus_path, "-o", out, "--threads", str(threads),
            "--max-n", str(MAX_N), "--min-count", str(MIN_COUNT), "--quiet"]
    rc, _, err, secs = run_engine(args)
    if rc == 0 and not os.path.exists(out):
        return False, "`%s` exited 0 but %s does not exist" % (" ".join(args), out), secs
    if rc != 0:
        return False, describe(args, rc, err), secs
    return True, "", secs


def tree_bytes(path):
    """{relative path: bytes} for a file or a directory."""
    if os.path.isdir(path):
        out = {}
        for root, _, files in os.walk(path):
            for f in files:
                full = os.path.join(root, f)
                with open(full, "rb") as fh:
                    out[os.path.relpath(full, path)] = fh.read()
        return out
    with open(path, "rb") as fh:
        return {"": fh.read()}


def compare_builds(a, b):
    ta, tb = tree_bytes(a), tree_bytes(b)
    if set(ta) != set(tb):
        return "different file sets: %s vs %s" % (sorted(ta), sorted(tb))
    for k in sorted(ta):
        if ta[k] != tb[k]:
            x, y = ta[k], tb[k]
            j = 0
            while j < min(len(x), len(y)) and x[j] == y[j]:
                j += 1
            return "%s: sizes %d vs %d, first different byte at offset %d" % (
                k or os.path.basename(a), len(x), len(y), j)
    return None


def check_info(res, ref, name, nq_bin, index):
    kind = name + "/info"
    args = [nq_bin, "info", index, "--format", "json"]
    rc, out, err, _ = run_engine(args)
    keys = ["documents", "sentences", "paragraphs", "tokens", "types", "tokenizer", "ngrams"]
    if rc != 0:
        res.fail(kind, describe(args, rc, err), n=len(keys))
        return
    info, problem = parse_json(out)
    if problem or not isinstance(info, dict):
        res.fail(kind, problem or "not a JSON object: %r" % (info,), n=len(keys))
        return
    expected = {k: ref.totals[k] for k in ("documents", "sentences", "paragraphs",
                                           "tokens", "types")}
    expected["tokenizer"] = fr1.RULES
    expected["ngrams"] = dict(ref.ngrams)
    for k in keys:
        got = info.get(k)
        if k == "ngrams" and isinstance(got, dict):
            got = {str(kk): v for kk, v in got.items()}
        res.check(got == expected[k], kind, "%s: expected %s, got %s" % (
            k, json.dumps(expected[k], ensure_ascii=False), json.dumps(got, ensure_ascii=False)))
    print("  info: %s" % json.dumps({k: info.get(k) for k in keys}, ensure_ascii=False))


def check_counts(res, ref, name, nq_bin, index, how_many):
    kind = name + "/count"
    phrases, skipped = ref.sample_phrases(name, how_many)
    occ = ref.occurrences({toks for _, toks, _ in phrases})
    n_checked = 0
    for c0 in range(0, len(phrases), COUNT_CHUNK):
        chunk = phrases[c0:c0 + COUNT_CHUNK]
        args = [nq_bin, "count", index] + [p for p, _, _ in chunk] + ["--format", "json"]
        rc, out, err, _ = run_engine(args)
        if rc != 0:
            res.fail(kind, describe(args[:3] + ["<%d phrases>" % len(chunk)] + args[-2:], rc, err)
                     + " (%d phrases counted failed)" % len(chunk), n=len(chunk))
            continue
        answer, problem = parse_json(out)
        if problem or not isinstance(answer, list) or len(answer) != len(chunk):
            res.fail(kind, problem or "expected a JSON array of %d objects, got %r"
                     % (len(chunk), str(answer)[:300]), n=len(chunk))
            continue
        for (text, toks, why), got in zip(chunk, answer):
            n_checked += 1
            count, docs = occ[toks]
            msg = check_one_count(ref, text, toks, count, docs, got)
            if msg:
                res.fail(kind, "%r (%s; tokens %s): %s" % (
                    text, why, json.dumps(list(toks), ensure_ascii=False), msg))
            else:
                res.ok()
    print("  count: %d phrases (%d candidate phrases skipped: they do not re-tokenize "
          "to themselves)" % (n_checked, len(skipped)))
    for text, expected, got in skipped[:3]:
        print("    skipped %r: tokens %r, expected %r" % (text, list(got), list(expected)))


def check_one_count(ref, text, toks, count, docs, got):
    if not isinstance(got, dict):
        return "answer is not an object: %r" % (got,)
    if got.get("expr") != text:
        return "\"expr\" is %r, expected the phrase as given" % (got.get("expr"),)
    if "count" not in got:
        return "no \"count\" key: %r" % (got,)
    n = len(toks)
    gc = got["count"]
    gd = got.get("documents")
    exact = "expected count %d documents %d" % (count, docs)

    def exact_ok():
        if gc != count or gd != docs:
            return "%s, got count %s documents %s" % (exact, gc, gd)
        return None

    # Positional postings make every count exact, stored n-gram or not.
    return exact_ok()


def check_top(res, ref, name, nq_bin, index):
    kind = name + "/top"
    queries = [(n, None, TOP_K, ref.top[n]) for n in range(1, MAX_N + 1)]
    for n, p, k in PREFIX_QUERIES:
        ptoks = tuple(fr1.tokenize_query(p))
        queries.append((n, p, k, ref.prefix_top[(n, ptoks)]))
    for n, prefix, k, expected in queries:
        args = [nq_bin, "top", index, "-n", str(n), "-k", str(k)]
        if prefix is not None:
            args += ["--prefix", prefix]
        args += ["--format", "json"]
        label = " ".join(args[2:])
        rc, out, err, _ = run_engine(args)
        if rc != 0:
            res.fail(kind, describe(args, rc, err))
            continue
        got, problem = parse_json(out)
        if problem or not isinstance(got, list):
            res.fail(kind, "%s: %s" % (label, problem or "not a JSON array"))
            continue
        occ = ref.occurrences({ng for ng, _ in expected})
        exp = [{"ngram": ngram_text(ng), "count": c, "documents": occ[ng][1]}
               for ng, c in expected]
        got_norm = [{"ngram": g.get("ngram"), "count": g.get("count"),
                     "documents": g.get("documents")} if isinstance(g, dict) else g
                    for g in got]
        if got_norm == exp:
            res.ok()
            continue
        lines = ["%s: %d entries, expected %d" % (label, len(got_norm), len(exp))]
        for r in range(max(len(exp), len(got_norm))):
            e = exp[r] if r < len(exp) else None
            g = got_norm[r] if r < len(got_norm) else None
            if e != g:
                lines.append("first difference at rank %d:" % (r + 1))
                lines.append("  expected %s" % json.dumps(e, ensure_ascii=False))
                lines.append("  got      %s" % json.dumps(g, ensure_ascii=False))
                if isinstance(g, dict) and isinstance(g.get("ngram"), str):
                    gt = tuple(fr1.tokenize_query(g["ngram"]))
                    gc, gd = ref.occurrences({gt})[gt]
                    lines.append("  (reference for the engine's %r: count %d documents %d)"
                                 % (g["ngram"], gc, gd))
                break
        res.fail(kind, "\n    ".join(lines))


def check_corpus(res, name, path, nq_bin, tmpdir, how_many, keep):
    print("== %s (%s)" % (name, path))
    ref = Reference(path)
    print("  reference: %d documents, %d tokens, %d sentences, %d paragraphs, %d types; "
          "tokenized in %.1fs, n-gram statistics in %.1fs" % (
              ref.totals["documents"], ref.totals["tokens"], ref.totals["sentences"],
              ref.totals["paragraphs"], ref.totals["types"], ref.tokenize_seconds,
              ref.stats_seconds))
    print("  reference ngrams: %s" % json.dumps(ref.ngrams))

    check_tokenize(res, ref, name, nq_bin)

    index = os.path.join(tmpdir, "ref-%s.nq" % name)
    ok, msg, secs = build(nq_bin, path, index, 2)
    if not res.check(ok, name + "/build", msg):
        res.fail(name + "/build", "index not built: info, count, top and determinism "
                 "checks not run")
        return
    print("  build --threads 2: %.1fs" % secs)
    check_info(res, ref, name, nq_bin, index)
    check_counts(res, ref, name, nq_bin, index, how_many)
    check_top(res, ref, name, nq_bin, index)

    for threads in (1, 4):
        other = os.path.join(tmpdir, "ref-%s-t%d.nq" % (name, threads))
        ok, msg, secs = build(nq_bin, path, other, threads)
        kind = name + "/determinism"
        if not ok:
            res.fail(kind, msg)
            continue
        diff = compare_builds(index, other)
        res.check(diff is None, kind, "--threads %d index differs from --threads 2: %s"
                  % (threads, diff))
        if not keep:
            remove_path(other)
    if not keep:
        remove_path(index)


def main(argv):
    ap = argparse.ArgumentParser(description="Cross-check ngramq against the fr-1 reference.")
    ap.add_argument("--corpus", action="append", choices=[c for c, _ in CORPORA],
                    help="check only this corpus (repeatable)")
    ap.add_argument("--phrases", type=int, default=300, help="phrases per corpus (300)")
    ap.add_argument("--keep", action="store_true", help="keep the indexes built")
    args = ap.parse_args(argv)

    corpus_dir = os.environ.get("NQ_SHARED_CORPUS", "")
    if not corpus_dir or not os.path.isdir(corpus_dir):
        print("SKIPPED: corpus missing (NQ_SHARED_CORPUS=%r)" % corpus_dir)
        print("0 passed, 0 failed")
        return 0
    nq_bin = os.environ.get("NQ_BIN", "")
    tmpdir = os.environ.get("NQ_TMPDIR") or tempfile.mkdtemp(prefix="nq-ref-")
    os.makedirs(tmpdir, exist_ok=True)

    res = Results()
    t0 = time.time()
    if not nq_bin or not os.access(nq_bin, os.X_OK):
        res.fail("setup", "NQ_BIN=%r is not an executable file" % nq_bin)
        print("%d passed, %d failed" % (res.passed, res.failed))
        return 1

    selected = [(c, p) for c, p in CORPORA if not args.corpus or c in args.corpus]
    ran = 0
    for name, rel in selected:
        path = os.path.join(corpus_dir, rel)
        if not os.path.isfile(path):
            print("== %s: %s missing, skipped" % (name, path))
            continue
        ran += 1
        check_corpus(res, name, path, nq_bin, tmpdir, args.phrases, args.keep)
    if not ran:
        print("SKIPPED: corpus missing (no corpus file under %s)" % corpus_dir)

    for kind, n in sorted(res.hidden.items()):
        print("(%d more failures of [%s] not shown)" % (n, kind))
    if res.failures_by_kind:
        print("failures by check: %s" % ", ".join(
            "%s %d" % kv for kv in sorted(res.failures_by_kind.items())))
    print("total time %.1fs" % (time.time() - t0))
    print("%d passed, %d failed" % (res.passed, res.failed))
    return 1 if res.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
