#!/usr/bin/env python3
"""gen_synthetic.py [--events N] [--seed S] [--out PATH] [--icews DIR] [--stats]

Writes a GDELT-like synthetic diplomatic-event set in the benchmark's 4-column
TSV (subject TAB relation TAB object TAB YYYY-MM-DD, UTF-8, LF, no header), the
format ../shared/bench/prep_data.py and bench/run.sh --data accept.  Lines come
in date order (stable within a day), as in ICEWS's and GDELT's own files.

Deterministic: the same --events, --seed and ICEWS05-15 files give a
byte-identical file (random.Random(seed) only; nothing depends on set or hash
order, so PYTHONHASHSEED does not matter).  Python 3.11, standard library.

What the set looks like (bench/README.md, "Synthetic data", says why):

* Calibration: read from ICEWS05-15 (--icews, default ../shared/data/icews05-15):
  its 251 relation names and their counts, its 10,488 entity names ranked by
  degree, and the sectors, countries and personal names they are made of.
* Actors: a universe of M(N) = round(11,000 * (N / 461,329) ** 0.77) names,
  11,703 at 0.5 M and 117,518 at 10 M (Heaps' law with exponent 1/1.3, the
  inverse of the Zipf exponent below, so the long tail keeps its shape at
  every size); about 10k and 84k of them occur.  Ranks 1..10,488 are
  ICEWS05-15's names in its degree order (China, Iran, Japan, South Korea,
  Barack Obama, ...); the rest is generated in ICEWS's shapes: 60%
  "Sector (Country)" (sector and country drawn with ICEWS's frequencies,
  e.g. "Military (Ghana)"), 40% persons ("First [Middle] Last" from the
  parts of ICEWS's personal names).
* Power-law activity: an actor of rank r is drawn with weight (r + 5) ** -1.3
  (Zipf-Mandelbrot; ICEWS05-15's rank-degree slope is -1.23 over ranks
  10..2000).  The top actor holds ~7% of event endpoints (China: 5.7%).
* Power-law dyads: half the events come from a pool of D(N) = round(
  24,000 * (N / 461,329) ** 0.77) standing relationships ("dyads"), the
  dyad of rank k drawn with weight (k + 2) ** -1; the pool's pairs are
  drawn by activity, 40% of a sector actor's within its own country, and
  ranked by log w_a + log w_b + N(0, 1), +2 for a same-country pair ("Police
  (Australia)" - "Citizen (Australia)"), -3 for a sector actor with another
  country's actor.  Each dyad has its own direction bias (uniform
  0.15..0.85), three favourite relations (half its events) and one burst
  of 60..365 days (a crisis) holding a tenth of its events.  The other half
  of the events pair two actors drawn independently by activity (a gravity
  model), a quarter of a sector or country actor's partners from its own
  country.  So a few pairs carry thousands of events and most pairs one
  or two (dyad rank-count slope about -1, as in ICEWS05-15).  Self-loops:
  0.04% (ICEWS05-15: 0.036%).
* 30 years, 1995-01-01..2024-12-31: daily intensity grows exponentially, 6x
  from the first year to the last (about 2.3x per decade), with fewer
  events on weekends (Saturday 0.75, Sunday 0.70).  Countries, sectors and
  organisations are active all 30 years; a person has a career of 4..20
  years and acts only within it (drawn day first, then actors active that
  day), so a person's events cluster in its years, as Obama's do.
* CAMEO mix: relations are ICEWS05-15's 251 names drawn with its
  frequencies (Make statement 16.5%, Consult 10.7%, ...; a dyad's favourites
  are drawn from the same mix, so the mix holds in expectation: QuadClass
  shares within 0.5 points, relations above 0.1% within about +-40%), so
  Entente's relation -> CAMEO table classifies them exactly as on ICEWS.
* Duplicates: none are forced, but busy dyads repeat (s, r, o, d) on a busy
  day by chance, as GDELT's do: 0.7% of lines at 0.5 M, 5% at 10 M
  (prep_data.py counts them; every line is an event of its own).

Memory stays flat in N: events are generated into one temporary file per
year beside --out, then each year is sorted by date and appended."""
import argparse
import bisect
import datetime
import math
import os
import random
import re
import sys
import tempfile
import time

