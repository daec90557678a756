/* ngramq-gen: a synthetic French press corpus with known answers.
 *
 * Writes JSONL articles ({"id","date","source","title","text"}, one a line)
 * of French-like text, byte for byte determined by --seed, as much as asked
 * (--size, --docs), fast enough to make tens of GB for benchmarks. Document
 * i depends only on (seed, i), so a smaller corpus is a prefix of a larger
 * one with the same seed.
 *
 * The text follows the statistics that matter to an n-gram index:
 * - function words (de, la, le, l', d', et, à, qu', ...) with frequencies
 *   close to French press text, elided before a vowel or mute h, with ' or ’
 *   (each outlet has its house style, with some slips);
 * - content words from a two-regime Zipf law: exponent 1.05 over a kernel of
 *   12,000 words (KERNEL), then 1.8 beyond it, as measured on large corpora
 *   (Ferrer i Cancho & Solé 2001; Gerlach & Altmann 2013). The unbounded
 *   tail makes the vocabulary grow like Heaps' law with beta near 1/1.8: new
 *   rare words keep appearing (seed 1: 99,481 types at 10 MB, 345,359 at
 *   100 MB, beta = 0.54);
 * - content word k is a fixed string (syllables picked by the digits of k),
 *   the same in every corpus; frequent words are short, rare ones long;
 * - capitalised sentence starts, proper nouns, numbers (12, 1,5, 3,2 %),
 *   hyphenated words, sentences ending in . ! ? or …, paragraphs separated
 *   by blank lines, a title per document, 100 to 1,500 words a document,
 *   dates over 2019-2025, seven invented outlets, a few documents without a
 *   date or a source.
 *
 * Planted associations, per sentence (the title is a sentence too), with the
 * actors and topics of data/lexicons/actors-fr.tsv and topics-fr.tsv:
 *
 *   actor            topic           planted
 *   Mistral AI       Open source     attraction, 0.40 % of sentences
 *   Scaleway         Souveraineté    attraction, 0.30 %
 *   Emmanuel Macron  Nucléaire       attraction, 0.30 %
 *   Mistral AI       Investissement  weaker attraction, 0.12 %
 *   OpenAI           Régulation      attraction from 2023 only (0.50 % of the
 *                                    sentences of documents dated 2023 or
 *                                    later); independent before 2023 and in
 *                                    undated documents
 *   Meta             Souveraineté    avoidance: never in one sentence
 *
 * Every other actor x topic pair is independent: background mentions of
 * actors (5 % of sentences) and of topics (6 %) are drawn independently per
 * sentence, whatever the sentence's length. No generated word, proper noun
 * or function word matches a variant of the two lexicons (RESERVED below;
 * `--reserved` prints it, and the test checks it against the files), so a
 * lexicon entry is found only where this program put a mention. Sentence
 * ends never look like abbreviations ("M.", single letters), so the
 * engine's sentences are the generator's.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------------ usage */

static const char *usage_text =
    "usage: ngramq-gen (--size SIZE | --docs N) [--seed S] [-o FILE] [--stats]\n"
    "\n"
    "Writes a synthetic French press corpus as JSONL (id, date, source, title,\n"
    "text), byte for byte determined by the seed; document i depends only on\n"
    "(seed, i), so a smaller corpus is a prefix of a larger one.\n"
    "\n"
    "  --size SIZE    stop before the document that would pass SIZE bytes of\n"
    "                 output; K, M, G, T suffixes are powers of 1024 (100M)\n"
    "  --docs N       stop after N documents (with --size: whichever comes first)\n"
    "  --seed S       seed, an unsigned 64-bit integer (default 1)\n"
    "  -o FILE        write to FILE instead of standard output\n"
    "  --stats        print documents, bytes and MB/s on standard error\n"
    "  --reserved     print the lexicon words that generated text avoids, and exit\n"
    "\n"
    "Text: French function words with press frequencies and elision (l', d',\n"
    "qu', jusqu'à; ' or ’ by outlet), a Zipf vocabulary (exponent 1.05, then\n"
    "1.8 past 12,000 words) that keeps growing like Heaps' law (beta ~0.55),\n"
    "accents, proper nouns, numbers, hyphenated words, . ! ? …, paragraphs\n"
    "(blank lines), 100-1,500 words a document, dates 2019-2025, 7 outlets,\n"
    "about 4 % of documents undated and 3 % without a source.\n"
    "\n"
    "Planted sentence associations (data/lexicons/actors-fr.tsv x topics-fr.tsv):\n"
    "  Mistral AI      x Open source     attraction (0.40 % of sentences)\n"
    "  Scaleway        x Souveraineté    attraction (0.30 %)\n"
    "  Emmanuel Macron x Nucléaire       attraction (0.30 %)\n"
    "  Mistral AI      x Investissement  weaker attraction (0.12 %)\n"
    "  OpenAI          x Régulation      attraction from 2023 on only (0.50 %),\n"
    "                                    independent in 2019-2022\n"
    "  Meta            x Souveraineté    avoidance: never in one sentence\n"
    "All other pairs are independent. Example:\n"
    "  ngramq-gen --size 100M --seed 1 -o gen.jsonl && ngramq build gen.jsonl -o gen.nq\n"
    "  ngramq rank gen.nq --actors data/lexicons/actors-fr.tsv --topics data/lexicons/topics-fr.tsv\n";

/* -------------------------------------------------------------- the RNG */

/* wyrand: one 64-bit state, one multiply a number, good enough statistics
 * for text and several times faster than the libc generators. */
typedef struct {
    uint64_t s;
} rng;

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static inline uint64_t rng_next(rng *r)
{
    r->s += 0xa0761d6478bd642fULL;
    __uint128_t m = (__uint128_t)r->s * (r->s ^ 0xe7037ed1a0b428dbULL);
    return (uint64_t)(m >> 64) ^ (uint64_t)m;
}

/* Uniform in [0, 1) with 53 bits. */
static inline double rng_unit(rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1p-53;
}

