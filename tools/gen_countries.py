#!/usr/bin/env python3
"""Generate reference/countries/countries.tsv, the country alias table Entente seeds
its entity table with.

Usage (from the repository root):  python3 tools/gen_countries.py

Inputs (paths can be overridden with the options below):
  * Debian iso-codes  /usr/share/iso-codes/json/iso_3166-1.json   (one row per entry)
  * openeventdata/CountryInfo  CountryInfo.120116.txt              (extra names)
  * ICEWS05-15 KG files  icews05-15/*.tsv                          (display names)

Output: UTF-8, LF, header line, tab-separated columns
  alpha3  alpha2  name  aliases        (aliases separated by '|', rows sorted by alpha3)

Standard library only.  See reference/countries/README.md for the rules.
"""

import argparse
import collections
import glob
import json
import os
import re
import sys
import unicodedata

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ISO_JSON = "/usr/share/iso-codes/json/iso_3166-1.json"
SHARED = os.environ.get("ENTENTE_SHARED", os.path.join(os.path.dirname(REPO), "shared"))
COUNTRYINFO = os.path.join(SHARED, "data/cameo/raw/CountryInfo.120116.txt")
ICEWS_GLOB = os.path.join(SHARED, "data/icews05-15/*.tsv")
OUT = os.path.join(REPO, "reference", "countries", "countries.tsv")

# ---------------------------------------------------------------------------
# Hand-made exceptions.  Everything else is derived mechanically.
# ---------------------------------------------------------------------------

# ICEWS labels countries with the pre-2013 ISO 3166 short names.  This one
# matches no name in iso-codes or CountryInfo, so map it explicitly.
ICEWS_EXTRA = {"Palestinian Territory, Occupied": "PSE"}

# Entries of CountryInfo <Nationality> blocks that are NOT names of the country
# itself and that the demonym rules below do not catch: parts of the country
# (regions, islands, single emirates), nicknames, titles, names that belong to
# another country, and demonyms without a regular suffix.  Keys are the raw
# CountryInfo spellings with '_' turned into spaces, uppercase.
NATIONALITY_DENY = {
    # demonyms and adjectives without a regular suffix
    "ARGIES", "AUSSIE", "BAJUNS", "BALKAN BULGARS", "BASOTHO", "BRITON",
    "BURKINABE", "CROAT", "CZECH", "DANE", "DUTCH", "DUTCH INHABITANTS",
    "ESLOVACA", "FENNO", "FILIPINA", "FILIPINO", "FINN", "FRENCH", "GREEK",
    "GUERNS", "GURNS", "HELVETICA", "ISRAELIM", "KIRGHIZ", "KYRGYZ",
    "MALAGASY", "MANX", "MONEGASQUE", "MONEGASQUES", "MONGOL", "MONGOLIDS",
    "MONTENEGRIN", "MOSOTHO", "NI-VANUATU", "NORDS", "PHILIPPINE", "POLE",
    "PORTUGUES", "PORTUGUESA", "PUERTORRIQUENA", "ROSSIJSKAJA", "ROSSIYSKAYA",
    "SCHWEIZERISCHE", "SERB", "SINICA", "SLOVAK", "SPANIARD", "SWEDE", "SWISS",
    "TADZHIK", "TAJIK", "TURK", "UZBEK", "WELSH", "YEMENITE", "ARGENTINE",
    "MOTSWANA", "BATSWANA", "SINIC", "SINITIC", "SLOVENE", "PHILLIPINE",
    "PHILIPINE",
    # parts of the country (regions, islands, places), titles, organisations
    "AUNUU", "AUNUU ISLAND", "BARBUDA", "BOHEMIA MORAVIA", "BANNZIL KWEYOL",
    "BOUMDEIT", "CABO FALSO", "CAPITANO REGGENTE", "CHANNEL ISLAND",
    "CHAPARHAR", "CHEUNG FAT ESTATE", "CHIKOBA", "CIKOBIA", "EUA ISLAND",
    "FUTUNA ISLAND", "GRENADINES", "HERZEGOVIN", "NAITAUBU", "NIVALAKITA",
    "NUKUNONO", "OCCUPIED TERRITORIES", "PRINCIPE", "SCOTLAND", "THILLA",
    "TOBAGO", "UDU POINT", "WALES", "WALLONIA", "WEST BANK", "WESTERN GEORGIA",
    "YACATA", "ADMINISTRATIVE DIVISIONS OF THE REPUBLIC OF THE CONGO",
    "ESTADO LIBRE ASOCIADO", "LYDVELDID",
    # names of something else (another country, a wider region)
    "BRITISH SOUTH AFRICA", "LES INDES", "REPUBLIC OF DOMINICA", "WINDWARD COAST",
    "TRUST TERRITORY OF THE PACIFIC",
    # nicknames, slogans, slurs
    "COCKPIT OF EUROPE", "COMMUNIST KOREA", "CROWN JEWEL OF THE BRITISH EMPIRE",
    "FORMER TURKISH PROVINCE OF YUNANISTAN", "FTPOY", "HEBREW STATE",
    "HIDDEN PIRATE ISLAND", "ISLA DEL ENCANTO", "ISLAND OF ENCHANTMENT",
    "ISLAND OF THE MOON", "ISLE OF ENCHANTMENT", "JAMROCK", "KIM'S JOSEON DYNASTY",
    "KIWISTAN", "L'HEXAGONE", "LAST EUROPEAN DICTATORSHIP", "LIGHT OF THE SOUTH",
    "MANCHESTER OF THE EAST", "MOONLAND", "O PAPAGAIO", "PAYS DES MILLE COLLINES",
    "PAYS DES MILLES COLLINES", "PEARL OF THE ORIENT", "PICKI U DUSA",
    "QUISQUEYA LA BELLA", "RED KOREA", "ROMACEDONIA", "SAKARTVELOBANTUSTAN",
    "SHEEPLAND", "SLAVOMACEDONIA", "SMILING COAST", "SOVIET KOREA",
    "THE BELOVED COUNTRY", "THE GRAVEYARD OF EMPIRES", "THE LAND OF THE RISING SUN",
    "THE NATURE ISLAND", "THE QUEBEC OF EUROPE", "UKANIA", "VENERABLE ISLAND",
    "YANKEE LAND", "YANKEELAND", "AMERICALAND", "'NAM",
}