# ----------------------------------------------------------- parameters ---
N_REF = 461329            # ICEWS05-15's events: the size the set is calibrated at
M_REF = 11000             # actor universe at N_REF (ICEWS05-15 has 10,488 entities)
D_REF = 24000             # dyad pool at N_REF
HEAPS = 0.77              # M and D grow as N ** HEAPS (= 1 / ZIPF_S)
ZIPF_S, ZIPF_Q = 1.3, 5.0         # actor weight (rank + Q) ** -S
DYAD_S, DYAD_Q = 1.0, 2.0         # dyad weight (rank + Q) ** -S
DYAD_SCORE_SIGMA = 1.0            # noise on log w_a + log w_b when ranking dyads
SAME_COUNTRY_BONUS = 2.0          # added to that score when a and b share a country,
FOREIGN_SECTOR_MALUS = 3.0        # taken off when a sector actor meets another country's actor
P_POOL = 0.5              # share of events from the dyad pool
P_POOL_SAME_COUNTRY = 0.40
P_GRAVITY_SAME_COUNTRY = 0.25
P_FAVOURITE = 0.5         # a pool event uses one of its dyad's 3 favourite relations
P_BURST = 0.1             # a pool event falls in its dyad's burst window
BURST_DAYS = (60, 365)
P_SELF_LOOP = 0.0004
TAIL_SECTOR_SHARE = 0.6   # generated tail names: "Sector (Country)", else persons
CAREER_YEARS = (4, 20)
FIRST_DAY, LAST_DAY = datetime.date(1995, 1, 1), datetime.date(2024, 12, 31)
GROWTH = 6.0              # intensity of the last year / the first
WEEKDAY_FACTOR = (1.0, 1.0, 1.0, 1.0, 1.0, 0.75, 0.70)   # Monday..Sunday

ORG_WORDS = set("""Council Union Party Ministry Forces Force Army Front Association
Organization Organisation Bank Court Fund Nations Commission Agency Press Watch
International Committee Movement University Group Assembly Parliament Police
Government Office Department Service Services Church Brigade Brigades League Alliance
Federation Institute Network Corporation Company News Times Post Television Radio
Media Secretariat Congress Senate Guard Authority Board Foundation Centre Center
Society Coalition Mission Program Programme Islamic State Republic Kingdom East West
North South Middle Haram Shabaab Taliban Hamas Hezbollah Qaeda Battalion Affairs
Democracy Democratic Socialist National People's Liberation Revolutionary Emperor
Hague Ireland Europe European Africa African America American Asia Asian Gulf Sea
Islands Island Territory Region Province City Valley Agence Reuters Xinhua""".split())
PARTICLES = {"de", "da", "del", "dos", "van", "von", "bin", "bint", "ibn", "al", "el",
             "la", "le", "di", "du", "ben", "der", "y"}
PAREN = re.compile(r"^(.*) \(([^()]*)\)$")


def log(msg):
    print("gen_synthetic: " + msg, file=sys.stderr, flush=True)


def default_icews():
    here = os.path.dirname(os.path.abspath(__file__))
    shared = os.environ.get("ENTENTE_SHARED", os.path.join(here, "..", "..", "shared"))
    return os.path.normpath(os.path.join(shared, "data", "icews05-15"))


def read_icews(path):
    """(entity degree, relation count) dicts from the ICEWS05-15 splits."""
    if os.path.isfile(path):
        files = [path]
    else:
        names = sorted(f for f in os.listdir(path) if f.endswith(".tsv"))
        files = [os.path.join(path, f) for key in ("train", "valid", "test")
                 for f in names if key in f]
    if not files:
        raise SystemExit("gen_synthetic: no ICEWS .tsv files in %s (--icews)" % path)
    deg, rel = {}, {}
    for fn in files:
        with open(fn, encoding="utf-8", newline="") as f:
            for line in f:
                s, r, o, _ = line.rstrip("\n").split("\t")
                deg[s] = deg.get(s, 0) + 1
                deg[o] = deg.get(o, 0) + 1
                rel[r] = rel.get(r, 0) + 1
    return deg, rel


def is_person(name, countries):
    if "(" in name or name in countries:
        return False
    toks = name.split()
    if not 2 <= len(toks) <= 5:
        return False
    for t in toks:
        if t in ORG_WORDS or any(c.isdigit() for c in t):
            return False
        if not (t[0].isupper() or t in PARTICLES or t.startswith(("al-", "el-"))):
            return False
    return True


def cumulative(weights):
    out, t = [], 0.0
    for w in weights:
        t += w
        out.append(t)
    return out


