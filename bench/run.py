#!/usr/bin/env python3
"""Index-build and query benchmark of ngramq, with baselines in the same run.

usage: bench/run.py [--build DIR] [--corpus DIR_OR_FILE|gen:SIZE] [--threads 1,2] [--repeat 3] [--quick]

Builds the default index of the corpus (default: ../shared/corpus/orangesum)
with each thread count, best of --repeat runs, and reports wall time, the
engine's own phase split, peak memory and index size; then query latency in
the process (bench_query) and from process start to exit (ngramq count);
then `zstd -3` (one thread) and `LC_ALL=C sort | uniq -c` word counting over
the same text, so that ratios hold on a noisy machine. Writes JSON to
bench/results/ and prints a summary.
"""
import argparse
import glob
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_timed(cmd, **kw):
    """Runs cmd, returns (seconds, peak RSS of the child in MB, stdout, stderr)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed:\n{p.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return dt, max(peak, before) / 1024.0, p.stdout, p.stderr


def peak_rss_of(cmd):
    """Peak RSS (MB) of one run, measured with GNU time when present."""
    if os.path.exists("/usr/bin/time"):
        p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True)
        if p.returncode == 0:
            return int(p.stderr.strip().splitlines()[-1]) / 1024.0
    return None


def inputs_of(corpus):
    if os.path.isdir(corpus):
        files = sorted(glob.glob(os.path.join(corpus, "*.jsonl")))
    else:
        files = [corpus]
    if not files:
        sys.exit(f"bench: no .jsonl in {corpus}")
    return files


def text_of(files, out_path):
    """Title and text of every document, one per paragraph line, for the baselines."""
    with open(out_path, "w", encoding="utf-8") as out:
        for f in files:
            with open(f, encoding="utf-8") as fh:
                for line in fh:
                    d = json.loads(line)
                    if d.get("title"):
                        out.write(d["title"] + "\n\n")
                    out.write(d["text"] + "\n")


PHASES = ["seconds", "seconds_read_tokenize", "seconds_text", "seconds_lexicon", "seconds_postings",
          "seconds_cooc", "seconds_ngrams", "seconds_write"]


def build_once(ngramq, files, index, threads, extra):
    cmd = [ngramq, "build", *files, "-o", index, "--threads", str(threads), "--quiet", "--format", "json", *extra]
    dt, _, out, _ = run_timed(cmd)
    stats = json.loads(out)
    return dt, {k.replace("seconds_", ""): stats.get(k) for k in PHASES}, cmd


def bench_build(ngramq, files, threads, repeat, tmp):
    """The default index and the n-gram-only one (--no-positions --no-text),
    alternated in one loop so that both see the same machine."""
    index = os.path.join(tmp, f"bench-t{threads}.nq")
    ngram_only = os.path.join(tmp, f"bench-ngrams-t{threads}.nq")
    best, best_ng = None, None
    for _ in range(repeat):
        dt, ph, cmd = build_once(ngramq, files, index, threads, [])
        if best is None or dt < best[0]:
            best = (dt, ph)
        dt, _, _ = build_once(ngramq, files, ngram_only, threads, ["--no-positions", "--no-text"])
        best_ng = dt if best_ng is None else min(best_ng, dt)
    peak = peak_rss_of(cmd[:-2])
    info = json.loads(subprocess.check_output([ngramq, "info", index, "--format", "json"]))
    text = max(1, info["text_bytes"])
    return index, {
        "threads": threads,
        "seconds": round(best[0], 3),
        "phases": best[1],
        "seconds_ngram_only_build": round(best_ng, 3),
        "full_to_ngram_only": round(best[0] / best_ng, 3),
        "peak_rss_mb": peak,
        "index_bytes": info["index_bytes"],
        "text_bytes": info["text_bytes"],
        "index_to_text": round(info["index_bytes"] / text, 3),
        "sections": {s["name"]: {"bytes": s["bytes"], "to_text": round(s["bytes"] / text, 4)} for s in info["sections"]},
        "postings_codec": info.get("postings"),
        "documents": info["documents"],
        "tokens": info["tokens"],
        "ngrams": info["ngrams"],
        "text_mb_per_s": round(info["text_bytes"] / 1e6 / best[0], 1),
        "tokens_per_s": round(info["tokens"] / best[0]),
    }


def bench_process_latency(ngramq, index, runs=50):
    """Process start to exit, for a few command lines."""
    cmds = {
        "count_term": ["count", index, "macron"],
        "count_phrase": ["count", index, "de la"],
        "count_phrase_postings": ["count", index, "de la", "--from", "1900"],
        "count_long_phrase": ["count", index, "le président de la république emmanuel macron"],
        "kwic_50_lines": ["kwic", index, "emmanuel macron"],
        "assoc_sentence": ["assoc", index, "souveraineté", "numérique"],
        "collocates_window5": ["collocates", index, "macron"],
    }
    out = {}
    for name, args in cmds.items():
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run([ngramq, *args, "--format", "json"], capture_output=True, check=True)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        out[name] = {"runs": runs, "p50_ms": round(times[len(times) // 2], 2), "p99_ms": round(times[-1], 2)}
    return out


def best_of(cmd, repeat, shell=False):
    best = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, shell=shell, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    return round(best, 3)


def baselines(text_path, repeat):
    out = {}
    out["zstd_-3_T1_s"] = best_of(["zstd", "-3", "-T1", "-q", "-f", "-c", text_path], repeat)
    z = subprocess.run(["zstd", "-3", "-T1", "-q", "-c", text_path], capture_output=True, check=True).stdout
    out["zstd_-3_bytes"] = len(z)
    words = f"tr -s '[:space:]' '\\n' < {text_path} | LC_ALL=C sort | uniq -c > /dev/null"
    out["sort_uniq_words_s"] = best_of(words, 1, shell=True)
    pairs = (f"tr -s '[:space:]' '\\n' < {text_path} | awk 'NR > 1 {{ print p \" \" $0 }} {{ p = $0 }}' "
             f"| LC_ALL=C sort | uniq -c > /dev/null")
    out["sort_uniq_word_pairs_s"] = best_of(pairs, 1, shell=True)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus", "orangesum"))
    ap.add_argument("--threads", default=None)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    ngramq = os.path.join(a.build, "ngramq")
    bench_query = os.path.join(a.build, "bench", "bench_query")
    gen_dir = None
    if a.corpus.startswith("gen:"):
        # a generated corpus (tools/gen_corpus.c): gen:100M, gen:1G
        gen_dir = tempfile.mkdtemp(prefix="ngramq-gen-")
        path = os.path.join(gen_dir, f"gen-{a.corpus[4:]}.jsonl")
        subprocess.run([os.path.join(a.build, "ngramq-gen"), "--size", a.corpus[4:], "--seed", "1", "-o", path],
                       check=True)
        files = [path]
    else:
        files = inputs_of(os.path.abspath(a.corpus))
    threads = [int(t) for t in a.threads.split(",")] if a.threads else sorted({1, 2, os.cpu_count() or 1})
    repeat = 1 if a.quick else a.repeat
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    result = {"commit": commit, "corpus": [a.corpus] if gen_dir else [os.path.relpath(f, ROOT) for f in files],
              "cpus": os.cpu_count(),
              "command": " ".join(sys.argv), "builds": []}
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:  # warm the page cache
            with open(f, "rb") as fh:
                while fh.read(1 << 24):
                    pass
        index = None
        for t in threads:
            index, r = bench_build(ngramq, files, t, repeat, tmp)
            result["builds"].append(r)
        if os.path.exists(bench_query):
            env = dict(os.environ, NQ_SOURCE_DIR=ROOT)  # bench_query reads the shipped lexicons
            result["query_in_process"] = json.loads(
                subprocess.check_output([bench_query, index, "50" if a.quick else "200"], env=env))
        result["query_process_start_to_exit"] = bench_process_latency(ngramq, index, 10 if a.quick else 50)
        text_path = os.path.join(tmp, "text.txt")
        text_of(files, text_path)
        result["baselines"] = baselines(text_path, repeat)
    if gen_dir:
        for f in files:
            os.remove(f)
        os.rmdir(gen_dir)
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path = os.path.join(ROOT, "bench", "results", f"{stamp}-{commit}.json")
    with open(path, "w") as fh:
        json.dump(result, fh, indent=1)
    print(f"wrote {os.path.relpath(path, ROOT)}")
    print(f"{'threads':>7} {'seconds':>8} {'MB/s':>6} {'Mtok/s':>6} {'ngram-only':>10} {'ratio':>6} "
          f"{'read+tok':>8} {'text':>5} {'postings':>8} {'cooc':>5} {'ngrams':>7} {'write':>6} {'peak MB':>8} "
          f"{'index/text':>10}")
    for b in result["builds"]:
        p = b["phases"]
        print(f"{b['threads']:>7} {b['seconds']:>8.2f} {b['text_mb_per_s']:>6.1f} {b['tokens_per_s'] / 1e6:>6.2f} "
              f"{b['seconds_ngram_only_build']:>10.2f} "
              f"{b['full_to_ngram_only']:>6.2f} {p.get('read_tokenize') or 0:>8.2f} {p.get('text') or 0:>5.2f} "
              f"{p.get('postings') or 0:>8.2f} {p.get('cooc') or 0:>5.2f} {p.get('ngrams') or 0:>7.2f} "
              f"{p.get('write') or 0:>6.2f} {b['peak_rss_mb'] or 0:>8.0f} {b['index_to_text']:>10.3f}")
    if len(result["builds"]) > 1:
        one = result["builds"][0]
        for b in result["builds"][1:]:
            print(f"  speed-up with {b['threads']} threads over {one['threads']}: {one['seconds'] / b['seconds']:.2f}x")
    last = result["builds"][-1]
    print("  sections (bytes, ratio to the text): " +
          ", ".join(f"{k} {v['bytes']} ({v['to_text']:.3f})" for k, v in last["sections"].items()))
    if "TEXT" in last["sections"]:
        print(f"  stored text {last['sections']['TEXT']['bytes']} bytes vs zstd -3 of the text "
              f"{result['baselines']['zstd_-3_bytes']} bytes")
    q = result.get("query_in_process", {})
    for k, v in q.items():
        print(f"  in process {k}: p50 {v['p50_us']} us, p99 {v['p99_us']} us")
    for k, v in result["query_process_start_to_exit"].items():
        print(f"  process start to exit {k}: p50 {v['p50_ms']} ms, p99 {v['p99_ms']} ms")
    for k, v in result["baselines"].items():
        print(f"  baseline {k}: {v}")


if __name__ == "__main__":
    main()
