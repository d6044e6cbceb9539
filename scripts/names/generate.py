#!/usr/bin/env python3
"""Writes data/names/<CODE>.tsv from the person-name data of two MIT-licensed packages.

Sources (both MIT, see data/names/LICENSES):
  * Faker (Python), the PyPI package `Faker`, version FAKER_VERSION below:
        pip download --no-deps -d DIR Faker==40.63.0 && python3 -m zipfile -e DIR/faker-*.whl PYDIR
  * @faker-js/faker, the npm package, version FAKERJS_VERSION below:
        npm pack @faker-js/faker@10.6.0 && tar xzf faker-js-faker-10.6.0.tgz -C JSDIR

Usage: python3 scripts/names/generate.py PYDIR JSDIR/package [OUTDIR]

The script only selects, merges, caps and re-spells what the packages carry: where a package gives
frequency weights (Faker's OrderedDicts, from the national statistics cited in its sources) they
are kept; otherwise every name has weight 1. Gendered family-name forms are paired with rules of
the language, and a pair is kept only when the package lists that female form (where it has a
female list). Non-Latin scripts get their official romanisation (ELOT 743, the Bulgarian
Streamlined System, the official Macedonian romanisation).
"""

import importlib
import json
import os
import subprocess
import sys
import unicodedata
from collections import OrderedDict

FAKER_VERSION = "40.63.0"
FAKERJS_VERSION = "10.6.0"
# Pool caps, set by the size budget of the WebAssembly module (docs/IDENTITIES.md): the most
# frequent names are kept where the source has weights, else an even spread over the list. Male
# given names get the larger share because most patients are men (female_share 0.12 by default)
# and full-name repeats grow with (given names × family names) of the patients' sex.
MAX_GIVEN = {"male": 120, "female": 60}
MAX_FAMILY = 300

PY = "Faker {v} (Python, PyPI `Faker`), faker/providers/person/{loc}".format
JS = "@faker-js/faker {v} (npm), locale {loc} person definitions".format


def nfc(s):
    return unicodedata.normalize("NFC", s.strip())


def ok(name):
    letters = [c for c in name if c.isalpha()]
    return (
        name
        and not (len(letters) > 1 and all(c.isupper() for c in letters))
        and '"' not in name
        and "\\" not in name
        and "  " not in name
        and not any(unicodedata.category(c).startswith("C") for c in name)
    )


class Src:
    """Loads the two packages."""

    def __init__(self, pydir, jsdir):
        sys.path.insert(0, pydir)
        self.jsdir = jsdir
        self.js_cache = {}

    def py(self, loc, attr):
        m = importlib.import_module(f"faker.providers.person.{loc}")
        v = getattr(m.Provider, attr)
        if isinstance(v, dict):
            return OrderedDict((nfc(k), float(w)) for k, w in v.items())
        return OrderedDict((nfc(k), None) for k in v)

    def js(self, loc, kind, sex):
        if loc not in self.js_cache:
            code = (
                f"const m = await import({json.dumps(os.path.join(self.jsdir, 'dist/locale', loc + '.js'))});"
                "console.log(JSON.stringify(m.faker.rawDefinitions.person ?? {}));"
            )
            out = subprocess.run(
                ["node", "--input-type=module", "-e", code], check=True, capture_output=True, text=True
            ).stdout
            self.js_cache[loc] = json.loads(out)
        v = self.js_cache[loc].get(kind, {}).get(sex, [])
        if v and isinstance(v[0], dict):
            return OrderedDict((nfc(e["value"]), float(e["weight"])) for e in v)
        return OrderedDict((nfc(k), None) for k in v)


def merge(*lists):
    """Union in order; weights kept only when every list is weighted (summed)."""
    weighted = all(all(w is not None for w in l.values()) for l in lists if l)
    out = OrderedDict()
    for l in lists:
        for k, w in l.items():
            if not ok(k):
                continue
            if weighted:
                out[k] = out.get(k, 0.0) + w
            else:
                out[k] = None
    return out


def cap(d, n):
    """The n most frequent (weighted) or an even spread of n names over the list (unweighted)."""
    items = list(d.items())
    if len(items) <= n:
        return OrderedDict(items)
    if items[0][1] is not None:
        items.sort(key=lambda kv: -kv[1])
        return OrderedDict(items[:n])
    step = len(items) / n
    return OrderedDict(items[int(i * step)] for i in range(n))


