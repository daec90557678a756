/* The built-in French stopword list: data/stopwords/fr.txt, compiled in.
 * tests/test_stopwords.c checks that the two are identical, in order, and
 * that every entry is its own normal form under the fr-1 tokenizer; edit
 * both together. */
#include "stopwords.h"

static const char *const fr_list[] = {
    /* Articles and determiners */
    "le", "la", "les", "l'", "un", "une", "des", "du", "de", "d'", "au", "aux", "ce", "cet", "cette", "ces",
    "mon", "ma", "mes", "ton", "ta", "tes", "son", "sa", "ses", "notre", "nos", "votre", "vos", "leur",
    "leurs", "quel", "quelle", "quels", "quelles", "chaque", "plusieurs", "certain", "certaine", "certains",
    "certaines", "aucun", "aucune", "nul", "nulle", "tout", "toute", "tous", "toutes", "autre", "autres",
    "même", "mêmes", "tel", "telle", "tels", "telles", "quelque", "quelques", "divers", "diverses",
    "différents", "différentes",
    /* Pronouns */
    "je", "j'", "tu", "il", "elle", "on", "nous", "vous", "ils", "elles", "me", "m'", "te", "t'", "se", "s'",
    "moi", "toi", "soi", "lui", "eux", "y", "en", "qui", "que", "qu'", "quoi", "dont", "où", "lequel",
    "laquelle", "lesquels", "lesquelles", "duquel", "auquel", "auxquels", "auxquelles", "desquels",
    "desquelles", "celui", "celle", "ceux", "celles", "ceci", "cela", "ça", "c'", "ç'", "celui-ci",
    "celle-ci", "ceux-ci", "celles-ci", "celui-là", "celle-là", "ceux-là", "celles-là", "rien", "chacun",
    "chacune", "quiconque", "quelqu'un", "autrui",
    /* Prepositions */
    "à", "dans", "par", "pour", "vers", "avec", "sans", "sous", "sur", "chez", "entre", "parmi", "depuis",
    "pendant", "avant", "après", "contre", "selon", "malgré", "durant", "dès", "jusqu'", "jusque", "hors",
    "outre", "via", "envers", "près", "lors", "auprès", "face", "derrière", "devant", "hormis", "sauf",
    "concernant",
    /* Conjunctions */
    "et", "ou", "mais", "donc", "or", "ni", "car", "si", "comme", "quand", "lorsque", "lorsqu'", "puisque",
    "puisqu'", "quoique", "quoiqu'", "tandis", "afin", "parce", "sinon", "soit",
    /* être */
    "être", "est", "sont", "suis", "es", "sommes", "êtes", "était", "étaient", "étais", "étions", "été",
    "sera", "seront", "serait", "seraient", "serai", "serons", "soient", "fut", "furent", "étant",
    /* avoir */
    "avoir", "a", "ai", "as", "avons", "avez", "ont", "avait", "avaient", "avais", "avions", "eu", "aura",
    "auront", "aurait", "auraient", "aurai", "ait", "aient", "ayant", "eut",
    /* faire */
    "faire", "fait", "font", "faisait", "faisaient", "fera", "feront", "ferait", "feraient", "fasse", "faits",
    "faite", "faites",
    /* pouvoir, devoir, aller, falloir */
    "pouvoir", "peut", "peuvent", "pouvait", "pouvaient", "pourra", "pourront", "pourrait", "pourraient",
    "pu", "puisse", "doit", "doivent", "devait", "devrait", "devraient", "va", "vont", "allait", "faut",
    "fallait", "faudra", "faudrait",
    /* Inverted forms the tokenizer keeps whole */
    "est-ce", "est-il", "est-elle", "a-t-il", "a-t-elle", "peut-on", "peut-être",
    /* Adverbs */
    "ne", "n'", "pas", "plus", "très", "aussi", "bien", "encore", "déjà", "toujours", "jamais", "peu",
    "beaucoup", "trop", "moins", "tant", "ici", "là", "alors", "puis", "ensuite", "enfin", "non", "oui",
    "seulement", "surtout", "souvent", "parfois", "presque", "assez", "environ", "notamment", "également",
    "ainsi", "cependant", "pourtant", "toutefois", "néanmoins", "désormais", "aujourd'hui", "hier", "demain",
    "maintenant", "autant", "ailleurs", "plutôt", "vraiment", "comment", "pourquoi", "combien", "tellement",
    "guère", "aussitôt", "tard", "tôt", "longtemps", "davantage", "voire", "quasi", "quasiment", "certes",
    "ensemble", "partout", "dessus", "dessous", "autour", "là-bas",
    /* Common in press prose: titles, numbers written out */
    "m", "mme", "mmes", "mlle", "deux", "trois",
};

const char *const *nq_stopwords_fr_list(size_t *n)
{
    *n = sizeof fr_list / sizeof *fr_list;
    return fr_list;
}
