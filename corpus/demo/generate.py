"""Generate the demo inputs: CommonCrawl WET/WARC, Wikipedia XML dumps and langlinks SQL.

Everything is derived from the authored texts in ``texts/`` with ``random.Random(SEED)``,
fixed dates and content-derived ids, so every run writes the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import random

from corpus.demo import web, wiki
from corpus.demo.texts import LANGS, load_pools, load_topics
from corpus.lang import sentence_joiner
from corpus.demo.web import Page, WarcItem

SEED = 20990101
SNAPSHOT = "CC-MAIN-2099-01"
DUMP_DATE = "20990101"
SEGMENT = "1000000000000.0"
N_WET_FILES = 3
N_WARC_FILES = 2
MIN_CHARS = 400

# Distinct web documents per language (before planted duplicates).
WET_COUNTS = {"eng_Latn": 600, "rus_Cyrl": 235, "fra_Latn": 150, "deu_Latn": 120, "spa_Latn": 90}
WARC_COUNTS = {"eng_Latn": 50, "rus_Cyrl": 20, "fra_Latn": 14, "deu_Latn": 12, "spa_Latn": 8,
               "ukr_Cyrl": 3, "jpn_Jpan": 4}
LOW_WET, LOW_WARC = 8, 2
N_SITES = {"eng_Latn": 40, "rus_Cyrl": 15, "fra_Latn": 10, "deu_Latn": 8, "spa_Latn": 6}

HEADINGS = {
    "eng_Latn": ["History", "Geography", "Economy", "References"],
    "rus_Cyrl": ["История", "География", "Экономика", "Примечания"],
    "fra_Latn": ["Histoire", "Géographie", "Économie", "Références"],
    "deu_Latn": ["Geschichte", "Geographie", "Wirtschaft", "Einzelnachweise"],
    "spa_Latn": ["Historia", "Geografía", "Economía", "Referencias"],
    "swh_Latn": ["Historia", "Jiografia", "Uchumi", "Marejeo"],
    "ukr_Cyrl": ["Історія", "Географія", "Економіка", "Примітки"],
    "arb_Arab": ["التاريخ", "الجغرافيا", "الاقتصاد", "المراجع"],
    "hin_Deva": ["इतिहास", "भूगोल", "अर्थव्यवस्था", "संदर्भ"],
    "jpn_Jpan": ["歴史", "地理", "経済", "脚注"],
    "zho_Hans": ["历史", "地理", "经济", "参考文献"],
    "tha_Thai": ["ประวัติ", "ภูมิศาสตร์", "เศรษฐกิจ", "อ้างอิง"],
    "amh_Ethi": ["ታሪክ", "መልክዓ ምድር", "ኢኮኖሚ", "ማጣቀሻዎች"],
    "ell_Grek": ["Ιστορία", "Γεωγραφία", "Οικονομία", "Παραπομπές"],
}
TABLE_WORDS = {"eng_Latn": ("Year", "Population"), "rus_Cyrl": ("Год", "Население"),
               "fra_Latn": ("Année", "Population"), "deu_Latn": ("Jahr", "Einwohner"),
               "spa_Latn": ("Año", "Población")}
FILLER_TITLES = {
    "eng_Latn": ["Lake Orsen", "Brackley Market", "Tamsford", "River Wend", "Hollins Bridge", "Corran Bay",
                 "Eastwick", "Harlow", "Pellam Forest", "Aster (river)", "Millbrook School", "Greywater Mill",
                 "Dunmore Castle", "Kettle Hill Observatory", "Fenwick Library", "Saltmarsh Reserve",
                 "Oakhurst", "Redcliffe Harbour", "Linden Square", "Thornbury Fair"],
    "rus_Cyrl": ["Орсен (озеро)", "Тамсфорд", "Венд (река)", "Замок Данмор", "Пелламский лес",
                 "Иствик", "Харлоу", "Мельница Грейуотер"],
    "fra_Latn": ["Lac Orsen", "Tamsford", "Château de Dunmore", "Forêt de Pellam", "Baie de Corran"],
    "deu_Latn": ["Orsensee", "Tamsford", "Burg Dunmore", "Pellamer Wald"],
    "spa_Latn": ["Lago Orsen", "Tamsford", "Castillo de Dunmore"],
}
WIKI_REDIRECTS = {  # wiki -> {redirect title: target}
    "en": {"Velmora (town)": "Velmora", "St Orla's Lighthouse": "Saint Orla's Lighthouse",
           "Sourdough": "Sourdough bread", "Rice terraces": "Rice terrace", "Bookmobile": "Mobile library",
           "River Aster": "Aster (river)"},
    "ru": {"Вельмора (город)": "Вельмора", "Закваска (хлеб)": "Хлеб на закваске"},
    "fr": {"Levain (pain)": "Pain au levain"},
    "de": {"Sauerteig-Brot": "Sauerteigbrot"},
    "ja": {"ヴェルモーラ町": "ヴェルモーラ"},
    "sw": {"Velmora (mji)": "Velmora"},
}
EXTRA_LANGLINKS = {("velmora", "eng_Latn"): [("it", "Velmora"), ("pl", "Velmora")],
                   ("saint_orla_lighthouse", "eng_Latn"): [("it", "Faro di Sant'Orla")]}


# ---------------------------------------------------------------- documents
def sample_doc(rng: random.Random, pool: list[str], n_par=(3, 6), n_sent=(2, 4),
               min_chars: int = MIN_CHARS) -> list[list[str]]:
    """3-6 paragraphs of 2-4 distinct sentences; extended until it has `min_chars` characters."""
    order = rng.sample(range(len(pool)), len(pool))
    paras, i = [], 0
    n = rng.randint(*n_par)
    while i < len(order) and (len(paras) < n or sum(len(s) for p in paras for s in p) < min_chars):
        k = rng.randint(*n_sent)
        paras.append([pool[j] for j in order[i : i + k]])
        i += k
    return paras


def join_paras(lang: str, paras: list[list[str]]) -> tuple[str, ...]:
    sep = sentence_joiner(lang)
    return tuple(sep.join(p) for p in paras)


def make_title(lang: str, first: str) -> str:
    s = first.rstrip(".。।።!?")
    if LANGS[lang].spaced:
        words = s.split()
        return " ".join(words[:6]).rstrip(",;:،")
    return s[:14]


def word5_jaccard(a: str, b: str) -> float:
    def sh(t):
        w = t.lower().split()
        return {tuple(w[i : i + 5]) for i in range(max(1, len(w) - 4))}
    x, y = sh(a), sh(b)
    return len(x & y) / len(x | y)


class Sites:
    """Fictional web sites per language, drawn once."""

    def __init__(self, rng: random.Random):
        self.by_lang = {}
        used = set()
        for lang in LANGS:
            sites = []
            while len(sites) < N_SITES.get(lang, 3):
                a, b, k = rng.choice(web.SITE_WORDS), rng.choice(web.SITE_WORDS), rng.choice(web.SITE_KINDS)
                if a == b:
                    continue
                tld = rng.choice(web.TLD[lang])
                host = f"www.{a}{b}{k}.{tld}"
                if host in used:
                    continue
                used.add(host)
                sites.append((host, f"{a.title()}{b} {k.title()}"))
            self.by_lang[lang] = sites


class Builder:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.pools = {k: list(v) for k, v in load_pools().items()}
        self.topics = load_topics()
        self.sites = Sites(self.rng)
        self.n_url = 0
        self.n_date = 0

    def url(self, host: str) -> str:
        self.n_url += 1
        sec = self.rng.choice(web.SECTIONS)
        return f"https://{host}/{sec}/2098/{self.rng.randint(1, 12):02d}/{10000 + self.n_url * 7}.html"

    def date(self) -> str:
        self.n_date += 1
        t = self.n_date * 577 + self.rng.randint(0, 500)
        day, rest = divmod(t, 86400)
        return f"2099-01-{1 + day % 14:02d}T{rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}Z"

    def boilerplate(self, lang: str, site: str, force: bool = False):
        """(header, footer, cc_langs) for one page; low-resource pages get English navigation."""
        rng = self.rng
        bl = lang if lang in web.NAV else "eng_Latn"
        header, footer = [], []
        if force or rng.random() < 0.5:
            header.append(" | ".join(web.NAV[bl]))
            if rng.random() < 0.5:
                header.append(web.COOKIE[bl][rng.randrange(2)])
            footer.append(web.FOOTER[bl][0].format(year=2098, site=site))
            footer.append(web.FOOTER[bl][1 + rng.randrange(2)])
        if lang in web.DATE_LABEL and (force or rng.random() < 0.3):
            header.append(web.DATE_LABEL[lang].format(d=f"2098-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"))
        cc = LANGS[lang].cc + (",eng" if header and bl != lang else "")
        return tuple(header), tuple(footer), cc

    def page(self, lang: str, paras: list[list[str]], site=None, with_boilerplate=True, force=False) -> Page:
        host, name = site or self.rng.choice(self.sites.by_lang[lang])
        if with_boilerplate:
            header, footer, cc = self.boilerplate(lang, name, force)
        else:
            header, footer, cc = (), (), LANGS[lang].cc
        title = f"{make_title(lang, paras[0][0])} | {name}"
        return Page(self.url(host), lang, cc, title, self.date(), name, header, join_paras(lang, paras), footer)


# ---------------------------------------------------------------- wikipedia
def wiki_url(wikicode: str, title: str) -> str:
    return f"https://{wikicode}.wikipedia.org/wiki/{title.replace(' ', '_')}"


def _markup_sentence(rng, lang, sent, targets):
    """Wrap one word of a sentence in a link or italics without changing its plain text."""
    if not LANGS[lang].spaced:
        return sent
    toks = sent.split(" ")
    cands = [i for i, t in enumerate(toks) if t.isalpha() and len(t) >= 5]
    if not cands:
        return sent
    i = rng.choice(cands)
    r = rng.random()
    if r < 0.4:
        toks[i] = f"[[{toks[i]}]]"
    elif r < 0.75 and targets:
        toks[i] = f"[[{rng.choice(targets)}|{toks[i]}]]"
    else:
        toks[i] = f"''{toks[i]}''"
    return " ".join(toks)


def _bold_title(lang: str, sent: str, title: str) -> str:
    """Bold the article's subject in its first sentence, as MediaWiki style asks."""
    if title in sent:
        return sent.replace(title, f"'''{title}'''", 1)
    if LANGS[lang].spaced:
        words = sent.split(" ")
        n = min(len(title.split(" ")), len(words) - 1)
        return "'''" + " ".join(words[:n]) + "''' " + " ".join(words[n:])
    return "'''" + sent[: len(title)] + "'''" + sent[len(title):]