/* Uniform in [0, n), by Lemire's multiply (the bias is below 2^-32). */
static inline uint32_t rng_below(rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static inline bool rng_chance(rng *r, double p)
{
    return rng_unit(r) < p;
}

/* --------------------------------------------------------- alias tables */

/* Walker's alias method: a draw from a discrete distribution in O(1), one
 * random number a draw (the high half picks the column, the low half the
 * coin). */
typedef struct {
    uint32_t n;
    uint32_t *alias;
    uint32_t *cut; /* P(keep column) scaled to 2^32 */
} alias_table;

static int alias_build(alias_table *t, const double *w, uint32_t n)
{
    double total = 0;
    for (uint32_t i = 0; i < n; i++)
        total += w[i];
    double *p = malloc(n * sizeof *p);
    uint32_t *small = malloc(n * sizeof *small), *large = malloc(n * sizeof *large);
    t->alias = malloc(n * sizeof *t->alias);
    t->cut = malloc(n * sizeof *t->cut);
    t->n = n;
    if (!p || !small || !large || !t->alias || !t->cut || total <= 0) {
        free(p), free(small), free(large);
        return -1;
    }
    uint32_t ns = 0, nl = 0;
    for (uint32_t i = 0; i < n; i++) {
        p[i] = w[i] * n / total;
        if (p[i] < 1.0)
            small[ns++] = i;
        else
            large[nl++] = i;
    }
    while (ns && nl) {
        uint32_t s = small[--ns], l = large[nl - 1];
        t->alias[s] = l;
        t->cut[s] = (uint32_t)fmin(p[s] * 4294967296.0, 4294967295.0);
        p[l] -= 1.0 - p[s];
        if (p[l] < 1.0) {
            nl--;
            small[ns++] = l;
        }
    }
    /* What is left has probability 1 up to rounding. */
    while (nl) {
        uint32_t l = large[--nl];
        t->alias[l] = l, t->cut[l] = UINT32_MAX;
    }
    while (ns) {
        uint32_t s = small[--ns];
        t->alias[s] = s, t->cut[s] = UINT32_MAX;
    }
    free(p), free(small), free(large);
    return 0;
}

static inline uint32_t alias_draw(const alias_table *t, rng *r)
{
    uint64_t x = rng_next(r);
    uint32_t i = (uint32_t)(((x >> 32) * (uint64_t)t->n) >> 32);
    return (uint32_t)x < t->cut[i] ? i : t->alias[i];
}

/* ----------------------------------------------- reserved lexicon words */

/* The first token of every variant of data/lexicons/actors-fr.tsv and
 * topics-fr.tsv (lower case, without a trailing '*'): R_EXACT, a one-word
 * variant; R_PREFIX, a one-word prefix variant ("souverain*"); R_FIRST,
 * the first word of a longer variant (a trailing '*' there, as in "modèle*
 * ouvert*", is R_FIRST_PREFIX). Generated words match none of them as the
 * lexicon would; function words may be an R_FIRST word, harmless alone. The
 * test checks that this list covers the files. */
enum { R_EXACT, R_PREFIX, R_FIRST, R_FIRST_PREFIX };
typedef struct {
    const char *stem;
    int kind;
} reserved_word;

static const reserved_word RESERVED[] = {
    {"3ds", R_FIRST}, {"abus", R_FIRST}, {"agence", R_FIRST}, {"agent", R_FIRST_PREFIX}, {"ai", R_FIRST},
    {"allemagne", R_EXACT}, {"allemand", R_PREFIX}, {"alphabet", R_EXACT}, {"altman", R_EXACT},
    {"amazon", R_EXACT}, {"amodei", R_EXACT}, {"américain", R_PREFIX}, {"anssi", R_EXACT},
    {"anthropic", R_EXACT}, {"anti-trust", R_EXACT}, {"antitrust", R_EXACT}, {"apple", R_EXACT},
    {"arcom", R_EXACT}, {"arme", R_FIRST_PREFIX}, {"armement", R_PREFIX}, {"armée", R_PREFIX},
    {"arthur", R_FIRST}, {"assistant", R_FIRST_PREFIX}, {"atome", R_EXACT}, {"atos", R_EXACT},
    {"autonomie", R_FIRST}, {"autorité", R_FIRST}, {"aws", R_EXACT}, {"ayant", R_FIRST},
    {"ayants", R_FIRST}, {"azure", R_EXACT}, {"banque", R_FIRST}, {"bard", R_EXACT},
    {"barrot", R_EXACT}, {"beijing", R_EXACT}, {"bercy", R_EXACT}, {"berlin", R_EXACT},
    {"biais", R_FIRST}, {"biden", R_EXACT}, {"big", R_FIRST}, {"bpi", R_FIRST},
    {"bpifrance", R_EXACT}, {"britannique", R_PREFIX}, {"bruno", R_FIRST}, {"bruxelles", R_EXACT},
    {"calcul", R_FIRST}, {"capacité", R_FIRST}, {"capacités", R_FIRST},
    {"capital-risque", R_EXACT}, {"cedric", R_FIRST}, {"centrale", R_FIRST},
    {"centrales", R_FIRST}, {"centre", R_FIRST}, {"centres", R_FIRST}, {"chappaz", R_EXACT},
    {"chat-gpt", R_EXACT}, {"chatbot", R_PREFIX}, {"chatgpt", R_EXACT}, {"chine", R_EXACT},
    {"chinois", R_PREFIX}, {"chômage", R_EXACT}, {"clara", R_FIRST}, {"cloud", R_EXACT},
    {"clouds", R_EXACT}, {"cnil", R_EXACT}, {"code", R_FIRST}, {"commissaire", R_FIRST},
    {"commission", R_FIRST}, {"concurrence", R_EXACT}, {"concurrent", R_PREFIX},
    {"consommation", R_FIRST}, {"copilot", R_EXACT}, {"copyright", R_EXACT},
    {"cyber-attaque", R_PREFIX}, {"cyber-sécurité", R_EXACT}, {"cyberattaque", R_PREFIX},
    {"cybercriminalité", R_EXACT}, {"cybermenace", R_PREFIX}, {"cybersécurité", R_EXACT},
    {"cédric", R_FIRST}, {"dario", R_FIRST}, {"dassault", R_FIRST}, {"data", R_FIRST},
    {"data-center", R_PREFIX}, {"datacenter", R_PREFIX}, {"deep", R_FIRST}, {"deepfake", R_PREFIX},
    {"deepmind", R_EXACT}, {"deepseek", R_EXACT}, {"dga", R_EXACT}, {"diagnostic", R_PREFIX},
    {"digital", R_FIRST}, {"discrimination", R_PREFIX}, {"dma", R_EXACT}, {"donald", R_FIRST},
    {"donnée", R_FIRST}, {"données", R_FIRST}, {"droit", R_FIRST}, {"droits", R_FIRST},
    {"dsa", R_EXACT}, {"défense", R_FIRST}, {"dépendance", R_FIRST}, {"députés", R_FIRST},
    {"désinformation", R_EXACT}, {"elon", R_FIRST}, {"embargo", R_EXACT}, {"emmanuel", R_FIRST},
    {"emploi", R_PREFIX}, {"encadrement", R_EXACT}, {"encadrer", R_EXACT},
    {"enseignant", R_PREFIX}, {"enseignement", R_PREFIX}, {"epr", R_EXACT},
    {"etats-unis", R_EXACT}, {"eurodéputé", R_PREFIX}, {"eviden", R_EXACT}, {"export", R_PREFIX},
    {"exécutif", R_FIRST}, {"facebook", R_EXACT}, {"fake", R_FIRST}, {"fausse", R_FIRST},
    {"fausses", R_FIRST}, {"financement", R_PREFIX}, {"formation", R_FIRST}, {"france", R_EXACT},
    {"french", R_FIRST}, {"gafam", R_EXACT}, {"gdpr", R_EXACT}, {"gemini", R_EXACT},
    {"google", R_EXACT}, {"gouvernement", R_FIRST}, {"gpt-4", R_PREFIX}, {"gpt-5", R_PREFIX},
    {"gpu", R_PREFIX}, {"grand", R_FIRST}, {"grands", R_FIRST}, {"grok", R_EXACT},
    {"groupe", R_FIRST}, {"guerre", R_FIRST}, {"géants", R_FIRST}, {"géopolitique", R_PREFIX},
    {"hacker", R_PREFIX}, {"hexagone", R_EXACT}, {"hpc", R_EXACT}, {"hugging", R_FIRST},
    {"hugging-face", R_EXACT}, {"huggingface", R_EXACT}, {"hyperscaler", R_PREFIX},
    {"hypertrucage", R_PREFIX}, {"hébergeur", R_PREFIX}, {"hôpita", R_PREFIX}, {"ia", R_FIRST},
    {"iliad", R_EXACT}, {"indépendance", R_FIRST}, {"informatique", R_FIRST}, {"infox", R_EXACT},
    {"ingérence", R_PREFIX}, {"intelligence", R_FIRST}, {"investir", R_EXACT},
    {"investissement", R_PREFIX}, {"investissent", R_EXACT}, {"investisseur", R_PREFIX},
    {"investit", R_EXACT}, {"jean-noel", R_FIRST}, {"jean-noël", R_FIRST}, {"jensen", R_FIRST},
    {"jeune", R_FIRST}, {"jeunes", R_FIRST}, {"joe", R_FIRST}, {"kyutai", R_EXACT},
    {"lecun", R_EXACT}, {"lever", R_FIRST}, {"levée", R_FIRST}, {"levées", R_FIRST},
    {"licenciement", R_PREFIX}, {"licorne", R_PREFIX}, {"lighton", R_EXACT}, {"llama", R_EXACT},
    {"llm", R_PREFIX}, {"logiciel", R_FIRST}, {"logiciels", R_FIRST}, {"londres", R_EXACT},
    {"législation", R_PREFIX}, {"macron", R_EXACT}, {"maison", R_FIRST},
    {"maison-blanche", R_EXACT}, {"maladie", R_PREFIX}, {"manipulation", R_FIRST},
    {"marché", R_FIRST}, {"mark", R_FIRST}, {"matignon", R_EXACT}, {"mensch", R_EXACT},
    {"meta", R_EXACT}, {"microsoft", R_EXACT}, {"militaire", R_PREFIX}, {"milliard", R_EXACT},
    {"milliards", R_EXACT}, {"ministre", R_FIRST}, {"ministère", R_FIRST}, {"mistral", R_EXACT},
    {"mistral-ai", R_EXACT}, {"mistralai", R_EXACT}, {"mix", R_FIRST}, {"modèle", R_FIRST_PREFIX},
    {"monopole", R_PREFIX}, {"musk", R_EXACT}, {"médecin", R_PREFIX}, {"médica", R_PREFIX},
    {"mésinformation", R_EXACT}, {"métiers", R_EXACT}, {"nadella", R_EXACT}, {"niel", R_EXACT},
    {"nucléaire", R_PREFIX}, {"nvidia", R_EXACT}, {"open", R_FIRST}, {"open-source", R_EXACT},
    {"openai", R_EXACT}, {"opensource", R_EXACT}, {"orange", R_FIRST}, {"otan", R_EXACT},
    {"outscale", R_EXACT}, {"ovh", R_EXACT}, {"ovhcloud", R_EXACT}, {"parlement", R_FIRST},
    {"patient", R_PREFIX}, {"pichai", R_EXACT}, {"piratage", R_PREFIX}, {"pirate", R_FIRST_PREFIX},
    {"poids", R_FIRST}, {"position", R_FIRST}, {"processeur", R_PREFIX}, {"propagande", R_EXACT},
    {"propriété", R_FIRST}, {"protection", R_FIRST}, {"président", R_FIRST}, {"puce", R_EXACT},
    {"puces", R_EXACT}, {"puissance", R_FIRST}, {"pékin", R_EXACT}, {"ransomware", R_PREFIX},
    {"rançongiciel", R_PREFIX}, {"renouvelable", R_PREFIX}, {"rgpd", R_EXACT},
    {"rivalité", R_FIRST}, {"royaume-uni", R_EXACT}, {"règlement", R_FIRST}, {"réacteur", R_FIRST},
    {"réacteurs", R_FIRST}, {"réglementaire", R_PREFIX}, {"réglementation", R_PREFIX},
    {"régulateur", R_PREFIX}, {"régulation", R_PREFIX}, {"régulatrice", R_PREFIX},
    {"régule", R_PREFIX}, {"réguler", R_EXACT}, {"régulé", R_PREFIX}, {"salarié", R_PREFIX},
    {"sam", R_FIRST}, {"santé", R_EXACT}, {"satya", R_FIRST}, {"scaleway", R_EXACT},
    {"secnumcloud", R_EXACT}, {"semi-conducteur", R_PREFIX}, {"semiconducteur", R_PREFIX},
    {"sino-américain", R_PREFIX}, {"soins", R_EXACT}, {"souverain", R_PREFIX},
    {"souveraineté", R_EXACT}, {"start-up", R_PREFIX}, {"startup", R_PREFIX}, {"sundar", R_FIRST},
    {"super-calculateur", R_PREFIX}, {"supercalculateur", R_PREFIX}, {"sécurité", R_FIRST},
    {"tarifs", R_FIRST}, {"thales", R_EXACT}, {"thierry", R_FIRST}, {"travail", R_EXACT},
    {"travailleur", R_PREFIX}, {"trump", R_EXACT}, {"ue", R_EXACT}, {"union", R_FIRST},
    {"université", R_PREFIX}, {"ursula", R_FIRST}, {"usa", R_EXACT}, {"valorisation", R_PREFIX},
    {"vie", R_FIRST}, {"vingt-sept", R_EXACT}, {"von", R_FIRST}, {"washington", R_EXACT},
    {"xai", R_EXACT}, {"xavier", R_FIRST}, {"yann", R_FIRST}, {"zuckerberg", R_EXACT},
    {"école", R_PREFIX}, {"éditeurs", R_FIRST}, {"éducation", R_EXACT}, {"électricité", R_EXACT},
    {"électrique", R_PREFIX}, {"élysée", R_EXACT}, {"élève", R_PREFIX}, {"énergie", R_PREFIX},
    {"énergétique", R_PREFIX}, {"état", R_FIRST}, {"états", R_FIRST}, {"états-membres", R_EXACT},
    {"états-unis", R_EXACT}, {"éthique", R_PREFIX}, {"étudiant", R_PREFIX},
};
#define N_RESERVED (sizeof RESERVED / sizeof RESERVED[0])

static bool starts_with(const char *s, size_t n, const char *stem)
{
    size_t k = strlen(stem);
    return k <= n && memcmp(s, stem, k) == 0;
}

/* RESERVED by first byte, with lengths: the check runs for every rare word
 * made while writing. */
static struct {
    uint16_t first[257]; /* entries of byte b: order[first[b] .. first[b+1]) */
    uint16_t order[N_RESERVED];
    uint8_t len[N_RESERVED];
} reserved_index;

static void build_reserved_index(void)
{
    uint16_t count[256] = {0};
    for (size_t i = 0; i < N_RESERVED; i++)
        count[(unsigned char)RESERVED[i].stem[0]]++;
    reserved_index.first[0] = 0;
    for (int b = 0; b < 256; b++)
        reserved_index.first[b + 1] = (uint16_t)(reserved_index.first[b] + count[b]);
    uint16_t fill[256];
    memcpy(fill, reserved_index.first, sizeof fill);
    for (size_t i = 0; i < N_RESERVED; i++) {
        reserved_index.order[fill[(unsigned char)RESERVED[i].stem[0]]++] = (uint16_t)i;
        reserved_index.len[i] = (uint8_t)strlen(RESERVED[i].stem);
    }
}

/* Would the lexicon find word s? One-word variants match it whole, prefix
 * variants by prefix; the first word of a longer variant counts as a match
 * too, since the rest of the phrase may follow by chance. */
static bool reserved_for_generated(const char *s, size_t n)
{
    unsigned char b = (unsigned char)s[0];
    for (uint16_t k = reserved_index.first[b]; k < reserved_index.first[b + 1]; k++) {
        uint16_t i = reserved_index.order[k];
        size_t len = reserved_index.len[i];
        bool prefix = RESERVED[i].kind == R_PREFIX || RESERVED[i].kind == R_FIRST_PREFIX;
        if ((prefix ? len <= n : len == n) && memcmp(s, RESERVED[i].stem, len) == 0)
            return true;
    }
    return false;
}

/* ------------------------------------------------------ function words */

/* How a function word behaves before a word that starts with a vowel. */
enum { F_PLAIN, F_ELIDE, F_SI };

typedef struct {
    const char *w;
    double per_million; /* tokens per million, French press (fr-1 tokens) */
    int kind;
    const char *elided; /* "l" for le and la, "d" for de ... */
} fixed_word;

/* Rough frequencies of French news text; elided forms (l', d', qu', n',
 * s', c') are not listed: they come from le, la, de, que, ne, se, ce, si
 * before a vowel, as in French, so their share follows the vocabulary. */
static const fixed_word FIXED[] = {
    {"de", 52000, F_ELIDE, "d"}, {"la", 30000, F_ELIDE, "l"}, {"le", 26000, F_ELIDE, "l"},
    {"les", 19000, F_PLAIN, 0}, {"et", 18000, F_PLAIN, 0}, {"à", 15000, F_PLAIN, 0},
    {"des", 15000, F_PLAIN, 0}, {"en", 10000, F_PLAIN, 0}, {"un", 9000, F_PLAIN, 0},
    {"une", 8000, F_PLAIN, 0}, {"du", 8000, F_PLAIN, 0}, {"que", 8500, F_ELIDE, "qu"},
    {"il", 7000, F_PLAIN, 0}, {"est", 6000, F_PLAIN, 0}, {"qui", 6000, F_PLAIN, 0},
    {"dans", 6000, F_PLAIN, 0}, {"pour", 6000, F_PLAIN, 0}, {"sur", 5500, F_PLAIN, 0},
    {"par", 5000, F_PLAIN, 0}, {"au", 5000, F_PLAIN, 0}, {"a", 5000, F_PLAIN, 0},
    {"plus", 4500, F_PLAIN, 0}, {"pas", 4000, F_PLAIN, 0}, {"ne", 4000, F_ELIDE, "n"},
    {"se", 3700, F_ELIDE, "s"}, {"ce", 3500, F_ELIDE, "c"}, {"avec", 3000, F_PLAIN, 0},
    {"sont", 2000, F_PLAIN, 0}, {"ont", 2000, F_PLAIN, 0}, {"aux", 2500, F_PLAIN, 0},
    {"son", 2500, F_PLAIN, 0}, {"sa", 2000, F_PLAIN, 0}, {"ses", 2000, F_PLAIN, 0},
    {"elle", 2000, F_PLAIN, 0}, {"ils", 2300, F_PLAIN, 0}, {"comme", 1800, F_PLAIN, 0},
    {"mais", 1800, F_PLAIN, 0}, {"été", 1700, F_PLAIN, 0}, {"ou", 1700, F_PLAIN, 0},
    {"cette", 1700, F_PLAIN, 0}, {"leur", 1300, F_PLAIN, 0}, {"y", 1000, F_PLAIN, 0},
    {"on", 1200, F_PLAIN, 0}, {"nous", 1000, F_PLAIN, 0}, {"tout", 1200, F_PLAIN, 0},
    {"fait", 1000, F_PLAIN, 0}, {"deux", 1200, F_PLAIN, 0}, {"aussi", 900, F_PLAIN, 0},
    {"selon", 700, F_PLAIN, 0}, {"entre", 800, F_PLAIN, 0}, {"sans", 700, F_PLAIN, 0},
    {"après", 800, F_PLAIN, 0}, {"depuis", 800, F_PLAIN, 0}, {"ans", 900, F_PLAIN, 0},
    {"être", 800, F_PLAIN, 0}, {"faire", 600, F_PLAIN, 0}, {"lors", 400, F_PLAIN, 0},
    {"sous", 500, F_PLAIN, 0}, {"même", 800, F_PLAIN, 0}, {"très", 600, F_PLAIN, 0},
    {"dont", 800, F_PLAIN, 0}, {"où", 700, F_PLAIN, 0}, {"si", 700, F_SI, "s"},
    {"ces", 1200, F_PLAIN, 0}, {"bien", 500, F_PLAIN, 0}, {"encore", 600, F_PLAIN, 0},
    {"déjà", 400, F_PLAIN, 0}, {"peut", 500, F_PLAIN, 0}, {"doit", 400, F_PLAIN, 0},
    {"avait", 400, F_PLAIN, 0}, {"était", 700, F_PLAIN, 0}, {"année", 400, F_PLAIN, 0},
    {"années", 400, F_PLAIN, 0}, {"contre", 600, F_PLAIN, 0}, {"notamment", 400, F_PLAIN, 0},
    {"jusqu'à", 300, F_PLAIN, 0}, {"aujourd'hui", 300, F_PLAIN, 0}, {"ainsi", 400, F_PLAIN, 0},
    {"alors", 400, F_PLAIN, 0}, {"pays", 600, F_PLAIN, 0}, {"monde", 500, F_PLAIN, 0},
    {"premier", 400, F_PLAIN, 0}, {"première", 400, F_PLAIN, 0}, {"nouveau", 350, F_PLAIN, 0},
    {"nouvelle", 350, F_PLAIN, 0}, {"autres", 500, F_PLAIN, 0}, {"plusieurs", 400, F_PLAIN, 0},
    {"chez", 300, F_PLAIN, 0}, {"vers", 300, F_PLAIN, 0}, {"dès", 200, F_PLAIN, 0},
    {"quand", 300, F_PLAIN, 0}, {"face", 250, F_PLAIN, 0}, {"part", 300, F_PLAIN, 0},
    {"fois", 300, F_PLAIN, 0}, {"temps", 300, F_PLAIN, 0}, {"millions", 400, F_PLAIN, 0},
    {"euros", 500, F_PLAIN, 0}, {"président", 600, F_PLAIN, 0}, {"ministre", 450, F_PLAIN, 0},
    {"projet", 400, F_PLAIN, 0}, {"société", 300, F_PLAIN, 0}, {"secteur", 300, F_PLAIN, 0},
    {"entreprise", 300, F_PLAIN, 0}, {"entreprises", 350, F_PLAIN, 0},
    {"politique", 300, F_PLAIN, 0}, {"public", 200, F_PLAIN, 0}, {"publique", 200, F_PLAIN, 0},
    {"économie", 200, F_PLAIN, 0}, {"économique", 200, F_PLAIN, 0}, {"européen", 200, F_PLAIN, 0},
    {"européenne", 200, F_PLAIN, 0}, {"national", 150, F_PLAIN, 0}, {"mondial", 150, F_PLAIN, 0},
    {"également", 300, F_PLAIN, 0}, {"cependant", 100, F_PLAIN, 0}, {"toutefois", 100, F_PLAIN, 0},
    {"c'est-à-dire", 30, F_PLAIN, 0}, {"peut-être", 60, F_PLAIN, 0}, {"au-delà", 40, F_PLAIN, 0},
    {"vis-à-vis", 20, F_PLAIN, 0}, {"quelqu'un", 30, F_PLAIN, 0}, {"dit", 300, F_PLAIN, 0},
    {"va", 250, F_PLAIN, 0}, {"estime", 150, F_PLAIN, 0}, {"explique", 150, F_PLAIN, 0},
    {"indique", 100, F_PLAIN, 0}, {"annoncé", 150, F_PLAIN, 0}, {"souligne", 100, F_PLAIN, 0},
    {"permet", 150, F_PLAIN, 0}, {"reste", 200, F_PLAIN, 0}, {"devient", 80, F_PLAIN, 0},
    {"semble", 80, F_PLAIN, 0}, {"compte", 100, F_PLAIN, 0}, {"Paris", 200, F_PLAIN, 0},
    {"Europe", 150, F_PLAIN, 0}, {"IA", 300, F_PLAIN, 0}, {"État", 250, F_PLAIN, 0},
    {"intelligence", 120, F_PLAIN, 0}, {"artificielle", 120, F_PLAIN, 0}, {"numérique", 250, F_PLAIN, 0},
    {"technologie", 120, F_PLAIN, 0}, {"technologies", 120, F_PLAIN, 0}, {"données", 150, F_PLAIN, 0},
    {"outils", 100, F_PLAIN, 0}, {"usages", 100, F_PLAIN, 0}, {"marché", 150, F_PLAIN, 0},
    {"ici", 100, F_PLAIN, 0}, {"là", 150, F_PLAIN, 0}, {"avant", 400, F_PLAIN, 0},
    {"moins", 400, F_PLAIN, 0}, {"afin", 150, F_PLAIN, 0}, {"enfin", 150, F_PLAIN, 0},
    {"leurs", 600, F_PLAIN, 0}, {"elles", 300, F_PLAIN, 0},
    {"côté", 250, F_PLAIN, 0}, {"plutôt", 120, F_PLAIN, 0}, {"bientôt", 50, F_PLAIN, 0},
    {"maîtrise", 60, F_PLAIN, 0}, {"connaître", 50, F_PLAIN, 0}, {"façon", 100, F_PLAIN, 0},
    {"français", 250, F_PLAIN, 0}, {"reçu", 40, F_PLAIN, 0},
};
#define N_FIXED (sizeof FIXED / sizeof FIXED[0])

/* Fraction of all tokens that are content words (the rest: FIXED). */
#define CONTENT_SHARE 0.48

/* ------------------------------------------------ the content vocabulary */

/* Onsets and nuclei of syllables. A syllable is one onset (consonants) and
 * one nucleus (vowels), so a word splits back into its syllables at the
 * consonant/vowel runs: distinct digit strings give distinct words. The
 * first syllable may lack an onset; the coda (final consonants) is chosen
 * by a hash of the word's number, so it adds no ambiguity either. */
static const char *const ONSETS[] = {"b", "c", "d", "f", "g", "j", "l", "m", "n", "p", "r", "s",
                                     "t", "v", "ch", "br", "cr", "tr", "pr", "gr", "pl", "fl", "h", "ç"};
static const char *const NUCLEI[] = {"a", "e", "i", "o", "u", "é", "è", "ê", "ou", "ai", "au", "eu", "oi", "ie"};
/* Nuclei that may start a word (no "ie...", "è...", "ê..." in French). */
static const char *const INITIAL_NUCLEI[] = {"a", "e", "i", "o", "u", "é", "ou", "ai", "au", "eu", "oi"};
#define N_INITIAL (sizeof INITIAL_NUCLEI / sizeof INITIAL_NUCLEI[0])
#define N_ONSETS (sizeof ONSETS / sizeof ONSETS[0])
#define N_NUCLEI (sizeof NUCLEI / sizeof NUCLEI[0])
#define MAX_SYL (N_ONSETS * N_NUCLEI + N_NUCLEI)

typedef struct {
    char s[8];
    uint8_t len;
} syllable;

/* Codas with weights out of 64: most French words end in a vowel letter. */
static const char *const CODAS[] = {"", "s", "r", "t", "n", "l", "x", "nt", "rt", "st", "rs"};
static const uint8_t CODA_WEIGHT[] = {30, 8, 7, 5, 4, 3, 1, 2, 1, 2, 1};
#define N_CODAS (sizeof CODAS / sizeof CODAS[0])

/* Prefixes of hyphenated words ("anti-xxx"). "néo" is kept apart: it marks
 * words moved out of the way of a reserved one. */
static const char *const HYPHEN_PREFIXES[] = {"anti", "contre", "auto", "micro", "post", "semi", "sous",
                                              "multi", "inter", "extra", "ex", "vice", "demi", "mini"};
#define N_HYPHEN (sizeof HYPHEN_PREFIXES / sizeof HYPHEN_PREFIXES[0])
#define HYPHEN_EVERY 32 /* one word in 32 is hyphenated */

#define WORD_MAX 160 /* longest word: a 2^63 rank is 9 syllables */
#define COPY_PAD 16  /* words are copied 16 bytes at a time (put_word) */

/* The content-word distribution: Zipf-Mandelbrot (r + Q)^-S1 over the
 * kernel, then a continuous power law of exponent S2 beyond it. Q shifts
 * the content ranks past the function words, so the merged rank-frequency
 * curve is one straight line on a log-log plot. */
#define ZIPF_Q 150.0
#define ZIPF_S1 1.05
#define ZIPF_S2 1.8
#define KERNEL 12000
#define TABLE_WORDS (1u << 18) /* words precomputed at start-up */
#define RANK_CAP (1ULL << 43)  /* rarer draws are drawn again */

typedef struct {
    syllable first[MAX_SYL], rest[MAX_SYL];
    uint32_t n_first, n_rest;
    /* words 0 .. TABLE_WORDS-1, for speed */
    char *arena; /* COPY_PAD readable bytes after the last word */
    char fixed_text[N_FIXED][32]; /* FIXED words, padded like the arena */
    uint32_t *off;
    uint8_t *len;
    uint8_t *vowel; /* starts with a vowel or h: takes l', d', qu' (EL_ALL) */
    alias_table kernel;
    double p_tail, tail_base;
    alias_table fixed; /* FIXED words, then one slot for "a content word" */
} vocabulary;

/* Classes of vowel-initial words for elision (see ELISION_CLASSES). */
enum { EL_NOUN = 1, EL_DET = 2, EL_PRON = 4, EL_PLURAL = 8, EL_ALL = 15 };

static bool is_vowel_start(const char *s)
{
    unsigned char c = (unsigned char)s[0];
    if (c && strchr("aeiouhAEIOUH", c))
        return true;
    /* é è ê à â î ô û and capitals, in UTF-8 (C3 xx) */
    if (c == 0xC3) {
        unsigned char d = (unsigned char)s[1];
        return d && strchr("\xa9\xa8\xaa\xa0\xa2\xae\xb4\xbb\x89\x88\x8a\x80\x82\x8e\x94\x9b", d);
    }
    return false;
}

/* A fixed shuffle (seed 42, not the corpus seed): word k is the same string
 * in every corpus, and neighbouring numbers do not look alike. */
static void shuffle_syllables(syllable *s, uint32_t n, uint64_t seed)
{
    rng r = {seed};
    for (uint32_t i = n; i > 1; i--) {
        uint32_t j = rng_below(&r, i);
        syllable t = s[i - 1];
        s[i - 1] = s[j], s[j] = t;
    }
}

/* "ç" only before a, o, u, as in French. */
static bool syllable_ok(const char *onset, const char *nucleus)
{
    if (strcmp(onset, "ç") == 0)
        return strchr("aou", nucleus[0]) != NULL;
    return true;
}

static void build_syllables(vocabulary *v)
{
    v->n_first = v->n_rest = 0;
    for (size_t o = 0; o < N_ONSETS; o++)
        for (size_t n = 0; n < N_NUCLEI; n++) {
            if (!syllable_ok(ONSETS[o], NUCLEI[n]))
                continue;
            syllable s;
            s.len = (uint8_t)snprintf(s.s, sizeof s.s, "%s%s", ONSETS[o], NUCLEI[n]);
            v->first[v->n_first++] = s;
            v->rest[v->n_rest++] = s;
        }
    for (size_t n = 0; n < N_INITIAL; n++) {
        syllable s;
        s.len = (uint8_t)snprintf(s.s, sizeof s.s, "%s", INITIAL_NUCLEI[n]);
        v->first[v->n_first++] = s;
    }
    shuffle_syllables(v->first, v->n_first, 42);
    shuffle_syllables(v->rest, v->n_rest, 43);
}

static size_t append(char *out, size_t at, const char *s, size_t n)
{
    memcpy(out + at, s, n);
    return at + n;
}

/* The stem of number b in a bijective mixed radix: the first syllable is
 * the lowest digit, so neighbouring numbers differ at the start. */
static size_t base_word(const vocabulary *v, uint64_t b, bool onset_first, char *out)
{
    uint64_t h = splitmix64(b ^ 0x5eedc0dau);
    size_t n = 0;
    const syllable *first = onset_first ? v->rest : v->first;
    uint32_t n_first = onset_first ? v->n_rest : v->n_first;
    const syllable *s = &first[b % n_first];
    n = append(out, n, s->s, s->len);
    b /= n_first;
    while (b) {
        b--;
        s = &v->rest[b % v->n_rest];
        n = append(out, n, s->s, s->len);
        b /= v->n_rest;
    }
    unsigned pick = (unsigned)(h & 63), c = 0;
    while (c + 1 < N_CODAS && pick >= CODA_WEIGHT[c])
        pick -= CODA_WEIGHT[c++];
    return append(out, n, CODAS[c], strlen(CODAS[c]));
}

/* Vowel and consonant openings of words ("en-", "ex-", "al-"): in French a
 * third of the words start with a vowel, which is what makes l', d' and
 * qu' frequent; syllables alone give few. The consonant is one that no
 * onset starts with, and a stem with an onset follows, so "en" + "tra"
 * cannot be read as another word's syllables. */
static const char *const OPENINGS[] = {"en", "in", "em", "im", "es", "ex",
                                       "al", "ar", "or", "an", "ad", "am"};
#define N_OPENINGS (sizeof OPENINGS / sizeof OPENINGS[0])

/* Word i of the unhyphenated words: one in 3 has an opening. */
static size_t plain_word(const vocabulary *v, uint64_t i, char *out)
{
    uint64_t q = i / 3, r = i % 3;
    if (r != 1)
        return base_word(v, 2 * q + (r == 2), false, out);
    const char *o = OPENINGS[q % N_OPENINGS];
    size_t n = append(out, 0, o, strlen(o));
    return n + base_word(v, q / N_OPENINGS, true, out + n);
}

/* Content word j (0 = most frequent): one in HYPHEN_EVERY is a prefix, a
 * hyphen and a stem; a third of the others open with a vowel. Distinct j
 * give distinct words. A word that a lexicon would match becomes
 * "néo-WORD", a form nothing else produces. (A short word may equal a
 * function word, "le" or "a": it then merely adds to its count.) */
static size_t content_word(const vocabulary *v, uint64_t j, char *out)
{
    size_t n;
    uint64_t t = j / HYPHEN_EVERY;
    if (j % HYPHEN_EVERY == HYPHEN_EVERY - 1) {
        const char *p = HYPHEN_PREFIXES[t % N_HYPHEN];
        n = append(out, 0, p, strlen(p));
        out[n++] = '-';
        n += base_word(v, t / N_HYPHEN, false, out + n);
    } else {
        n = plain_word(v, j - (j + 1) / HYPHEN_EVERY, out);
    }
    if (reserved_for_generated(out, n)) {
        memmove(out + 5, out, n);
        memcpy(out, "néo-", 5);
        n += 5;
    }
    return n;
}

/* Precomputed words: most tokens are among the first 2^18. */
static int build_word_table(vocabulary *v)
{
    size_t cap = (size_t)TABLE_WORDS * 16, used = 0;
    v->arena = malloc(cap);
    v->off = malloc(TABLE_WORDS * sizeof *v->off);
    v->len = malloc(TABLE_WORDS);
    v->vowel = malloc(TABLE_WORDS);
    if (!v->arena || !v->off || !v->len || !v->vowel)
        return -1;
    char w[WORD_MAX];
    for (uint32_t j = 0; j < TABLE_WORDS; j++) {
        size_t n = content_word(v, j, w);
        if (used + n + COPY_PAD > cap) {
            char *grown = realloc(v->arena, cap * 2);
            if (!grown)
                return -1;
            v->arena = grown, cap *= 2;
        }
        memcpy(v->arena + used, w, n);
        v->off[j] = (uint32_t)used, v->len[j] = (uint8_t)n;
        v->vowel[j] = is_vowel_start(w) ? EL_ALL : 0;
        used += n;
    }
    return 0;
}

static int build_distributions(vocabulary *v)
{
    double *w = malloc(KERNEL * sizeof *w);
    if (!w)
        return -1;
    double head = 0;
    for (uint32_t r = 0; r < KERNEL; r++)
        head += w[r] = pow(r + 1 + ZIPF_Q, -ZIPF_S1);
    /* Tail density c (x + Q)^-S2 for x > KERNEL + 1/2, continuous with the
     * kernel at its last rank. */
    double edge = KERNEL + 0.5 + ZIPF_Q;
    double c = pow(KERNEL + ZIPF_Q, ZIPF_S2 - ZIPF_S1);
    double tail = c * pow(edge, 1 - ZIPF_S2) / (ZIPF_S2 - 1);
    v->p_tail = tail / (head + tail);
    v->tail_base = edge;
    int rc = alias_build(&v->kernel, w, KERNEL);
    free(w);
    if (rc)
        return -1;
    double fw[N_FIXED + 1], fixed_total = 0;
    for (size_t i = 0; i < N_FIXED; i++)
        fixed_total += fw[i] = FIXED[i].per_million;
    fw[N_FIXED] = fixed_total * CONTENT_SHARE / (1 - CONTENT_SHARE);
    return alias_build(&v->fixed, fw, N_FIXED + 1);
}

/* A content word number: kernel by the alias table, tail by inverting the
 * power law's distribution function. */
static uint64_t draw_content(const vocabulary *v, rng *r)
{
    double u = rng_unit(r);
    if (u >= v->p_tail)
        return alias_draw(&v->kernel, r);
    for (;;) {
        double x = v->tail_base * pow(1 - rng_unit(r), -1 / (ZIPF_S2 - 1)) - ZIPF_Q;
        if (x < (double)RANK_CAP)
            return x < KERNEL + 0.5 ? KERNEL : (uint64_t)(x + 0.5) - 1;
    }
}

/* -------------------------------------- checks of the fixed word list */

/* Per function word: length, and how it meets elision. */
static struct {
    uint8_t len;
    bool vowel;     /* starts with a vowel */
    uint8_t takes;  /* EL_* classes: the elisions it follows (l'État, qu'il) */
    uint8_t elides; /* for le, la, de, que...: the classes it elides before */
    bool apos;      /* holds an apostrophe (aujourd'hui) */
} fixed_meta[N_FIXED];

/* Which elided words go before which vowel-initial words, so that "l'il"
 * or "n'État" are not written: le and la before nouns (l'État), de before
 * nouns, plurals and un/une (d'un, d'euros), que before un/une and
 * pronouns (qu'il), ne, se,
 * ce before pronouns and verbs (n'est, s'en, c'est). Content words take
 * them all. A vowel-initial function word outside these classes ("et",
 * "à") is not drawn after an elidable word. */
static const struct {
    const char *w;
    uint8_t cls;
} ELISION_CLASSES[] = {
    {"un", EL_DET}, {"une", EL_DET}, {"il", EL_PRON}, {"elle", EL_PRON}, {"ils", EL_PRON},
    {"elles", EL_PRON}, {"on", EL_PRON}, {"en", EL_PRON}, {"est", EL_PRON}, {"a", EL_PRON},
    {"ont", EL_PRON}, {"y", EL_PRON}, {"IA", EL_NOUN}, {"État", EL_NOUN}, {"Europe", EL_NOUN},
    {"entreprise", EL_NOUN}, {"entreprises", EL_PLURAL}, {"économie", EL_NOUN},
    {"euros", EL_PLURAL}, {"intelligence", EL_NOUN}, {"outils", EL_PLURAL}, {"usages", EL_PLURAL},
    {"année", EL_NOUN}, {"années", EL_PLURAL}, {"autres", EL_PLURAL}, {"aujourd'hui", EL_PLURAL},
    {"ici", EL_PLURAL}};

static uint8_t elision_class(const char *w)
{
    for (size_t i = 0; i < sizeof ELISION_CLASSES / sizeof ELISION_CLASSES[0]; i++)
        if (strcmp(w, ELISION_CLASSES[i].w) == 0)
            return ELISION_CLASSES[i].cls;
    return 0;
}

static uint8_t elides_before(const char *w)
{
    if (!strcmp(w, "le") || !strcmp(w, "la"))
        return EL_NOUN;
    if (!strcmp(w, "de"))
        return EL_NOUN | EL_DET | EL_PLURAL;
    if (!strcmp(w, "que"))
        return EL_DET | EL_PRON;
    return EL_PRON; /* ne, se, ce; si is K_SI */
}

/* Lower case of the ASCII letters and of É (the only capitals in FIXED). */
static void fold_simple(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    for (; *s && n + 2 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == 0xC3 && (unsigned char)s[1] == 0x89) {
            out[n++] = (char)0xC3, out[n++] = (char)0xA9, s++;
            continue;
        }
        out[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    out[n] = 0;
}

/* A programming error, not a user error: a function word would put noise
 * into the planted lexicon counts. */
static int check_fixed_words(void)
{
    for (size_t i = 0; i < N_FIXED; i++) {
        char f[64];
        fold_simple(FIXED[i].w, f, sizeof f);
        for (size_t k = 0; k < N_RESERVED; k++) {
            const reserved_word *rw = &RESERVED[k];
            if ((rw->kind == R_EXACT && strcmp(f, rw->stem) == 0) ||
                (rw->kind == R_PREFIX && starts_with(f, strlen(f), rw->stem))) {
                fprintf(stderr, "ngramq-gen: internal error: function word \"%s\" matches lexicon word \"%s\"\n",
                        FIXED[i].w, rw->stem);
                return -1;
            }
        }
        fixed_meta[i].len = (uint8_t)strlen(FIXED[i].w);
        if (fixed_meta[i].len >= 32) {
            fprintf(stderr, "ngramq-gen: internal error: function word \"%s\" is too long\n", FIXED[i].w);
            return -1;
        }
        fixed_meta[i].vowel = is_vowel_start(FIXED[i].w);
        fixed_meta[i].takes = elision_class(FIXED[i].w);
        fixed_meta[i].elides = FIXED[i].kind == F_ELIDE ? elides_before(FIXED[i].w) : 0;
        fixed_meta[i].apos = strchr(FIXED[i].w, '\'') != NULL;
    }
    return 0;
}

/* ------------------------------------------------ actors and topics */

/* Articles before a mention, for elision ("l'open source"). */
enum { ART_NONE, ART_LE, ART_LA, ART_LES, ART_UNE };

typedef struct {
    const char *text;
    int article;
} phrase;

typedef struct {
    const char *label; /* as in the lexicon files */
    double weight;     /* share of background mentions */
    phrase forms[6];   /* variants, as the press writes them */
} entity;

enum { A_MISTRAL, A_SCALEWAY, A_MACRON, A_OPENAI, A_META, N_PLANTED_ACTORS };
enum { T_OPENSOURCE, T_SOUV, T_NUCLEAR, T_INVEST, T_REGUL, N_PLANTED_TOPICS };

static const entity ACTORS[] = {
    [A_MISTRAL] = {"Mistral AI", 2, {{"Mistral AI", 0}, {"Mistral AI", 0}, {"Mistral", 0}}},
    [A_SCALEWAY] = {"Scaleway", 1, {{"Scaleway", 0}}},
    [A_MACRON] = {"Emmanuel Macron", 3,
                  {{"Emmanuel Macron", 0}, {"Macron", 0}, {"M. Macron", 0},
                   {"président de la République", ART_LE}, {"Élysée", ART_LE}, {"président Macron", ART_LE}}},
    [A_OPENAI] = {"OpenAI", 2, {{"OpenAI", 0}, {"OpenAI", 0}, {"ChatGPT", 0}}},
    [A_META] = {"Meta", 2, {{"Meta", 0}, {"Meta", 0}, {"Facebook", 0}}},
    {"Google", 2, {{"Google", 0}}},
    {"Microsoft", 1.5, {{"Microsoft", 0}}},
    {"Nvidia", 1, {{"Nvidia", 0}}},
    {"Hugging Face", 0.7, {{"Hugging Face", 0}}},
    {"Thierry Breton", 0.7, {{"Thierry Breton", 0}, {"commissaire Breton", ART_LE}}},
    {"Commission européenne", 1.5, {{"Commission européenne", ART_LA}}},
    {"Bpifrance", 0.5, {{"Bpifrance", 0}}},
    {"Xavier Niel", 0.5, {{"Xavier Niel", 0}}},
    {"Amazon", 1, {{"Amazon", 0}, {"AWS", 0}}},
    {"CNIL", 0.6, {{"CNIL", ART_LA}}},
};
#define N_ACTORS (sizeof ACTORS / sizeof ACTORS[0])

static const entity TOPICS[] = {
    [T_OPENSOURCE] = {"Open source", 1.5,
                      {{"open source", ART_LE}, {"open source", 0}, {"open-source", 0},
                       {"logiciel libre", ART_LE}, {"modèles ouverts", ART_LES}}},
    [T_SOUV] = {"Souveraineté", 2,
                {{"souveraineté", ART_LA}, {"souveraineté numérique", ART_LA}, {"souveraineté", 0},
                 {"autonomie stratégique", ART_LA}, {"souveraine", 0}}},
    [T_NUCLEAR] = {"Nucléaire", 1,
                   {{"nucléaire", ART_LE}, {"centrales nucléaires", ART_LES}, {"atome", ART_LE},
                    {"réacteurs nucléaires", ART_LES}, {"EPR", ART_LE}}},
    [T_INVEST] = {"Investissement", 2,
                  {{"investissement", ART_LE}, {"investissements", ART_LES}, {"levée de fonds", ART_UNE},
                   {"milliards", 0}, {"investisseurs", ART_LES}, {"financement", ART_LE}}},
    [T_REGUL] = {"Régulation", 2,
                 {{"régulation", ART_LA}, {"réglementation", ART_LA}, {"AI Act", ART_LE},
                  {"législation", ART_LA}, {"encadrement", ART_LE}, {"régulateurs", ART_LES}}},
    {"Cloud", 1, {{"cloud", ART_LE}}},
    {"Data centers", 1, {{"centres de données", ART_LES}, {"data centers", ART_LES}}},
    {"Cybersécurité", 1, {{"cybersécurité", ART_LA}}},
    {"Emploi", 1.5, {{"emploi", ART_LE}, {"emplois", ART_LES}, {"chômage", ART_LE}}},
    {"Santé", 1.5, {{"santé", ART_LA}, {"patients", ART_LES}}},
    {"Éducation", 1, {{"éducation", ART_LA}, {"enseignants", ART_LES}}},
    {"Désinformation", 1, {{"désinformation", ART_LA}, {"fake news", ART_LES}}},
    {"IA générative", 1, {{"IA générative", ART_LA}, {"chatbots", ART_LES}}},
    {"Concurrence", 1, {{"concurrence", ART_LA}, {"concurrents", ART_LES}}},
};
#define N_TOPICS (sizeof TOPICS / sizeof TOPICS[0])

typedef struct {
    int actor, topic;
    double p;       /* share of sentences that hold the pair */
    int from_year; /* 0: always; else only in documents dated that year or later */
} planted_pair;

static const planted_pair PLANTED[] = {
    {A_MISTRAL, T_OPENSOURCE, 0.0040, 0},
    {A_SCALEWAY, T_SOUV, 0.0030, 0},
    {A_MACRON, T_NUCLEAR, 0.0030, 0},
    {A_MISTRAL, T_INVEST, 0.0012, 0},
    {A_OPENAI, T_REGUL, 0.0050, 2023},
};
#define N_PLANTED (sizeof PLANTED / sizeof PLANTED[0])
#define AVOID_ACTOR A_META
#define AVOID_TOPIC T_SOUV
#define P_ACTOR 0.05 /* background actor mention, per sentence */
#define P_TOPIC 0.06 /* background topic mention, per sentence */

/* ------------------------------------------------------ outlets, dates */

typedef struct {
    const char *name;
    double weight;
    bool curly; /* writes ’ rather than ' */
} outlet;

static const outlet OUTLETS[] = {
    {"Le Courrier du Nord", 3, true},     {"La Tribune d'Argonne", 2, false},
    {"L'Observateur numérique", 2, true}, {"Le Petit Rhodanien", 1.5, false},
    {"Hebdo Tech", 1, false},             {"La Vigie", 1.5, true},
    {"Gazette des Territoires", 1, true},
};
#define N_OUTLETS (sizeof OUTLETS / sizeof OUTLETS[0])
#define FIRST_YEAR 2019
#define LAST_YEAR 2025
#define P_NO_DATE 0.04
#define P_NO_SOURCE 0.03

/* Days since 1970-01-01 to a civil date (H. Hinnant's algorithm). */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* ------------------------------------------------- the text generator */

/* One token of a sentence before rendering. */
enum { K_WORD, K_ELIDE, K_SI, K_PHRASE };

typedef struct {
    const char *s;
    const char *elided;
    uint16_t len;
    uint8_t kind;
    uint8_t takes;  /* EL_* classes of elided words that may go before it */
    uint8_t elides; /* K_ELIDE: the classes it elides before */
    bool apos;   /* holds an apostrophe, written in the house style */
} gtok;

#define MAX_TOKENS 96
#define SCRATCH 8192

typedef struct {
    const vocabulary *v;
    rng r;
    bool curly;  /* the document's apostrophe */
    int year;    /* 0: undated */
    gtok t[MAX_TOKENS];
    int n;
    char scratch[SCRATCH + COPY_PAD]; /* rare words, numbers, mentions */
    size_t scratch_used;
    char *out; /* the document's JSON line */
    size_t len, cap;
    uint64_t words;
} gen;

static gtok *push_raw(gen *g, const char *s, size_t len, int kind)
{
    static gtok sink;
    if (g->n >= MAX_TOKENS)
        return &sink;
    gtok *t = &g->t[g->n++];
    t->s = s, t->len = (uint16_t)len, t->kind = (uint8_t)kind, t->elided = NULL;
    t->takes = 0, t->elides = 0, t->apos = false;
    return t;
}

static char *scratch_take(gen *g, size_t n);

/* A word made here (names, numbers, rare words, in the scratch area): its
 * flags are computed. */
static void push(gen *g, const char *s, size_t len, int kind, const char *elided)
{
    gtok *t = push_raw(g, s, len, kind);
    t->elided = elided;
    t->takes = is_vowel_start(s) ? EL_ALL : 0;
    t->apos = memchr(s, '\'', len) != NULL;
}

/* A literal ("M.", an article, a first name), copied to the scratch area
 * for put_padded. */
static void push_copy(gen *g, const char *lit, int kind, const char *elided)
{
    size_t len = strlen(lit);
    char *p = scratch_take(g, len);
    if (p)
        push(g, memcpy(p, lit, len), len, kind, elided);
}

static char *scratch_take(gen *g, size_t n)
{
    if (g->scratch_used + n > SCRATCH)
        return NULL;
    char *p = g->scratch + g->scratch_used;
    g->scratch_used += n;
    return p;
}

static void push_content(gen *g, uint64_t j)
{
    const vocabulary *v = g->v;
    if (j < TABLE_WORDS) {
        push_raw(g, v->arena + v->off[j], v->len[j], K_WORD)->takes = v->vowel[j];
        return;
    }
    char w[WORD_MAX];
    size_t n = content_word(v, j, w);
    char *p = scratch_take(g, n);
    if (p)
        push(g, memcpy(p, w, n), n, K_WORD, NULL);
}

static void push_fixed(gen *g, size_t i)
{
    const fixed_word *f = &FIXED[i];
    int kind = f->kind == F_ELIDE ? K_ELIDE : f->kind == F_SI ? K_SI : K_WORD;
    gtok *t = push_raw(g, g->v->fixed_text[i], fixed_meta[i].len, kind);
    t->elided = f->elided;
    t->takes = fixed_meta[i].takes;
    t->elides = fixed_meta[i].elides;
    t->apos = fixed_meta[i].apos;
}

/* After le, la, de, que... a vowel-initial function word that French does
 * not elide before ("le et") is drawn again. */
static bool awkward_after(const gen *g, uint32_t i)
{
    if (g->n == 0 || !fixed_meta[i].vowel)
        return false;
    const gtok *prev = &g->t[g->n - 1];
    if (prev->kind == K_SI) /* s'il, s'ils; never "si elle" */
        return strcmp(FIXED[i].w, "il") != 0 && strcmp(FIXED[i].w, "ils") != 0;
    return prev->kind == K_ELIDE && !(prev->elides & fixed_meta[i].takes);
}

static void push_number(gen *g)
{
    char *p = scratch_take(g, 24);
    if (!p)
        return;
    uint32_t k = rng_below(&g->r, 100);
    int n;
    if (k < 40)
        n = snprintf(p, 24, "%u", 2 + rng_below(&g->r, 98));
    else if (k < 55)
        n = snprintf(p, 24, "%u", 100 + rng_below(&g->r, 900));
    else if (k < 70)
        n = snprintf(p, 24, "%u", 1990 + rng_below(&g->r, 36));
    else {
        /* one draw a statement: the order of function arguments is
         * unspecified, and the bytes must not depend on the compiler */
        uint32_t units = k < 85 ? 1 + rng_below(&g->r, 20) : rng_below(&g->r, 60);
        uint32_t tenths = k < 85 ? rng_below(&g->r, 10) : 1 + rng_below(&g->r, 9);
        n = snprintf(p, 24, k < 85 ? "%u,%u" : "%u,%u %%", units, tenths);
    }
    push(g, p, (size_t)n, K_WORD, NULL);
}

static const char *const FIRST_NAMES[] = {
    "Camille", "Julien", "Sophie", "Nicolas", "Isabelle", "Pierre", "Marie", "Lucie", "Antoine",
    "Hélène", "François", "Nathalie", "Olivier", "Céline", "Mathieu", "Élodie", "Laurent", "Aurélie",
    "Benoît", "Chloé", "Grégoire", "Inès", "Jérôme", "Léa", "Stéphane", "Margaux", "Hugo", "Agnès",
    "Rémi", "Zoé", "Jean-Luc", "Anne-Sophie", "Marie-Hélène", "Éric"};
#define N_FIRST_NAMES (sizeof FIRST_NAMES / sizeof FIRST_NAMES[0])

/* A capitalised content word of at least 4 bytes from a pool of rarer
 * words: surnames and place names are made of the same syllables. */
static void push_name(gen *g, uint32_t pool_start)
{
    const vocabulary *v = g->v;
    uint32_t j = pool_start + (uint32_t)(alias_draw(&v->kernel, &g->r) % 4000) * 7;
    while (v->len[j] < 4 || memchr(v->arena + v->off[j], '-', v->len[j]))
        j++;
    char *p = scratch_take(g, v->len[j] + 1);
    if (!p)
        return;
    memcpy(p, v->arena + v->off[j], v->len[j]);
    /* capitalise: ASCII or a two-byte Latin-1 lower case letter */
    if (p[0] >= 'a' && p[0] <= 'z')
        p[0] = (char)(p[0] - 32);
    else if ((unsigned char)p[0] == 0xC3)
        p[1] = (char)(p[1] - 0x20);
    push(g, p, v->len[j], K_WORD, NULL);
}

static void push_person(gen *g)
{
    uint32_t k = rng_below(&g->r, 10);
    if (k < 3)
        push_copy(g, "M.", K_WORD, NULL);
    else if (k < 5)
        push_copy(g, "Mme", K_WORD, NULL);
    else
        push_copy(g, FIRST_NAMES[rng_below(&g->r, N_FIRST_NAMES)], K_WORD, NULL);
    push_name(g, 20000);
}

/* One word of running text: a function word, a content word, or now and
 * then a number or a name. */
static void push_any(gen *g)
{
    const vocabulary *v = g->v;
    uint32_t i = alias_draw(&v->fixed, &g->r);
    for (int tries = 0; tries < 4 && i < N_FIXED && awkward_after(g, i); tries++)
        i = alias_draw(&v->fixed, &g->r);
    if (i < N_FIXED) {
        push_fixed(g, i);
        return;
    }
    uint32_t k = rng_below(&g->r, 1000);
    if (k < 18)
        push_number(g);
    else if (k < 30)
        push_person(g);
    else if (k < 36)
        push_name(g, 60000);
    else
        push_content(g, draw_content(v, &g->r));
}

/* A sentence never ends in a token the abbreviation rule of
 * TOKENIZATION.md section 7 would take for "M." or a single letter: the
 * last word is a content word of 4 bytes or more. */
static void push_last(gen *g)
{
    const vocabulary *v = g->v;
    for (;;) {
        uint64_t j = draw_content(v, &g->r);
        if (j >= TABLE_WORDS || v->len[j] >= 4) {
            push_content(g, j);
            return;
        }
    }
}

static const char *const ARTICLES[] = {[ART_LE] = "le", [ART_LA] = "la", [ART_LES] = "les", [ART_UNE] = "une"};

/* Inserts a mention (its article, then its words) at a random place. */
static void insert_mention(gen *g, const entity *e)
{
    int nf = 0;
    while (nf < 6 && e->forms[nf].text)
        nf++;
    const phrase *ph = &e->forms[rng_below(&g->r, (uint32_t)nf)];
    int k = (ph->article && rng_chance(&g->r, 0.6)) ? 2 : 1;
    if (g->n + k > MAX_TOKENS)
        return;
    int at = (int)rng_below(&g->r, (uint32_t)g->n + 1);
    memmove(&g->t[at + k], &g->t[at], (size_t)(g->n - at) * sizeof g->t[0]);
    int save = g->n;
    g->n = at;
    if (k == 2) {
        bool elidable = ph->article == ART_LE || ph->article == ART_LA;
        push_copy(g, ARTICLES[ph->article], elidable ? K_ELIDE : K_WORD, "l");
        g->t[g->n - 1].elides = EL_ALL;
    }
    /* copied, so that every token has COPY_PAD bytes after it */
    size_t len = strlen(ph->text);
    char *p = scratch_take(g, len);
    if (p)
        push(g, memcpy(p, ph->text, len), len, K_PHRASE, NULL);
    g->n = save + k;
}

static size_t draw_weighted_entity(gen *g, const entity *list, size_t n)
{
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += list[i].weight;
    double u = rng_unit(&g->r) * total;
    for (size_t i = 0; i < n; i++) {
        if (u < list[i].weight)
            return i;
        u -= list[i].weight;
    }
    return n - 1;
}

/* The mentions of one sentence: a planted pair, or independent background
 * mentions with the avoided pair drawn again. */
static void add_mentions(gen *g)
{
    double u = rng_unit(&g->r);
    for (size_t i = 0; i < N_PLANTED; i++) {
        const planted_pair *pp = &PLANTED[i];
        bool active = !pp->from_year || (g->year && g->year >= pp->from_year);
        if (active && u < pp->p) {
            insert_mention(g, &ACTORS[pp->actor]);
            insert_mention(g, &TOPICS[pp->topic]);
            return;
        }
        if (active)
            u -= pp->p;
    }
    size_t a = SIZE_MAX, t = SIZE_MAX;
    if (rng_chance(&g->r, P_ACTOR))
        a = draw_weighted_entity(g, ACTORS, N_ACTORS);
    if (rng_chance(&g->r, P_TOPIC))
        do
            t = draw_weighted_entity(g, TOPICS, N_TOPICS);
        while (a == AVOID_ACTOR && t == AVOID_TOPIC);
    if (a != SIZE_MAX)
        insert_mention(g, &ACTORS[a]);
    if (t != SIZE_MAX)
        insert_mention(g, &TOPICS[t]);
}

/* ----------------------------------------------------------- rendering */

static inline void put(gen *g, const char *s, size_t n)
{
    memcpy(g->out + g->len, s, n);
    g->len += n;
}

/* A token's bytes, 16 at a time: every token lies in the word arena, the
 * padded function words or the scratch area, with COPY_PAD bytes after it,
 * and the output has room (SENTENCE_ROOM), so fixed-size copies that the
 * compiler inlines replace a call to memcpy per word. */
static inline void put_padded(gen *g, const char *s, size_t n)
{
    char *d = g->out + g->len;
    for (size_t i = 0; i < n; i += 16)
        memcpy(d + i, s + i, 16);
    g->len += n;
}

#define PUTS(g, lit) put(g, lit, sizeof lit - 1)

static void put_apostrophe(gen *g)
{
    /* one slip in 30 from the house style, as in real archives */
    bool curly = g->curly ^ (rng_below(&g->r, 30) == 0);
    if (curly)
        PUTS(g, "\xe2\x80\x99");
    else
        PUTS(g, "'");
}

/* Copies a word, replacing ' by the document's apostrophe, and
 * capitalising its first letter at a sentence start. */
static void put_word(gen *g, const char *s, size_t n, bool apos, bool cap)
{
    size_t start = g->len;
    const char *q;
    while (apos && (q = memchr(s, '\'', n)) != NULL) {
        put(g, s, (size_t)(q - s));
        put_apostrophe(g);
        n -= (size_t)(q - s) + 1, s = q + 1;
    }
    put_padded(g, s, n);
    if (!cap)
        return;
    unsigned char *p = (unsigned char *)g->out + start;
    if (p[0] >= 'a' && p[0] <= 'z')
        p[0] -= 32;
    else if (p[0] == 0xC3 && p[1] >= 0xA0 && p[1] <= 0xBE && p[1] != 0xB7)
        p[1] -= 0x20;
}

/* Does token i take the elided form before token i+1 ("l'", "qu'", "s'il")? */
static bool elides(const gen *g, int i)
{
    const gtok *t = &g->t[i];
    if (i + 1 >= g->n || (t->kind != K_ELIDE && t->kind != K_SI))
        return false;
    const gtok *next = &g->t[i + 1];
    if (t->kind == K_SI)
        return (next->len == 2 || (next->len == 3 && next->s[2] == 's')) && memcmp(next->s, "il", 2) == 0;
    return (t->elides & next->takes) != 0;
}

static void render_tokens(gen *g, bool commas)
{
    bool cap = true;
    for (int i = 0; i < g->n; i++) {
        const gtok *t = &g->t[i];
        if (elides(g, i)) {
            size_t start = g->len;
            put(g, t->elided, strlen(t->elided));
            if (cap)
                g->out[start] = (char)(g->out[start] - 32); /* l d qu n s c: ASCII */
            put_apostrophe(g);
            cap = false;
            continue;
        }
        put_word(g, t->s, t->len, t->apos, cap);
        cap = false;
        if (i + 1 == g->n)
            break;
        /* no comma after an article or before the last word */
        if (commas && t->kind == K_WORD && i + 2 < g->n && rng_below(&g->r, 100) < 6)
            PUTS(g, ",");
        PUTS(g, " ");
    }
}

static void sentence_tokens(gen *g, int words)
{
    g->n = 0;
    g->scratch_used = 0;
    for (int i = 0; i < words - 1; i++)
        push_any(g);
    push_last(g);
    add_mentions(g);
    g->words += (uint64_t)g->n;
}

static int sentence_length(gen *g)
{
    /* 6 to 40 words, mean about 19, like news prose */
    return 6 + (int)rng_below(&g->r, 12) + (int)rng_below(&g->r, 12) + (int)rng_below(&g->r, 12);
}

static const char *const SAY[] = {"a déclaré", "estime", "explique", "affirme", "souligne", "précise"};

/* One sentence with its terminator. One in 25 is a quotation:
 * « ... », a déclaré NAME. */
static void write_sentence(gen *g)
{
    sentence_tokens(g, sentence_length(g));
    bool quote = rng_below(&g->r, 25) == 0;
    if (quote)
        PUTS(g, "« ");
    render_tokens(g, true);
    if (quote) {
        PUTS(g, " », ");
        const char *say = SAY[rng_below(&g->r, sizeof SAY / sizeof SAY[0])];
        put(g, say, strlen(say));
        PUTS(g, " ");
        g->n = 0, g->scratch_used = 0;
        push_person(g);
        for (int i = 0; i < g->n; i++) {
            put(g, g->t[i].s, g->t[i].len);
            if (i + 1 < g->n)
                PUTS(g, " ");
        }
        g->words += (uint64_t)g->n + 2;
    }
    uint32_t k = rng_below(&g->r, 100);
    if (k < 92)
        PUTS(g, ".");
    else if (k < 96)
        PUTS(g, " ?");
    else if (k < 98)
        PUTS(g, " !");
    else
        PUTS(g, "…");
}

static void write_title(gen *g)
{
    sentence_tokens(g, 4 + (int)rng_below(&g->r, 9));
    render_tokens(g, false);
    if (rng_below(&g->r, 10) == 0)
        PUTS(g, " ?");
}

#define DOC_BUF (1u << 20)
#define SENTENCE_ROOM 16384 /* more than any sentence renders to */

/* The body: paragraphs of 1 to 6 sentences until the word target. */
static void write_body(gen *g, uint32_t target)
{
    uint64_t start = g->words;
    bool first = true;
    while (g->words - start < target && g->len + 7 * SENTENCE_ROOM < g->cap) {
        if (!first)
            PUTS(g, "\\n\\n");
        first = false;
        uint32_t sentences = 1 + rng_below(&g->r, 6);
        for (uint32_t s = 0; s < sentences && g->words - start < target; s++) {
            if (s)
                PUTS(g, " ");
            write_sentence(g);
        }
    }
}

static void write_meta(gen *g, uint64_t seed, uint64_t doc)
{
    char buf[128];
    int n = snprintf(buf, sizeof buf, "{\"id\":\"gen%" PRIu64 "-%09" PRIu64 "\",\"date\":", seed, doc);
    put(g, buf, (size_t)n);
    g->year = 0;
    if (rng_chance(&g->r, P_NO_DATE)) {
        PUTS(g, "null");
    } else {
        int64_t first = days_from_civil(FIRST_YEAR, 1, 1), last = days_from_civil(LAST_YEAR, 12, 31);
        int y, m, d;
        civil_from_days(first + rng_below(&g->r, (uint32_t)(last - first + 1)), &y, &m, &d);
        n = snprintf(buf, sizeof buf, "\"%04d-%02d-%02d\"", y, m, d);
        put(g, buf, (size_t)n);
        g->year = y;
    }
    PUTS(g, ",\"source\":");
    if (rng_chance(&g->r, P_NO_SOURCE)) {
        PUTS(g, "null");
        g->curly = rng_below(&g->r, 2);
        return;
    }
    double total = 0;
    for (size_t i = 0; i < N_OUTLETS; i++)
        total += OUTLETS[i].weight;
    double u = rng_unit(&g->r) * total;
    size_t o = 0;
    while (o + 1 < N_OUTLETS && u >= OUTLETS[o].weight)
        u -= OUTLETS[o++].weight;
    PUTS(g, "\"");
    put(g, OUTLETS[o].name, strlen(OUTLETS[o].name));
    PUTS(g, "\"");
    g->curly = OUTLETS[o].curly;
}

/* Document `doc` of the corpus of `seed`, as one JSON line in g->out. */
static void write_document(gen *g, uint64_t seed, uint64_t doc)
{
    g->r.s = splitmix64(splitmix64(seed) ^ splitmix64(doc + 0x1234567ULL));
    g->len = 0;
    write_meta(g, seed, doc);
    PUTS(g, ",\"title\":\"");
    write_title(g);
    PUTS(g, "\",\"text\":\"");
    /* log-uniform between 100 and 1,500 words */
    uint32_t target = (uint32_t)(100.0 * exp(rng_unit(&g->r) * log(15.0)));
    write_body(g, target);
    PUTS(g, "\"}\n");
}

/* ------------------------------------------------------------ options */

typedef struct {
    uint64_t size; /* 0: no limit */
    uint64_t docs; /* 0: no limit */
    uint64_t seed;
    const char *output;
    bool stats;
} options;

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!*s || *s == '-')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

/* "100M" -> 100 * 2^20; K, M, G, T, optionally followed by B or iB. */
static int parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!*s || *s == '-')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    int shift = 0;
    switch (*end) {
    case 'k': case 'K': shift = 10, end++; break;
    case 'm': case 'M': shift = 20, end++; break;
    case 'g': case 'G': shift = 30, end++; break;
    case 't': case 'T': shift = 40, end++; break;
    default: break;
    }
    if (shift && end[0] == 'i' && end[1] == 'B')
        end += 2;
    else if (*end == 'B')
        end++;
    if (*end || v > (UINT64_MAX >> shift))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "ngramq-gen: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    fprintf(stderr, "Run 'ngramq-gen --help' for usage.\n");
    return 2;
}