# <Nationality> entries that look like demonyms to the suffix rule but are
# the usual short name of the country (ICEWS uses "Brunei").
NATIONALITY_KEEP = {"BRUNEI"}

# Aliases added by hand (only if no other country has the same folded alias).
EXTRA_ALIASES = {"GBR": ["UK"]}

# ---------------------------------------------------------------------------


def warn(msg):
    print("warning: " + msg, file=sys.stderr)


def fold(s):
    """The server's alias key: lowercase, accents stripped, spaces collapsed."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join(s.lower().split())


def loose_key(s):
    """Looser key, only used to match CountryInfo names to iso-codes names."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(s)).split())


SMALL_WORDS = {"of", "the", "and", "de", "du", "des", "da", "do", "dos", "das",
               "y", "e", "et", "al", "el", "la", "las", "los", "le", "les",
               "van", "von", "di"}
ACRONYMS = {"USA", "UAE", "US", "UK", "EEUU", "ROK", "DRC", "DR", "RD", "USVI",
            "HKSAR", "UKGBNI"}


def title_case(raw):
    """'NORTH_KOREA' -> 'North Korea' (simple; the server folds case)."""
    words = raw.replace("_", " ").split()
    out = []
    for i, w in enumerate(words):
        letters = re.sub(r"[^A-Z]", "", w.upper())
        if w.upper() in ("ST", "ST."):
            out.append(w.capitalize())
            continue
        if (w.upper() in ACRONYMS or re.fullmatch(r"(?:[A-Z]\.)+[A-Z]?\.?", w)
                or (letters and not re.search(r"[AEIOUY]", letters))):
            out.append(w.upper())
            continue
        lw = w.lower()
        if i > 0 and lw in SMALL_WORDS:
            out.append(lw)
            continue
        # capitalise the first letter of the word and of each part after
        # '-', '/', '(' or '.', and after "d'"/"l'" ("D'Ivoire"), but not
        # after other apostrophes ("People's")
        out.append(re.sub(r"(^[a-z]'|^|[-/(.])([a-z])",
                          lambda m: m.group(1).upper() + m.group(2).upper(), lw))
    return " ".join(out)