INFOBOX = {
    "velmora": ("settlement", [("established", "1642"), ("population_total", "9,000"),
                               ("coordinates", "{{coord|51|30|N|2|7|W}}")]),
    "sourdough": ("food", [("type", "[[Bread]]"), ("main_ingredient", "Flour, water, salt")]),
    "harlow_railway": ("rail line", [("open", "1887"), ("length", "{{convert|64|km|mi}}"),
                                     ("tracks", "Single track")]),
    "saint_orla_lighthouse": ("lighthouse", [("built", "1851&ndash;1854"), ("height", "31&nbsp;m"),
                                             ("range", "20&nbsp;nmi"), ("automated", "1989")]),
    "rice_terrace": ("agriculture", [("crop", "[[Rice]]")]),
    "mobile_library": ("organization", [("type", "Library service")]),
    "settlement": ("settlement", [("subdivision_type", "Country"), ("elevation_m", "112")]),
}


def article_wikitext(rng, lang, title, paras, targets, with_table, ref_url, infobox="settlement"):
    """Wikitext whose visible text is exactly the paragraphs; returns (wikitext, plain paragraphs)."""
    wk = LANGS[lang].wiki
    sep = sentence_joiner(lang)
    cat = wiki.ns_name(wk, 14)
    heads = HEADINGS[lang]
    box, fields = INFOBOX.get(infobox, INFOBOX["settlement"])
    out = [f"{{{{Infobox {box}", f"| name = {title}", f"| image = {infobox}_{len(title)}.jpg"]
    out += [f"| {k} = {v}" for k, v in fields] + ["}}"]
    plain = []
    for pi, sents in enumerate(paras):
        marked = []
        for si, s in enumerate(sents):
            m = s
            if pi == 0 and si == 0:
                m = _bold_title(lang, m, title)
            elif LANGS[lang].spaced:
                m = _markup_sentence(rng, lang, m, targets)
            if pi == 0 and si == 0:
                m += (f'<ref name="a">{{{{cite web |url={ref_url} |title={title} |date=2098-05-01 '
                      f'|access-date=2098-12-01}}}}</ref>')
            elif si == len(sents) - 1 and pi % 2 == 1:
                m += '<ref name="a" />'
            marked.append(m)
        if pi > 0:
            out.append(f"\n== {heads[(pi - 1) % 3]} ==")
        if pi == 1:
            out.append(f"[[File:{title.replace(' ', '_')}_view.jpg|thumb|{title}]]")
        out.append(sep.join(marked))
        plain.append(sep.join(sents))
    if with_table and lang in TABLE_WORDS:
        y, p = TABLE_WORDS[lang]
        out.append('\n{| class="wikitable"\n|+ ' + title + f"\n! {y} !! {p}\n|-\n| 1900 || 4&nbsp;200\n|-\n| 2000 || 8&nbsp;900\n|}}")
    out += [f"\n== {heads[3]} ==", "{{Reflist}}", "", f"[[{cat}:{title}]]"]
    return "\n".join(out) + "\n", plain