static void print_reserved(void)
{
    static const char *const kinds[] = {[R_EXACT] = "exact", [R_PREFIX] = "prefix", [R_FIRST] = "first",
                                        [R_FIRST_PREFIX] = "first-prefix"};
    for (size_t i = 0; i < N_RESERVED; i++)
        printf("%s\t%s\n", RESERVED[i].stem, kinds[RESERVED[i].kind]);
}

/* Returns -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, options *o)
{
    enum { O_SIZE = 256, O_DOCS, O_SEED, O_STATS, O_RESERVED };
    static const struct option longs[] = {
        {"size", required_argument, 0, O_SIZE},   {"docs", required_argument, 0, O_DOCS},
        {"seed", required_argument, 0, O_SEED},   {"output", required_argument, 0, 'o'},
        {"stats", no_argument, 0, O_STATS},       {"reserved", no_argument, 0, O_RESERVED},
        {"help", no_argument, 0, 'h'},            {0, 0, 0, 0}};
    *o = (options){.seed = 1};
    bool limited = false;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:h", longs, NULL)) != -1) {
        switch (c) {
        case O_SIZE:
            if (parse_size(optarg, &o->size) || o->size == 0)
                return usage_error("--size wants a positive number of bytes, with K, M, G or T", optarg);
            limited = true;
            break;
        case O_DOCS:
            if (parse_u64(optarg, &o->docs) || o->docs == 0)
                return usage_error("--docs wants a positive integer", optarg);
            limited = true;
            break;
        case O_SEED:
            if (parse_u64(optarg, &o->seed))
                return usage_error("--seed wants an unsigned 64-bit integer", optarg);
            break;
        case 'o': o->output = optarg; break;
        case O_STATS: o->stats = true; break;
        case O_RESERVED: print_reserved(); return 0;
        case 'h': fputs(usage_text, stdout); return 0;
        default: return usage_error("unknown or incomplete option", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument", argv[optind]);
    if (!limited)
        return usage_error("say how much to write: --size SIZE or --docs N", NULL);
    return -1;
}

/* ---------------------------------------------------------------- main */