# ---------------------------------------------------------------- romanisations

GREEK = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i", "κ": "k",
    "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s", "ς": "s", "τ": "t",
    "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
}
GREEK_VOICELESS = set("θκξπστφχψ")


def elot743(word):
    """ELOT 743 / ISO 843 transcription (the Greek passport romanisation)."""
    s = "".join(c for c in unicodedata.normalize("NFD", word.lower()) if not unicodedata.combining(c))
    out = []
    i = 0
    while i < len(s):
        c, n = s[i], s[i + 1] if i + 1 < len(s) else ""
        nn = s[i + 2] if i + 2 < len(s) else ""
        two = c + n
        if two in ("αυ", "ευ", "ηυ"):
            base = {"α": "a", "ε": "e", "η": "i"}[c]
            out.append(base + ("f" if (nn == "" or nn in GREEK_VOICELESS) else "v"))
            i += 2
        elif two == "ου":
            out.append("ou")
            i += 2
        elif two == "μπ":
            out.append("b" if (i == 0 or nn == "") else "mp")
            i += 2
        elif two == "ντ":
            out.append("nt")
            i += 2
        elif two == "γγ":
            out.append("ng")
            i += 2
        elif two == "γκ":
            out.append("gk")
            i += 2
        elif two == "γξ":
            out.append("nx")
            i += 2
        elif two == "γχ":
            out.append("nch")
            i += 2
        else:
            out.append(GREEK.get(c, c))
            i += 1
    r = "".join(out)
    return r[:1].upper() + r[1:]


BULGARIAN = dict(
    zip(
        "абвгдежзийклмнопрстуфхцчшщъьюя",
        ["a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f",
         "h", "ts", "ch", "sh", "sht", "a", "y", "yu", "ya"],
    )
)

MACEDONIAN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ѓ": "gj", "е": "e", "ж": "zh", "з": "z", "ѕ": "dz",
    "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "ќ": "kj", "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "ch", "џ": "dzh",
    "ш": "sh", "ѐ": "e", "ѝ": "i",
}


def cyr(word, table, bg=False):
    low = word.lower()
    if bg and low.endswith("ия"):
        low = low[:-2]
        tail = "ia"
    else:
        tail = ""
    r = "".join(table.get(c, c) for c in low) + tail
    return "-".join(p[:1].upper() + p[1:] for p in r.split("-"))


def is_latin(s):
    return all(
        c.isascii() or "\u00c0" <= c <= "\u024f" or "\u1e00" <= c <= "\u1eff" or c == "\u2019" for c in s
    ) and "\u00d7" not in s and "\u00f7" not in s


# ---------------------------------------------------------------- female family forms


def strip_accents(s):
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


def pair(male, female_list, candidates, key=lambda s: s, fallback=False):
    """Pairs each male family name with its female form: the first candidate the female list has
    (compared through `key`), or the first candidate when there is no female list. Male names
    without a female form in a given female list are dropped."""
    index = {key(f): f for f in female_list} if female_list else None
    out = OrderedDict()
    used = set()
    for m, w in male.items():
        cands = candidates(m)
        if index is None:
            f = cands[0] if cands else None
        else:
            f = next((index[key(c)] for c in cands if key(c) in index), None)
            if f is None and fallback and cands:
                f = cands[0]
        if f and ok(f) and nfc(f) not in used:
            used.add(nfc(f))
            out[m] = (w, nfc(f))
    return out


def cz_sk(m):
    c = []
    if m.endswith(("ý", "í")):
        c.append(m[:-1] + "á")
    if m[-1] in "aeoů":
        c.append(m[:-1] + "ová")
    c.append(m + "ová")
    if len(m) > 2 and m[-2] == "e":
        c.append(m[:-2] + m[-1] + "ová")
    if len(m) > 2 and m[-2] in "ěé":
        c.append(m[:-2] + m[-1] + "ová")
    return c


def pol(m):
    for a, b in (("dzki", "dzka"), ("cki", "cka"), ("ski", "ska")):
        if m.endswith(a):
            return [m[: -len(a)] + b]
    return [m]