class Universe:
    """The actors: names, kinds, weights, countries, careers."""

    def __init__(self, rng, deg, m, day_cum):
        ranked = sorted(deg, key=lambda e: (-deg[e], e))
        sector_w, country_w = {}, {}
        for e in ranked:
            mm = PAREN.match(e)
            if mm:
                sector_w[mm.group(1)] = sector_w.get(mm.group(1), 0) + 1
                country_w[mm.group(2)] = country_w.get(mm.group(2), 0) + deg[e]
        countries = {c for c in country_w if c in deg}
        firsts, lasts = set(), set()
        for e in ranked:
            if is_person(e, countries):
                toks = e.split()
                if toks[0][0].isupper() and len(toks[0]) > 1:
                    firsts.add(toks[0])
                if toks[-1][0].isupper() and len(toks[-1]) > 1:
                    lasts.add(toks[-1])
        firsts, lasts = sorted(firsts), sorted(lasts)
        sectors = sorted(sector_w)
        sector_cum = cumulative(sector_w[s] for s in sectors)
        cnames = sorted(country_w)
        country_cum = cumulative(country_w[c] for c in cnames)

        self.names = ranked[:m]
        taken = set(ranked)
        generated = {"sector": 0, "person": 0}
        while len(self.names) < m:
            if rng.random() < TAIL_SECTOR_SHARE:
                s = sectors[bisect.bisect(sector_cum, rng.random() * sector_cum[-1])]
                c = cnames[bisect.bisect(country_cum, rng.random() * country_cum[-1])]
                name, kind = "%s (%s)" % (s, c), "sector"
            else:
                parts = [rng.choice(firsts)]
                if rng.random() < 0.2:
                    parts.append(rng.choice(firsts))
                parts.append(rng.choice(lasts))
                name, kind = " ".join(parts), "person"
            if name in taken:
                continue
            taken.add(name)
            generated[kind] += 1
            self.names.append(name)
        self.generated = generated
        self.weights = [(r + 1 + ZIPF_Q) ** -ZIPF_S for r in range(m)]
        self.cum = cumulative(self.weights)
        self.total = self.cum[-1]

        # Kinds, countries (for same-country partners) and careers (day spans).
        ndays = len(day_cum)
        self.country_of = [None] * m
        self.person = [False] * m
        self.sector = [False] * m
        self.span = [(0, ndays - 1)] * m
        members = {}
        index = {n: i for i, n in enumerate(self.names)}
        for i, n in enumerate(self.names):
            mm = PAREN.match(n)
            if mm:
                self.country_of[i] = mm.group(2)
                self.sector[i] = True
                members.setdefault(mm.group(2), []).append(i)
            elif n in countries:
                self.country_of[i] = n
                members.setdefault(n, []).append(i)
            elif is_person(n, countries):
                self.person[i] = True
                length = int(rng.uniform(*CAREER_YEARS) * 365.25)
                start = rng.randint(-length, ndays - 1)   # as many careers under way each day
                self.span[i] = (max(start, 0), min(start + length, ndays - 1))
        self.members = {}      # country -> (member ids, cumulative weights)
        for c in sorted(members):
            ids = members[c]
            self.members[c] = (ids, cumulative(self.weights[i] for i in ids))
        self.countries = countries
        self.index = index

    def draw(self, rnd):
        return bisect.bisect(self.cum, rnd() * self.total)

    def draw_same_country(self, rnd, a):
        c = self.country_of[a]
        if c is None:
            return None
        ids, cum = self.members[c]
        return ids[bisect.bisect(cum, rnd() * cum[-1])]


def day_table():
    days, cum, t = [], [], 0.0
    n = (LAST_DAY - FIRST_DAY).days + 1
    g = math.log(GROWTH) / (n - 1)
    for k in range(n):
        d = FIRST_DAY + datetime.timedelta(days=k)
        t += math.exp(g * k) * WEEKDAY_FACTOR[d.weekday()]
        days.append(d.isoformat())
        cum.append(t)
    return days, cum