static int vocabulary_init(vocabulary *v)
{
    build_syllables(v);
    build_reserved_index();
    if (check_fixed_words())
        return -1;
    for (size_t i = 0; i < N_FIXED; i++)
        memcpy(v->fixed_text[i], FIXED[i].w, fixed_meta[i].len); /* < 32: checked */
    if (build_distributions(v) || build_word_table(v)) {
        fprintf(stderr, "ngramq-gen: out of memory building the vocabulary\n");
        return -1;
    }
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Large writes: documents gather in a buffer of OUT_BUF bytes, written in
 * one call, so a corpus costs a few thousand system calls per GB. */
#define OUT_BUF (1u << 22)

typedef struct {
    FILE *f;
    const char *name;
    char *buf;
    size_t len;
} sink;

static int sink_flush(sink *k)
{
    if (k->len && fwrite(k->buf, 1, k->len, k->f) != k->len) {
        fprintf(stderr, "ngramq-gen: %s: write failed: %s\n", k->name, strerror(errno));
        return -1;
    }
    k->len = 0;
    return 0;
}

static int sink_write(sink *k, const char *s, size_t n)
{
    if (k->len + n > OUT_BUF && sink_flush(k))
        return -1;
    if (n > OUT_BUF) /* larger than the buffer (not with DOC_BUF < OUT_BUF) */
        return fwrite(s, 1, n, k->f) == n ? 0 : -1;
    memcpy(k->buf + k->len, s, n);
    k->len += n;
    return 0;
}

static int generate(const options *o, const vocabulary *v, sink *k)
{
    uint64_t bytes = 0, doc = 0;
    double t0 = now_s();
    gen *g = calloc(1, sizeof *g);
    if (!g || !(g->out = malloc(DOC_BUF))) {
        free(g);
        fprintf(stderr, "ngramq-gen: out of memory\n");
        return 1;
    }
    g->v = v, g->cap = DOC_BUF;
    int rc = 0;
    while (!o->docs || doc < o->docs) {
        write_document(g, o->seed, doc);
        if (o->size && bytes + g->len > o->size)
            break;
        if (sink_write(k, g->out, g->len)) {
            rc = 1;
            break;
        }
        bytes += g->len, doc++;
    }
    free(g->out), free(g);
    if (rc || sink_flush(k))
        return 1;
    if (fflush(k->f) || ferror(k->f)) {
        fprintf(stderr, "ngramq-gen: %s: write failed: %s\n", k->name, strerror(errno));
        return 1;
    }
    double dt = now_s() - t0;
    if (o->stats)
        fprintf(stderr, "ngramq-gen: %" PRIu64 " documents, %" PRIu64 " bytes, %.2f s, %.1f MB/s\n", doc, bytes,
                dt, dt > 0 ? bytes / dt / 1e6 : 0.0);
    if (o->size && doc == 0)
        fprintf(stderr, "ngramq-gen: warning: --size %" PRIu64 " is smaller than the first document\n", o->size);
    return 0;
}

static void vocabulary_free(vocabulary *v)
{
    free(v->arena), free(v->off), free(v->len), free(v->vowel);
    free(v->kernel.alias), free(v->kernel.cut), free(v->fixed.alias), free(v->fixed.cut);
    free(v);
}

static int open_output(const options *o, sink *k)
{
    if (!o->output)
        return 0;
    k->name = o->output;
    if (!(k->f = fopen(o->output, "wb"))) {
        fprintf(stderr, "ngramq-gen: cannot open %s for writing: %s\n", o->output, strerror(errno));
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    options o;
    int rc = parse_options(argc, argv, &o);
    if (rc >= 0)
        return rc;
    vocabulary *v = calloc(1, sizeof *v);
    sink k = {stdout, "standard output", malloc(OUT_BUF), 0};
    rc = 1;
    if (!v || !k.buf)
        fprintf(stderr, "ngramq-gen: out of memory\n");
    else if (vocabulary_init(v) == 0 && open_output(&o, &k) == 0) {
        rc = generate(&o, v, &k);
        if (o.output && fclose(k.f) && rc == 0) {
            fprintf(stderr, "ngramq-gen: %s: close failed: %s\n", k.name, strerror(errno));
            rc = 1;
        }
    }
    free(k.buf);
    if (v)
        vocabulary_free(v);
    return rc;
}