def lva(m):
    if m.endswith(("s", "š")):
        stem = m[:-1]
        if m.endswith("is"):
            return [m[:-2] + "e", stem + "a", stem + "e"]
        return [stem + "a", stem + "e", m]
    return [m]


def ltu(m):
    for a, b in (("ius", "iūtė"), ("as", "aitė"), ("is", "ytė"), ("ys", "ytė"), ("us", "utė"), ("a", "aitė")):
        if m.endswith(a):
            return [m[: -len(a)] + b]
    return [m]


def slavic_cyr(m):
    for a, b in (("ски", "ска"), ("цки", "цка"), ("ки", "ка"), ("ов", "ова"), ("ев", "ева"), ("ин", "ина")):
        if m.endswith(a):
            return [m[: -len(a)] + b]
    return [m]


GREEK_VOWELS = set("αεηιουωάέήίόύώϊϋΐΰ")


def greek(m):
    """The female (genitive) form: the source's female list is matched first (through
    `strip_accents`); these rules give the form where it has none."""
    for a, b in (("όπουλος", "οπούλου"), ("ίδης", "ίδου"), ("άδης", "άδου"), ("ής", "ή"), ("ης", "η"),
                 ("άς", "ά"), ("ας", "α"), ("ός", "ού")):
        if m.endswith(a):
            return [m[: -len(a)] + b]
    if m.endswith("ος"):
        stem = m[:-2]
        accented = [i for i, c in enumerate(stem) if c in "άέήίόύώΐΰ"]
        if accented and not any(c in GREEK_VOWELS for c in stem[accented[-1] + 1:]):
            return [stem + "ου"]
    return []


# ---------------------------------------------------------------- nations