# ---------------------------------------------------------------------------
# CountryInfo parsing
# ---------------------------------------------------------------------------

def parse_countryinfo(path):
    """Return a list of dicts with the tags we need from each <Country> block.

    The file is "almost XML": the header is an XML comment, '#' starts a
    comment anywhere on a line, single-valued tags are on one line, and
    multi-valued tags (<Nationality>, <Capital>, ...) hold one entry a line.
    Some tags are malformed (e.g. '</CountyName>', '<FIPS-10>p/FIPS-10>'),
    so only the tags needed here are pulled out with tolerant regexes.
    """
    with open(path, encoding="utf-8") as f:
        text = f.read().replace("\0", "")  # one stray NUL byte in the file
    text = text[text.index("-->") + 3:]     # skip the header comment
    text = "\n".join(line.split("#", 1)[0].rstrip() for line in text.split("\n"))
    blocks = re.findall(r"^<Country>\s*$(.*?)^</Country>\s*$", text, re.M | re.S)

    def single(block, tag):
        return [v.strip() for v in re.findall("<" + tag + r">([^<\n]*)<", block)]

    def multi(block, tag):
        m = re.search("<" + tag + r">(.*?)</" + tag + ">", block, re.S)
        if not m:
            return []
        return [l.strip() for l in m.group(1).split("\n") if l.strip()]

    out = []
    for b in blocks:
        e = {t: single(b, t) for t in ("CountryCode", "CountryName",
                                       "ISO3166-alpha2", "ISO3166-alpha3",
                                       "ISO3166-numeric")}
        for t in ("Nationality", "Capital", "MajorCities", "Regions", "GeogFeatures"):
            e[t] = multi(b, t)
        out.append(e)
    return out


def first(lst):
    return lst[0] if lst else ""


def map_countryinfo(entries, iso_by_a3):
    """Attach each CountryInfo block to an iso-codes alpha-3, or skip it.

    The code fields of CountryInfo contain copy-paste errors (GUATEMALA has
    GLP/GP, GUINEA has PNG/PG, MYANMAR has MOZ/MZ, ...), so:
      1. an entry whose <CountryName> matches an iso-codes name, official or
         common name (ignoring case, accents and punctuation) goes to that
         country;
      2. otherwise the CountryCode (or its last 3 letters for 6-letter CAMEO
         composite codes such as USAPRI), ISO3166-alpha3, alpha2 and numeric
         fields vote; a clear winner with at least 2 votes is taken;
      3. entries without ISO codes ('---': Kosovo, Tibet, Serbia and
         Montenegro, Netherlands Antilles, ...) or without a winner are skipped.
    """
    by_a2 = {e["alpha_2"]: a3 for a3, e in iso_by_a3.items()}
    by_num = {e["numeric"]: a3 for a3, e in iso_by_a3.items()}
    by_name = collections.defaultdict(set)
    for a3, e in iso_by_a3.items():
        for k in ("name", "official_name", "common_name"):
            if e.get(k):
                by_name[loose_key(e[k])].add(a3)
    mapped = []
    for e in entries:
        names = e["CountryName"]
        label = first(names) or first(e["CountryCode"]) or "?"
        if first(e["ISO3166-alpha3"]).strip("-") == "" or (
                first(e["ISO3166-alpha3"]) not in iso_by_a3
                and first(e["ISO3166-alpha2"]) not in by_a2):
            warn("CountryInfo %s has no ISO 3166-1 code known to iso-codes, skipped"
                 % label)
            continue
        hit = set()
        for n in names:
            hit |= by_name.get(loose_key(title_case(n)), set())
        if len(hit) == 1:
            mapped.append((hit.pop(), e))
            continue
        votes = collections.Counter()
        cc = first(e["CountryCode"])
        if cc in iso_by_a3:
            votes[cc] += 1
        if len(cc) == 6 and cc[3:] in iso_by_a3:
            votes[cc[3:]] += 1
        if first(e["ISO3166-alpha3"]) in iso_by_a3:
            votes[first(e["ISO3166-alpha3"])] += 1
        if first(e["ISO3166-alpha2"]) in by_a2:
            votes[by_a2[first(e["ISO3166-alpha2"])]] += 1
        if first(e["ISO3166-numeric"]) in by_num:
            votes[by_num[first(e["ISO3166-numeric"])]] += 1
        mc = votes.most_common(2)
        if mc and mc[0][1] >= 2 and (len(mc) == 1 or mc[1][1] < mc[0][1]):
            mapped.append((mc[0][0], e))
        else:
            warn("CountryInfo %s could not be matched to one ISO country %s, skipped"
                 % (label, dict(votes)))
    return mapped