def main():
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=10_000_000, help="events to write (default 10,000,000)")
    ap.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    ap.add_argument("--out", default="-", help="output file (default stdout)")
    ap.add_argument("--icews", default=default_icews(),
                    help="ICEWS05-15 folder or file to calibrate from (default %(default)s)")
    ap.add_argument("--stats", action="store_true",
                    help="also print the set's degree and dyad statistics to stderr "
                         "(holds one counter per dyad: ~0.5 GB at 10 M)")
    args = ap.parse_args()
    if args.events < 1:
        raise SystemExit("gen_synthetic: --events must be >= 1")
    t_start = time.time()
    rng = random.Random(args.seed)
    rnd = rng.random

    deg, rel_count = read_icews(args.icews)
    rels = sorted(rel_count)
    rel_cum = cumulative(rel_count[r] for r in rels)
    rel_tot = rel_cum[-1]
    days, day_cum = day_table()
    day_cum0 = [0.0] + day_cum     # day_cum0[k] = intensity before day k

    scale = args.events / N_REF
    m = max(50, round(M_REF * scale ** HEAPS))
    ndyads = max(20, round(D_REF * scale ** HEAPS))
    U = Universe(rng, deg, m, day_cum)
    log("%d events, seed %d: %d actors (%d from ICEWS05-15, %d generated sectors, %d persons), "
        "%d pool dyads" % (args.events, args.seed, m, m - sum(U.generated.values()),
                           U.generated["sector"], U.generated["person"], ndyads))

    def draw_day(lo, hi):
        """A day in [lo, hi] with the global intensity."""
        a, b = day_cum0[lo], day_cum0[hi + 1]
        return min(bisect.bisect(day_cum, a + rnd() * (b - a)), hi)

    def overlap(a, b):
        sa, sb = U.span[a], U.span[b]
        return max(sa[0], sb[0]), min(sa[1], sb[1])

    # The dyad pool: standing relationships, busy pairs ranked first.
    pool, seen = [], set()
    while len(pool) < ndyads:
        a = U.draw(rnd)
        b = U.draw_same_country(rnd, a) if rnd() < P_POOL_SAME_COUNTRY else None
        if b is None:
            b = U.draw(rnd)
        lo, hi = overlap(a, b)
        key = (min(a, b), max(a, b))
        if a == b or lo > hi or key in seen:
            continue
        seen.add(key)
        score = math.log(U.weights[a]) + math.log(U.weights[b]) + rng.gauss(0.0, DYAD_SCORE_SIGMA)
        if U.country_of[a] is not None and U.country_of[a] == U.country_of[b]:
            score += SAME_COUNTRY_BONUS
        elif U.sector[a] or U.sector[b]:
            score -= FOREIGN_SECTOR_MALUS
        pool.append((-score, key[0], key[1]))
    del seen
    pool.sort()
    dy_w = [(k + 1 + DYAD_Q) ** -DYAD_S for k in range(ndyads)]
    dy_cum = cumulative(dy_w)
    dy_tot = dy_cum[-1]
    # A burst event picks its dyad directly, so a dyad's weight there is
    # thinned by the share of the 30 years it is active (as the rejection of
    # inactive dyads does for the other pool events).
    span_mass = []
    dyads = []
    for _, a, b in pool:
        lo, hi = overlap(a, b)
        span_mass.append((day_cum0[hi + 1] - day_cum0[lo]) / day_cum[-1])
        blen = rng.randint(*BURST_DAYS)
        bc = draw_day(lo, hi)
        blo, bhi = max(lo, bc - blen // 2), min(hi, bc + blen // 2)
        favs = tuple(bisect.bisect(rel_cum, rnd() * rel_tot) for _ in range(3))
        dyads.append((a, b, rng.uniform(0.15, 0.85), favs, lo, hi, blo, bhi))
    del pool
    burst_cum = cumulative(w * f for w, f in zip(dy_w, span_mass))
    burst_tot = burst_cum[-1]

    # Events, bucketed by year into temporary files, then sorted by date.
    names = U.names
    first_year = FIRST_DAY.year
    out_dir = os.path.dirname(os.path.abspath(args.out)) if args.out != "-" else None
    tmp = tempfile.TemporaryDirectory(prefix="gen_synthetic.", dir=out_dir)
    nyears = LAST_DAY.year - first_year + 1
    buckets = [open(os.path.join(tmp.name, "%d.tsv" % (first_year + y)), "w", encoding="utf-8",
                    newline="", buffering=1 << 20) for y in range(nyears)]
    year_of_day = [int(d[:4]) - first_year for d in days]
    span, last = U.span, len(days) - 1
    stats = args.stats
    degree = [0] * m
    pairs = {} if stats else None
    from_pool = 0
    chunk = 1 << 16
    done = 0
    while done < args.events:
        n = min(chunk, args.events - done)
        lines = [[] for _ in range(nyears)]
        for _ in range(n):
            if rnd() < P_POOL:
                from_pool += 1
                if rnd() < P_BURST:        # in the dyad's burst window
                    a, b, pab, favs, lo, hi, blo, bhi = \
                        dyads[bisect.bisect(burst_cum, rnd() * burst_tot)]
                    day = blo + int(rnd() * (bhi - blo + 1))
                else:                      # a day, then a dyad active on it
                    day = draw_day(0, last)
                    while True:
                        a, b, pab, favs, lo, hi, blo, bhi = \
                            dyads[bisect.bisect(dy_cum, rnd() * dy_tot)]
                        if lo <= day <= hi:
                            break
                s, o = (a, b) if rnd() < pab else (b, a)
                r = favs[int(rnd() * 3)] if rnd() < P_FAVOURITE else \
                    bisect.bisect(rel_cum, rnd() * rel_tot)
            else:                          # a day, then two actors active on it
                day = draw_day(0, last)
                while True:
                    s = U.draw(rnd)
                    if span[s][0] <= day <= span[s][1]:
                        break
                while True:
                    if rnd() < P_SELF_LOOP:
                        o = s
                        break
                    o = U.draw_same_country(rnd, s) if rnd() < P_GRAVITY_SAME_COUNTRY else None
                    if o is None or o == s:
                        o = U.draw(rnd)
                    if o != s and span[o][0] <= day <= span[o][1]:
                        break
                r = bisect.bisect(rel_cum, rnd() * rel_tot)
            if stats:
                degree[s] += 1
                degree[o] += 1
                k = (min(s, o) * m + max(s, o))
                pairs[k] = pairs.get(k, 0) + 1
            lines[year_of_day[day]].append(
                "%s\t%s\t%s\t%s\n" % (names[s], rels[r], names[o], days[day]))
        for y in range(nyears):
            if lines[y]:
                buckets[y].write("".join(lines[y]))
        done += n
        if done % (chunk * 32) == 0:
            log("%d / %d events (%.0f s)" % (done, args.events, time.time() - t_start))
    for f in buckets:
        f.close()

    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8", newline="")
    per_year = []
    for y in range(nyears):
        with open(os.path.join(tmp.name, "%d.tsv" % (first_year + y)), encoding="utf-8",
                  newline="") as f:
            ls = f.readlines()
        ls.sort(key=lambda l: l[-11:-1])      # stable: generation order within a day
        out.write("".join(ls))
        per_year.append(len(ls))
        del ls
    if out is not sys.stdout:
        out.close()
    tmp.cleanup()
    log("wrote %d events to %s in %.1f s (%d%% from the dyad pool); events per year %s"
        % (args.events, args.out, time.time() - t_start, round(100 * from_pool / args.events),
           " ".join("%d:%d" % (first_year + y, c) for y, c in enumerate(per_year)
                    if y % 5 == 0 or y == nyears - 1)))
    if stats:
        report(U, degree, pairs, m)


def report(U, degree, pairs, m):
    ranked = sorted(range(m), key=lambda i: -degree[i])
    present = [degree[i] for i in ranked if degree[i] > 0]
    n = len(present)
    log("entities %d (of %d); degree rank 1/10/100/1000/10000: %s; median %d; degree 1: %d; "
        "mid (>= 50, not top 15): %d; low (3..49): %d"
        % (n, m, "/".join(str(present[k - 1]) for k in (1, 10, 100, 1000, 10000) if k <= n),
           present[n // 2], sum(1 for d in present if d == 1),
           sum(1 for d in present[15:] if d >= 50), sum(1 for d in present if 3 <= d < 50)))
    log("top actors: " + ", ".join("%s %d" % (U.names[i], degree[i]) for i in ranked[:15]))
    counts = sorted(pairs.values(), reverse=True)
    nd = len(counts)
    log("unordered dyads %d; rank 1/10/100/1000/10000: %s; with >= 20 events: %d; with 1: %d"
        % (nd, "/".join(str(counts[k - 1]) for k in (1, 10, 100, 1000, 10000) if k <= nd),
           sum(1 for c in counts if c >= 20), sum(1 for c in counts if c == 1)))
    top = sorted(pairs.items(), key=lambda kv: -kv[1])[:5]
    log("top dyads: " + ", ".join("%s - %s %d" % (U.names[k // m], U.names[k % m], c)
                                  for k, c in top))


if __name__ == "__main__":
    main()