def nations(src):
    P, J = src.py, src.js
    py = lambda loc: PY(v=FAKER_VERSION, loc=loc)  # noqa: E731
    js = lambda loc: JS(v=FAKERJS_VERSION, loc=loc)  # noqa: E731
    N = {}

    def plain(code, male, female, family, sources, note=None):
        N[code] = dict(male=male, female=female, family=family, sources=sources, note=note)

    plain("BEL",
          merge(P("nl_BE", "first_names_male"), P("fr_BE", "first_names_male")),
          merge(P("nl_BE", "first_names_female"), P("fr_BE", "first_names_female")),
          merge(P("nl_BE", "last_names"), P("fr_BE", "last_names")),
          [py("nl_BE"), py("fr_BE")], "weights: the two locales' counts summed")
    N["BGR"] = dict(male=P("bg_BG", "first_names_male"), female=P("bg_BG", "first_names_female"),
                    family=P("bg_BG", "last_names_male"), rule=slavic_cyr,
                    sources=[py("bg_BG")], script="bg")
    plain("CAN",
          merge(J("en_CA", "first_name", "male"), P("fr_CA", "first_names_male")),
          merge(J("en_CA", "first_name", "female"), P("fr_CA", "first_names_female")),
          merge(J("en_CA", "last_name", "generic"), P("fr_CA", "last_names")),
          [js("en_CA"), py("fr_CA")])
    plain("HRV",
          merge(P("hr_HR", "first_names_male"), J("hr", "first_name", "male")),
          merge(P("hr_HR", "first_names_female"), J("hr", "first_name", "female")),
          merge(J("hr", "last_name", "generic"), P("hr_HR", "last_names")),
          [py("hr_HR"), js("hr")])
    N["CZE"] = dict(male=merge(J("cs_CZ", "first_name", "male"), P("cs_CZ", "first_names_male")),
                    female=merge(J("cs_CZ", "first_name", "female"), P("cs_CZ", "first_names_female")),
                    family=merge(J("cs_CZ", "last_name", "male"), P("cs_CZ", "last_names_male")),
                    female_list=list(J("cs_CZ", "last_name", "female")) + list(P("cs_CZ", "last_names_female")),
                    rule=cz_sk, sources=[js("cs_CZ"), py("cs_CZ")])
    plain("DNK",
          merge(P("da_DK", "first_names_male"), J("da", "first_name", "male")),
          merge(P("da_DK", "first_names_female"), J("da", "first_name", "female")),
          merge(P("da_DK", "last_names"), J("da", "last_name", "generic")),
          [py("da_DK"), js("da")])
    plain("EST", P("et_EE", "first_names_male"), P("et_EE", "first_names_female"), P("et_EE", "last_names"),
          [py("et_EE")], "Estonian and Russian names, as the source lists them")
    plain("FIN", P("fi_FI", "first_names_male"), P("fi_FI", "first_names_female"), P("fi_FI", "last_names"),
          [py("fi_FI")], "weights: the source's counts (Finnish Digital and Population Data Services Agency)")
    plain("FRA",
          merge(J("fr", "first_name", "male"), P("fr_FR", "first_names_male")),
          merge(J("fr", "first_name", "female"), P("fr_FR", "first_names_female")),
          merge(P("fr_FR", "last_names"), J("fr", "last_name", "generic")),
          [js("fr"), py("fr_FR")])
    plain("DEU",
          merge(P("de_DE", "first_names_male"), J("de", "first_name", "male")),
          merge(P("de_DE", "first_names_female"), J("de", "first_name", "female")),
          merge(J("de", "last_name", "generic"), P("de_DE", "last_names")),
          [py("de_DE"), js("de")])
    N["GRC"] = dict(male=P("el_GR", "first_names_male"), female=P("el_GR", "first_names_female"),
                    family=P("el_GR", "last_names_male"), female_list=list(P("el_GR", "last_names_female")),
                    rule=greek, key=strip_accents, fallback=True, sources=[py("el_GR")], script="el")
    plain("HUN", P("hu_HU", "first_names_male"), P("hu_HU", "first_names_female"), P("hu_HU", "last_names"),
          [py("hu_HU")], "weights: the source's frequencies")
    # Icelandic patronymics from the male given names, by the source's own rule.
    is_male = P("is_IS", "first_names_male")
    stems = OrderedDict()
    for m in is_male:
        s = m[:-2] if m.endswith("ur") else m
        if not s.endswith("s"):
            s += "s"
        stems[s + "son"] = (None, s + "dóttir")
    N["ISL"] = dict(male=is_male, female=P("is_IS", "first_names_female"), paired=stems,
                    sources=[py("is_IS")],
                    note="family names are patronymics built from the male given names by the source's rule "
                         "(stem + s + son / dóttir)")
    plain("ITA",
          merge(P("it_IT", "first_names_male"), J("it", "first_name", "male")),
          merge(P("it_IT", "first_names_female"), J("it", "first_name", "female")),
          merge(P("it_IT", "last_names"), J("it", "last_name", "generic")),
          [py("it_IT"), js("it")])
    N["LVA"] = dict(male=merge(P("lv_LV", "first_names_male"), J("lv", "first_name", "male")),
                    female=merge(P("lv_LV", "first_names_female"), J("lv", "first_name", "female")),
                    family=merge(J("lv", "last_name", "male"), P("lv_LV", "last_names_male")),
                    female_list=list(J("lv", "last_name", "female")) + list(P("lv_LV", "last_names_female")),
                    rule=lva, sources=[py("lv_LV"), js("lv")])
    lt_first = P("lt_LT", "first_names")
    N["LTU"] = dict(male=OrderedDict((k, w) for k, w in lt_first.items() if k.endswith("s")),
                    female=OrderedDict((k, w) for k, w in lt_first.items() if not k.endswith("s")),
                    family=P("lt_LT", "last_names"), rule=ltu, sources=[py("lt_LT")],
                    note="the source lists given names without sex: names ending in -s are male, the others "
                         "female; female family names are the maiden forms (-aitė, -ytė, -utė, -iūtė)")
    plain("LUX", P("de_LU", "first_names_male"), P("de_LU", "first_names_female"), P("de_LU", "last_names"),
          [py("de_LU")], "weights: the source's counts")
    plain("MNE", J("sr_RS_latin", "first_name", "male"), J("sr_RS_latin", "first_name", "female"),
          J("sr_RS_latin", "last_name", "generic"), [js("sr_RS_latin")],
          "no Montenegrin locale exists in either package; the Serbian (Latin) names, shared across the "
          "region's naming tradition, are used")
    plain("NLD",
          merge(P("nl_NL", "first_names_male"), J("nl", "first_name", "male")),
          merge(P("nl_NL", "first_names_female"), J("nl", "first_name", "female")),
          merge(P("nl_NL", "last_names"), J("nl", "last_name", "generic")),
          [py("nl_NL"), js("nl")])
    N["MKD"] = dict(male=merge(J("mk", "first_name", "male"), P("mk_MK", "first_names_male")),
                    female=merge(J("mk", "first_name", "female"), P("mk_MK", "first_names_female")),
                    family=merge(J("mk", "last_name", "male"), P("mk_MK", "last_names_male")),
                    female_list=list(J("mk", "last_name", "female")) + list(P("mk_MK", "last_names_female")),
                    rule=slavic_cyr, sources=[js("mk"), py("mk_MK")], script="mk")
    plain("NOR",
          merge(P("no_NO", "first_names_male"), J("nb_NO", "first_name", "male")),
          merge(P("no_NO", "first_names_female"), J("nb_NO", "first_name", "female")),
          merge(P("no_NO", "last_names"), J("nb_NO", "last_name", "generic")),
          [py("no_NO"), js("nb_NO")])
    N["POL"] = dict(male=merge(J("pl", "first_name", "male"), P("pl_PL", "first_names_male")),
                    female=merge(J("pl", "first_name", "female"), P("pl_PL", "first_names_female")),
                    family=merge(P("pl_PL", "male_last_names"), J("pl", "last_name", "generic"),
                                 P("pl_PL", "unisex_last_names")),
                    rule=pol, sources=[js("pl"), py("pl_PL")])
    plain("PRT",
          merge(P("pt_PT", "first_names_male"), J("pt_PT", "first_name", "male")),
          merge(P("pt_PT", "first_names_female"), J("pt_PT", "first_name", "female")),
          merge(P("pt_PT", "last_names"), J("pt_PT", "last_name", "generic")),
          [py("pt_PT"), js("pt_PT")])
    plain("ROU",
          merge(P("ro_RO", "first_names_male"), J("ro", "first_name", "male")),
          merge(P("ro_RO", "first_names_female"), J("ro", "first_name", "female")),
          merge(J("ro", "last_name", "generic"), P("ro_RO", "last_names")),
          [py("ro_RO"), js("ro")])
    N["SVK"] = dict(male=merge(P("sk_SK", "first_names_male"), J("sk", "first_name", "male")),
                    female=merge(P("sk_SK", "first_names_female"), J("sk", "first_name", "female")),
                    family=merge(P("sk_SK", "last_names_male"), J("sk", "last_name", "male")),
                    female_list=list(P("sk_SK", "last_names_female")) + list(J("sk", "last_name", "female")),
                    rule=cz_sk, sources=[py("sk_SK"), js("sk")])
    plain("SVN",
          merge(P("sl_SI", "first_names_male"), J("sl_SI", "first_name", "male")),
          merge(P("sl_SI", "first_names_female"), J("sl_SI", "first_name", "female")),
          merge(P("sl_SI", "last_names"), J("sl_SI", "last_name", "generic")),
          [py("sl_SI"), js("sl_SI")])
    plain("ESP",
          merge(P("es_ES", "first_names_male"), J("es", "first_name", "male")),
          merge(P("es_ES", "first_names_female"), J("es", "first_name", "female")),
          merge(P("es_ES", "last_names"), J("es", "last_name", "generic")),
          [py("es_ES"), js("es")])
    plain("SWE", P("sv_SE", "first_names_male"), P("sv_SE", "first_names_female"), P("sv_SE", "last_names"),
          [py("sv_SE")], "weights: the source's frequencies (Statistics Sweden)")
    plain("TUR",
          merge(P("tr_TR", "first_names_male"), J("tr", "first_name", "male")),
          merge(P("tr_TR", "first_names_female"), J("tr", "first_name", "female")),
          merge(J("tr", "last_name", "generic"), P("tr_TR", "last_names")),
          [py("tr_TR"), js("tr")])
    plain("GBR", P("en_GB", "first_names_male"), P("en_GB", "first_names_female"), P("en_GB", "last_names"),
          [py("en_GB")], "family-name weights: the source's frequencies; given names unweighted")
    plain("USA", P("en_US", "first_names_male"), P("en_US", "first_names_female"), P("en_US", "last_names"),
          [py("en_US")], "weights: the source's frequencies (US Social Security Administration, US Census)")
    plain("AUS", J("en_AU", "first_name", "male"), J("en_AU", "first_name", "female"),
          J("en_AU", "last_name", "generic"), [js("en_AU")])
    plain("NZL", P("en_NZ", "first_names_male"), P("en_NZ", "first_names_female"), P("en_NZ", "last_names"),
          [py("en_NZ")], "weights: the source's frequencies")
    return N