def build_wikis(b: Builder):
    """{wiki: [WikiPage]}, {wiki: langlink rows}, topic page info, articles' plain text, redirects."""
    rng = b.rng
    langs_with_topics = sorted({l for t in b.topics.values() for l in t}, key=list(LANGS).index)
    pages: dict[str, list] = {}
    plain_text: dict[tuple[str, str], str] = {}  # (wiki, title) -> plain body
    topic_pages: dict[str, dict[str, dict]] = {}
    art_count: dict[str, int] = {}
    for li, lang in enumerate(langs_with_topics):
        wk = LANGS[lang].wiki
        pid = 1000 + 613 * li
        rev = 1_150_000_000 + 7_919 * li
        plist = []

        def add(title, ns, text, redirect=""):
            nonlocal pid, rev
            pid += rng.randint(3, 400)
            rev += rng.randint(100, 90_000)
            day = rng.randint(1, 28)
            plist.append(wiki.WikiPage(title, ns, pid, rev, rev - rng.randint(50, 5000),
                                       f"2098-12-{day:02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z",
                                       rng.choice(["Riverbank editor", "Mapmaker42", "Demo bot", "Quillon"]),
                                       rng.randint(1000, 9_000_000), rng.choice(["copyedit", "/* History */ sources", "update", "+ref"]),
                                       text, redirect))
            return pid

        targets = list(FILLER_TITLES.get(lang, []))[:8]
        for slug, versions in sorted(b.topics.items()):
            if lang not in versions:
                continue
            v = versions[lang]
            s = list(v.sentences)
            paras = [s[:2], s[2:4], s[4:]] if len(s) > 4 else [s[:2], s[2:]]
            text, plain = article_wikitext(rng, lang, v.title, paras, targets, with_table=(slug == "velmora"),
                                           ref_url=f"https://www.example.org/{slug}", infobox=slug)
            page_id = add(v.title, 0, text)
            topic_pages.setdefault(slug, {})[lang] = {"wiki": f"{wk}wiki", "page_id": page_id, "title": v.title,
                                                       "url": wiki_url(wk, v.title)}
            plain_text[(wk, v.title)] = "\n".join(plain)
            art_count[lang] = art_count.get(lang, 0) + 1
        for title in FILLER_TITLES.get(lang, []):
            paras = sample_doc(rng, b.pools[lang], n_par=(3, 5), n_sent=(2, 4))
            text, plain = article_wikitext(rng, lang, title, paras, [t for t in targets if t != title], with_table=False,
                                           ref_url=f"https://www.example.org/{wk}/{len(plist)}")
            add(title, 0, text)
            plain_text[(wk, title)] = "\n".join(plain)
            art_count[lang] = art_count.get(lang, 0) + 1
        for src, dst in WIKI_REDIRECTS.get(wk, {}).items():
            kw = "#перенаправление" if wk == "ru" and "город" in src else "#REDIRECT"
            add(src, 0, f"{kw} [[{dst}]]\n\n{{{{R from alternative name}}}}\n", redirect=dst)
        # Non-article namespaces.
        first_topic = next(v[lang].title for _, v in sorted(b.topics.items()) if lang in v)
        pool = b.pools[lang]
        sig = f"[[{wiki.ns_name(wk, 2)}:Quillon|Quillon]] ([[{wiki.ns_name(wk, 3)}:Quillon|talk]]) 12:00, 3 December 2098 (UTC)"
        add(f"{wiki.ns_name(wk, 1)}:{first_topic}", 1,
            f"{{{{WikiProject Geography|class=Start}}}}\n== Sources ==\n{rng.choice(pool)} {sig}\n:{rng.choice(pool)} ~~~~\n")
        add(f"{wiki.ns_name(wk, 2)}:Quillon", 2, f"{{{{Babel|{wk}|en-3}}}}\n{rng.choice(pool)}\n")
        add(f"{wiki.ns_name(wk, 10)}:Infobox settlement", 10,
            '{| class="infobox"\n|+ {{{name|{{PAGENAME}}}}}\n{{#if:{{{image|}}}|\n{{!}} [[File:{{{image}}}|220px]]}}\n'
            "|-\n! Established\n| {{{established|}}}\n|}<noinclude>\n{{Documentation}}\n[[Category:Infobox templates]]\n</noinclude>\n")
        add(f"{wiki.ns_name(wk, 14)}:{first_topic}", 14, f"{{{{Commons category|{first_topic}}}}}\n[[{wiki.ns_name(wk, 14)}:Demo]]\n")
        pages[wk] = plist
    # langlinks
    rows: dict[str, list] = {wk: [] for wk in pages}
    for slug, by_lang in topic_pages.items():
        for lang, info in by_lang.items():
            wk = LANGS[lang].wiki
            for other, oinfo in by_lang.items():
                if other != lang:
                    rows[wk].append((info["page_id"], LANGS[other].wiki, oinfo["title"]))
            for ll, t in EXTRA_LANGLINKS.get((slug, lang), []):
                rows[wk].append((info["page_id"], ll, t))
    return pages, rows, topic_pages, plain_text, art_count