# Demonym detection for <Nationality> entries.  The block mixes adjectives
# ("RUSSIAN"), demonyms ("BRITON", "SCOTSMAN") and synonyms of the country name
# ("RUSSIA", "DPRK", "REPUBLIC_OF_KOREA", "BURMA", foreign and misspelt forms).
# Entries whose last word ends like an English, Spanish or French demonym are
# dropped (this also drops some misspelt names such as "AZERBAJAN": fine).
DEMONYM_SUFFIXES = ("MAN", "MEN", "WOMAN", "WOMEN", "ER", "ERS",
                    "AN", "ANS", "ESE", "ISH", "I", "IS", "OT", "OTS",
                    "ANO", "ANOS", "ENO", "ENOS", "IEN", "IENS", "AIS", "AISE", "OIS")


def is_demonym(entry, country_words):
    """entry: uppercase, spaces.  country_words: folded last words of the
    country's iso-codes / CountryName names; an entry ending in one of them
    ("DJIBOUTI", "REPUBLIC OF KOREA") is not a demonym."""
    if entry in NATIONALITY_KEEP:
        return False
    core = re.sub(r"\s*\(.*?\)\s*", " ", entry).split()   # drop "(USA)" etc.
    if not core:
        return True
    last = re.sub(r"[^A-Z]", "", core[-1])
    if not last:
        return False
    if loose_key(core[-1]) in country_words or fold(last) in country_words:
        return False
    if last.endswith(("STAN", "LAND")):
        return False
    return last.endswith(DEMONYM_SUFFIXES)


seen_raw = set()   # every <Nationality> entry, to check NATIONALITY_DENY for typos


def nationality_synonyms(e, country_words):
    """Synonyms of the country name from a CountryInfo <Nationality> block."""
    places = set()
    for t in ("Capital", "MajorCities", "Regions", "GeogFeatures"):
        for v in e[t]:
            places.add(fold(v.replace("_", " ").strip()))
    out = []
    for raw in e["Nationality"]:
        seen_raw.add(" ".join(raw.replace("_", " ").split()).strip(" ]").upper())
        v = " ".join(raw.replace("_", " ").split()).strip(" ]")
        if not v or "\ufffd" in v or not re.search(r"[A-Z]", v):
            continue
        if v.upper() in NATIONALITY_DENY:
            continue
        if fold(v) in places:
            continue
        if is_demonym(v.upper(), country_words):
            continue
        out.append(title_case(v))
    return out


# ---------------------------------------------------------------------------
# ICEWS
# ---------------------------------------------------------------------------

def icews_country_labels(pattern):
    """Count how often each possible country label occurs in the ICEWS KG:
    actor names used on their own ("China") and the country in parentheses
    of sector actors ("Citizen (Russia)").  Returns {label: (standalone, count)}."""
    standalone = collections.Counter()
    paren = collections.Counter()
    files = sorted(glob.glob(pattern))
    if not files:
        sys.exit("no ICEWS files match " + pattern)
    for path in files:
        with open(path, encoding="utf-8") as f:
            for line in f:
                cols = line.rstrip("\n").split("\t")
                if len(cols) != 4:
                    continue
                for actor in (cols[0], cols[2]):
                    standalone[actor] += 1
                    m = re.fullmatch(r".*\(([^()]+)\)", actor)
                    if m:
                        paren[m.group(1)] += 1
    labels = {}
    for k in set(standalone) | set(paren):
        labels[k] = (standalone[k] > 0, standalone[k] + paren[k])
    return labels