def romanise(script, s):
    if script == "el":
        return elot743(s)
    if script == "bg":
        return cyr(s, BULGARIAN, bg=True)
    if script == "mk":
        return cyr(s, MACEDONIAN)
    return None


def fmt_w(w):
    """Integer counts as they are; other weights to 4 significant digits (relative error < 0.05 %)."""
    if w is None:
        return "1"
    if float(w).is_integer():
        return "%d" % w
    return format(float(w), ".4g")


def write(code, n, outdir):
    script = n.get("script")
    given = {}
    for sex in ("male", "female"):
        d = OrderedDict((k, w) for k, w in n[sex].items() if ok(k) and (script or is_latin(k)))
        given[sex] = cap(d, MAX_GIVEN[sex])
    if "paired" in n:
        pairs = n["paired"]
    else:
        fam = OrderedDict((k, w) for k, w in n["family"].items() if ok(k) and (script or is_latin(k)))
        if "rule" in n:
            pairs = pair(fam, n.get("female_list"), n["rule"], n.get("key", lambda s: s), n.get("fallback", False))
        else:
            pairs = OrderedDict((k, (w, None)) for k, w in fam.items())
    # Cap the pairs by the male weight.
    capped = cap(OrderedDict((k, wf[0]) for k, wf in pairs.items()), MAX_FAMILY)
    # Rows sorted by name (the build front-codes them); family_female rows follow their family row.
    family = sorted(((k, w, pairs[k][1]) for k, w in capped.items()), key=lambda r: r[0])
    for sex in ("male", "female"):
        given[sex] = OrderedDict(sorted(given[sex].items()))
    gendered = any(f is not None and f != k for k, _, f in family)
    lines = [
        "# source: " + "; ".join(n["sources"]),
        "# licence: MIT (Faker: Copyright (c) 2012 Daniele Faraglia; @faker-js/faker: Copyright (c) 2022-2025 "
        "Faker); see data/names/LICENSES",
        "# generated by scripts/names/generate.py; do not edit by hand",
        f"# pools: {len(given['male'])} male, {len(given['female'])} female, {len(family)} family names",
    ]
    if n.get("note"):
        lines.append("# " + n["note"])
    if gendered:
        lines.append("# family_female row k is the female form of family row k")
    if script:
        lines.append("# latin: " + {"el": "ELOT 743", "bg": "Bulgarian Streamlined System (2009)",
                                    "mk": "official Macedonian romanisation"}[script])
    lines.append("kind\tname\tweight\tlatin")

    def row(kind, name, w):
        lat = romanise(script, name) if script else None
        return f"{kind}\t{name}\t{fmt_w(w)}" + (f"\t{lat}" if lat else "")

    for sex in ("male", "female"):
        lines += [row(sex, k, w) for k, w in given[sex].items()]
    lines += [row("family", k, w) for k, w, _ in family]
    if gendered:
        seen = set()
        for k, w, f in family:
            if f in seen:
                raise SystemExit(f"{code}: duplicate female family name {f}")
            seen.add(f)
            lines.append(row("family_female", f, w))
    with open(os.path.join(outdir, f"{code}.tsv"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(lines) + "\n")
    return len(given["male"]), len(given["female"]), len(family), gendered


def main():
    pydir, jsdir = sys.argv[1], sys.argv[2]
    outdir = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(__file__), "../../data/names")
    src = Src(pydir, jsdir)
    for code, n in nations(src).items():
        m, f, fam, g = write(code, n, outdir)
        print(f"{code}\t{m}\t{f}\t{fam}\t{'gendered' if g else ''}")


if __name__ == "__main__":
    main()