# ---------------------------------------------------------------- main entry
def _cc_path(out_dir: str, kind: str, i: int) -> str:
    name = f"CC-MAIN-20990101000000-20990101010000-{i:05d}.warc" + (".wet.gz" if kind == "wet" else ".gz")
    return os.path.join(out_dir, "commoncrawl", "crawl-data", SNAPSHOT, "segments", SEGMENT, kind, name)


def _encodable(pool: list[str], charset: str) -> list[str]:
    out = []
    for s in pool:
        try:
            s.encode(charset)
            out.append(s)
        except UnicodeEncodeError:
            pass
    return out


def write_demo_inputs(out_dir: str) -> dict[str, list[str]]:
    """Write the demo inputs under `out_dir`; returns {"wet", "warc", "wikipedia", "langlinks": [paths]}.

    Also writes ``out_dir/truth.json`` (not an input): planted duplicate groups, cross-language
    topic articles and document counts per language and source.
    """
    b = Builder()
    rng = b.rng
    counts: dict[str, dict[str, int]] = {l: {"wet": 0, "warc": 0, "wikipedia": 0} for l in LANGS}
    exact, near = [], []

    # -- Wikipedia
    pages, rows, topic_pages, plain_text, art_count = build_wikis(b)
    for lang, n in art_count.items():
        counts[lang]["wikipedia"] = n

    # -- WET pages
    wet: list[Page] = []
    for lang in LANGS:
        for _ in range(WET_COUNTS.get(lang, LOW_WET)):
            wet.append(b.page(lang, sample_doc(rng, b.pools[lang])))

    # -- WARC pages (HTML), with declared charsets
    warc_pages: list[tuple[Page, str, str]] = []  # (page, charset, declared_in)
    for lang in LANGS:
        for k in range(WARC_COUNTS.get(lang, LOW_WARC)):
            charset, where = "utf-8", "http+meta"
            if lang in ("rus_Cyrl", "ukr_Cyrl") and k % 2 == 0:
                charset, where = "windows-1251", "http"
            elif lang == "jpn_Jpan" and k % 2 == 0:
                charset, where = "shift_jis", "meta"
            elif lang in ("fra_Latn", "deu_Latn") and k % 2 == 0:
                charset, where = "iso-8859-1", "http"
            pool = _encodable(b.pools[lang], charset)
            warc_pages.append((b.page(lang, sample_doc(rng, pool)), charset, where))

    # -- planted exact duplicates
    def mirror(p: Page, lang: str, k: int) -> Page:
        host, _ = rng.choice(b.sites.by_lang[lang])
        return p._replace(url=f"https://mirror{k or ''}.{host[4:]}/copy/{p.url.rsplit('/', 1)[1]}", date=b.date())

    by_lang = {}
    for p in wet:
        by_lang.setdefault(p.lang, []).append(p)
    plan = ["eng_Latn"] * 6 + ["rus_Cyrl"] * 2 + ["fra_Latn"] * 2 + ["deu_Latn", "spa_Latn"]
    used = set()
    for gi, lang in enumerate(plan):
        base = by_lang[lang][gi * 3 + 1]
        used.add(base.url)
        copies = [mirror(base, lang, k) for k in range(2 if gi in (0, 6) else 1)]
        wet.extend(copies)
        exact.append({"kind": "wet-wet", "lang": lang, "members": [base.url] + [c.url for c in copies],
                      "text_sha1": hashlib.sha1(base.wet_text.encode()).hexdigest()})
    for lang in ["eng_Latn", "eng_Latn", "eng_Latn", "fra_Latn", "rus_Cyrl"]:
        page, charset, where = next((p, c, w) for p, c, w in warc_pages
                                    if p.lang == lang and c == "utf-8" and p.url not in used)
        used.add(page.url)
        host, _ = rng.choice(b.sites.by_lang[lang])
        copy = Page(f"https://{host}/reprint/{page.url.rsplit('/', 1)[1]}", lang, LANGS[lang].cc, page.title,
                    b.date(), page.site, (), page.paragraphs, ())
        wet.append(copy)
        exact.append({"kind": "warc-wet", "lang": lang, "members": [page.url, copy.url],
                      "text_sha1": hashlib.sha1("\n".join(page.paragraphs).encode()).hexdigest(),
                      "note": "the WET text is the <title> line plus the paragraphs of the HTML page's <article>"})
    for slug, lang in [("velmora", "eng_Latn"), ("sourdough", "fra_Latn"), ("mobile_library", "swh_Latn")]:
        info = topic_pages[slug][lang]
        wk = LANGS[lang].wiki
        body = plain_text[(wk, info["title"])]
        host, name = rng.choice(b.sites.by_lang[lang])
        copy = Page(f"https://{host}/wiki-copy/{slug}.html", lang, LANGS[lang].cc, "", b.date(), name, (),
                    tuple(body.split("\n")), ())
        copy = copy._replace(title=copy.paragraphs[0])  # no title line: the text is the article body only
        copy = copy._replace(paragraphs=copy.paragraphs[1:])
        wet.append(copy)
        exact.append({"kind": "wikipedia-wet", "lang": lang, "members": [info["url"], copy.url],
                      "text_sha1": hashlib.sha1(body.encode()).hexdigest(),
                      "note": "the WET text equals the article's body paragraphs (no headings, no markup)"})

    # -- planted near duplicates
    kinds = ["boilerplate", "date", "sentence_added", "sentence_removed"]
    nplan = ["eng_Latn"] * 10 + ["rus_Cyrl"] * 4 + ["fra_Latn"] * 3 + ["deu_Latn"] * 2 + ["spa_Latn"]
    for gi, lang in enumerate(nplan):
        kind = kinds[gi % 4]
        pool = b.pools[lang]
        paras = sample_doc(rng, pool, n_par=(5, 6), n_sent=(3, 4))
        base = b.page(lang, paras, force=True)
        if kind == "boilerplate":
            alt = [l for l in web.FOOTER[lang][1:] if l not in base.footer][0]
            var = base._replace(footer=base.footer[:1] + (alt,))
        elif kind == "date":
            hdr = tuple(web.DATE_LABEL[lang].format(d="2098-12-31") if h.startswith(web.DATE_LABEL[lang][:4]) else h
                        for h in base.header)
            var = base._replace(header=hdr)
        elif kind == "sentence_added":
            present = {s for p in paras for s in p}
            extra = next(s for s in rng.sample(pool, len(pool)) if s not in present)
            p2 = [list(p) for p in paras]
            p2[-1].append(extra)
            var = base._replace(paragraphs=join_paras(lang, p2))
        else:
            p2 = [list(p) for p in paras]
            del p2[2][1]
            var = base._replace(paragraphs=join_paras(lang, p2))
        host = base.url.split("/")[2]
        var = var._replace(url=base.url.replace(".html", "/amp.html") if gi % 2 else f"https://{host}/print/{10 + gi}.html",
                           date=b.date())
        j = word5_jaccard(base.wet_text, var.wet_text)
        assert 0.8 < j < 1.0, (kind, j)
        wet.extend([base, var])
        near.append({"kind": kind, "lang": lang, "members": [base.url, var.url], "jaccard_word5": round(j, 4)})

    # -- non-HTML and redirect responses
    items: list[WarcItem] = []
    charsets = {}
    for page, charset, where in warc_pages:
        related = [make_title(page.lang, s) for s in rng.sample(_encodable(b.pools[page.lang], charset), 4)]
        body = web.page_html(page, None if where == "http" else ("Shift_JIS" if charset == "shift_jis" else "utf-8"),
                             related).encode(charset)
        ctype = "text/html" if where == "meta" else f"text/html; charset={'UTF-8' if charset == 'utf-8' else charset}"
        headers = (("Date", "Thu, 01 Jan 2099 00:00:00 GMT"), ("Server", rng.choice(["nginx", "Apache", "cloudflare"])),
                   ("Content-Type", ctype), ("Last-Modified", "Mon, 01 Dec 2098 10:00:00 GMT"),
                   ("Cache-Control", "max-age=600"), ("Connection", "close"))
        items.append(WarcItem(page.url, page.date, "200 OK", headers, body, charset, page.lang))
        charsets[page.url] = {"charset": charset, "declared_in": where, "lang": page.lang}
    host = b.sites.by_lang["eng_Latn"][0][0]
    base_h = (("Date", "Thu, 01 Jan 2099 00:00:00 GMT"), ("Server", "nginx"))
    non_html = {
        f"https://{host}/images/logo.png": (base_h + (("Content-Type", "image/png"),), web.tiny_png()),
        f"https://{host}/files/timetable-2099.pdf": (base_h + (("Content-Type", "application/pdf"),),
                                                     web.tiny_pdf("Harlow Valley Railway timetable 2099")),
        f"https://{host}/api/weather.json": (base_h + (("Content-Type", "application/json"),),
                                             b'{"town":"Velmora","forecast":"light rain","temp_c":7}'),
    }
    for url, (h, body) in non_html.items():
        items.append(WarcItem(url, b.date(), "200 OK", h, body, "", ""))
    redirect_from = f"http://{host}/old-news/"
    redirect_to = f"https://{host}/news/"
    items.append(WarcItem(redirect_from, b.date(), "301 Moved Permanently",
                          base_h + (("Location", redirect_to), ("Content-Type", "text/html")), b"", "", ""))

    # -- write everything
    paths = {"wet": [], "warc": [], "wikipedia": [], "langlinks": []}
    rng.shuffle(items)
    resp_ids = {}
    for i in range(N_WARC_FILES):
        path = _cc_path(out_dir, "warc", i)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        resp_ids.update(web.write_warc(path, os.path.basename(path), SNAPSHOT, items[i::N_WARC_FILES]))
        paths["warc"].append(path)
    rng.shuffle(wet)
    for i in range(N_WET_FILES):
        path = _cc_path(out_dir, "wet", i)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        web.write_wet(path, os.path.basename(path), SNAPSHOT, wet[i::N_WET_FILES], resp_ids)
        paths["wet"].append(path)
    wdir = os.path.join(out_dir, "wikipedia")
    os.makedirs(wdir, exist_ok=True)
    for wk, plist in pages.items():
        path = os.path.join(wdir, f"{wk}wiki-{DUMP_DATE}-pages-articles.xml.bz2")
        wiki.write_xml_bz2(path, wk, plist)
        paths["wikipedia"].append(path)
        path = os.path.join(wdir, f"{wk}wiki-{DUMP_DATE}-langlinks.sql.gz")
        wiki.write_sql_gz(path, wiki.langlinks_sql(wk, rows[wk]))
        paths["langlinks"].append(path)

    for p in wet:
        counts[p.lang]["wet"] += 1
    for p, _, _ in warc_pages:
        counts[p.lang]["warc"] += 1
    for c in counts.values():
        c["total"] = c["wet"] + c["warc"] + c["wikipedia"]
    totals = {k: sum(c[k] for c in counts.values()) for k in ("wet", "warc", "wikipedia", "total")}
    rel = lambda p: os.path.relpath(p, out_dir)
    truth = {
        "seed": SEED,
        "snapshot": SNAPSHOT,
        "files": {k: [rel(p) for p in v] for k, v in paths.items()},
        "doc_counts": counts,
        "doc_counts_total": totals,
        "exact_duplicates": exact,
        "near_duplicates": near,
        "topics": {slug: {lang: v.title for lang, v in sorted(vs.items())} for slug, vs in sorted(b.topics.items())},
        "topic_pages": topic_pages,
        "warc_pages": charsets,
        "warc_non_html": sorted(non_html),
        "warc_redirects": {redirect_from: redirect_to},
        "wiki_redirects": {f"{wk}wiki": WIKI_REDIRECTS.get(wk, {}) for wk in pages},
        "notes": "Document counts: WET conversion records, WARC HTML responses (200), Wikipedia ns-0 non-redirect "
                 "pages; duplicate copies included. Wikipedia members are article URLs (spaces as underscores, "
                 "not percent-encoded).",
    }
    with open(os.path.join(out_dir, "truth.json"), "w", encoding="utf-8") as fh:
        json.dump(truth, fh, ensure_ascii=False, indent=1, sort_keys=True)
        fh.write("\n")
    return paths