# ---------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--iso", default=ISO_JSON)
    ap.add_argument("--countryinfo", default=COUNTRYINFO)
    ap.add_argument("--icews", default=ICEWS_GLOB, help="glob of ICEWS KG .tsv files")
    ap.add_argument("--out", default=OUT)
    args = ap.parse_args()

    with open(args.iso, encoding="utf-8") as f:
        iso = json.load(f)["3166-1"]
    iso_by_a3 = {e["alpha_3"]: e for e in iso}
    codes = {}  # folded code -> alpha3
    for e in iso:
        codes[fold(e["alpha_2"])] = e["alpha_3"]
        codes[fold(e["alpha_3"])] = e["alpha_3"]

    # candidates[a3] = ordered list of (alias, kind); kind in iso/code/ci/nat/extra
    candidates = {a3: [] for a3 in iso_by_a3}
    strong_words = {}
    for a3, e in iso_by_a3.items():
        for k in ("name", "official_name", "common_name"):
            if e.get(k):
                candidates[a3].append((e[k], "iso"))
        candidates[a3].append((e["alpha_2"], "code"))
        candidates[a3].append((e["alpha_3"], "code"))

    ci = map_countryinfo(parse_countryinfo(args.countryinfo), iso_by_a3)
    for a3, e in ci:
        for n in e["CountryName"]:
            candidates[a3].append((title_case(n), "ci"))
    for a3 in iso_by_a3:
        # last words of the country's own names ("Djibouti", "Oman", "Korea"
        # of "Korea, Republic of"): entries ending in them are not demonyms
        strong_words[a3] = set()
        for n, kind in candidates[a3]:
            if kind != "code":
                for part in (n, n.split(",")[0]):
                    if loose_key(part):
                        strong_words[a3].add(loose_key(part).split()[-1])
    n_nat = 0
    for a3, e in ci:
        for s in nationality_synonyms(e, strong_words[a3]):
            candidates[a3].append((s, "nat"))
            n_nat += 1

    unused = (NATIONALITY_DENY | NATIONALITY_KEEP) - seen_raw
    assert not unused, "not in CountryInfo: %s" % sorted(unused)

    # --- dedupe per country (case-insensitively; first spelling wins) --------
    # per[a3] = {casefolded alias: (alias, kind)}
    per = {}
    for a3, lst in candidates.items():
        seen = collections.OrderedDict()
        for alias, kind in lst:
            assert "\t" not in alias and "|" not in alias, alias
            seen.setdefault(alias.casefold(), (alias, kind))
        per[a3] = seen

    def fkeys(a3):
        """folded key -> [casefolded keys] of one country's aliases"""
        d = collections.defaultdict(list)
        for ck in per[a3]:
            d[fold(ck)].append(ck)
        return d

    # --- aliases shared by two countries ------------------------------------
    owners = collections.defaultdict(set)
    for a3 in per:
        for k in fkeys(a3):
            owners[k].add(a3)
    dropped = []

    def drop(a3, k):
        for ck in fkeys(a3)[k]:
            del per[a3][ck]

    for k, who in sorted(owners.items()):
        if len(who) < 2:
            continue
        if k in codes and codes[k] in who:
            # an ISO code stays with its own country
            keep = codes[k]
            for a3 in sorted(who - {keep}):
                warn("alias %r of %s equals the ISO code of %s; dropped from %s"
                     % (k, a3, keep, a3))
                dropped.append((k, [a3]))
                drop(a3, k)
            continue
        warn("ambiguous alias %r (%s) dropped from all of them"
             % (k, ", ".join(sorted(who))))
        dropped.append((k, sorted(who)))
        for a3 in who:
            drop(a3, k)

    for a3, extra in EXTRA_ALIASES.items():
        for alias in extra:
            other = [x for x in per if x != a3 and fold(alias) in fkeys(x)]
            if other:
                warn("extra alias %r for %s not added: also used by %s" % (alias, a3, other))
            else:
                per[a3].setdefault(alias.casefold(), (alias, "extra"))

    # --- display names: ICEWS label if it is clearly the country ------------
    key_owner = {}   # folded key -> alpha3
    key_kind = {}    # folded key -> kind of its first spelling
    for a3 in per:
        for k, cks in fkeys(a3).items():
            key_owner[k] = a3
            key_kind[k] = per[a3][cks[0]][1]
    labels = icews_country_labels(args.icews)
    icews_for = collections.defaultdict(list)
    for label, (alone, count) in labels.items():
        a3 = ICEWS_EXTRA.get(label) or key_owner.get(fold(label))
        if a3 is None or key_kind.get(fold(label)) == "code":
            continue   # not a country, or only an ISO code ("IND")
        strong = key_kind.get(fold(label)) in ("iso", "ci")
        icews_for[a3].append(((alone, count, strong), label))

    rows = []
    kinds = collections.Counter()
    n_icews = 0
    for a3 in sorted(iso_by_a3):
        e = iso_by_a3[a3]
        if icews_for[a3]:
            name = max(icews_for[a3])[1]
            n_icews += 1
        else:
            name = e.get("common_name") or e["name"]
        other = key_owner.get(fold(name))
        if other not in (None, a3):
            warn("name %r of %s is an alias of %s" % (name, a3, other))
        kept = [(alias, kind) for ck, (alias, kind) in per[a3].items()
                if ck != name.casefold()]
        kinds.update(kind for _, kind in kept)
        rows.append((a3, e["alpha_2"], name, [alias for alias, _ in kept]))

    # --- checks ---------------------------------------------------------------
    def row_of(alias):
        k = fold(alias)
        hits = [r[0] for r in rows if fold(r[2]) == k or k in {fold(a) for a in r[3]}]
        assert len(hits) == 1, (alias, hits)
        return hits[0]

    def same_row(*names):
        got = {n: row_of(n) for n in names}
        assert len(set(got.values())) == 1, got
        return got[names[0]]

    assert len(rows) == len(iso) and len(rows) >= 249, len(rows)
    assert same_row("Russia", "Russian Federation", "RUS") == "RUS"
    assert same_row("North Korea", "PRK", "Democratic People's Republic of Korea") == "PRK"
    assert same_row("South Korea", "KOR", "Republic of Korea") == "KOR"
    assert same_row("United Kingdom", "GBR", "UK") == "GBR"
    assert same_row("Ukraine", "UKR") == "UKR"
    for bad in ("Russian", "Moscow", "Korea", "North Korean", "British"):
        k = fold(bad)
        assert not any(k == fold(r[2]) or k in {fold(a) for a in r[3]} for r in rows), bad
    all_keys = collections.Counter()
    for a3, a2, name, aliases in rows:
        assert name and name != name.upper() or len(name) <= 3, name
        ckeys = [a.casefold() for a in aliases]
        assert len(ckeys) == len(set(ckeys)), (a3, aliases)
        assert name.casefold() not in ckeys, (a3, name)
        keys = [fold(a) for a in aliases]
        for s in [name] + aliases:
            assert "\t" not in s and "|" not in s and "\n" not in s and s.strip() == s, s
        all_keys.update(set(keys) | {fold(name)})
    shared = [k for k, c in all_keys.items() if c > 1]
    assert not shared, shared

    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write("alpha3\talpha2\tname\taliases\n")
        for a3, a2, name, aliases in rows:
            f.write("%s\t%s\t%s\t%s\n" % (a3, a2, name, "|".join(aliases)))

    n_alias = sum(len(r[3]) for r in rows)
    print("wrote %s: %d rows, %d aliases (%d CountryInfo blocks used, "
          "%d Nationality synonyms kept before dedupe, %d names from ICEWS, "
          "%d ambiguous aliases dropped)"
          % (os.path.relpath(args.out), len(rows), n_alias, len(ci), n_nat,
             n_icews, len(dropped)))
    print("aliases by source: iso-codes names %d, ISO codes %d, CountryInfo "
          "<CountryName> %d, CountryInfo <Nationality> synonyms %d, added by hand %d"
          % (kinds["iso"], kinds["code"], kinds["ci"], kinds["nat"], kinds["extra"]))
    print("OK")


if __name__ == "__main__":
    main()
