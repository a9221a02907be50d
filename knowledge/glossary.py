"""A bilingual glossary of IP-protection terms that lets the lexical index cross languages and synonyms.

The embedding model is weak from an English question to a Chinese-only passage (DESIGN §4), and BM25 sees no
shared term at all. Expanding an English query with the Chinese terms of this glossary (and a Chinese query
with the English ones) lets words match across languages. Users also say words the documents never use
(山寨, 高仿 for 假冒): an entry's synonyms are searched as its terms.

The glossary is data that staff keep (``knowledge/glossary.yml``, edited in the console). Each index build
carries a copy (:mod:`knowledge.store`), so a change is live, on every process that serves the build, after
the next rebuild. Every Chinese term and synonym is also a word of Jieba's dictionary, so "双随机" or
"行刑衔接" is one word to the lexical index, not single characters.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Tuple

import yaml

from bilingual import CJK, cjk_count, has_cjk
from knowledge.errors import KnowledgeError
from knowledge.stop_words import EN_STOP

DEFAULT_FILE = Path(__file__).resolve().parent / "glossary.yml"
MAX_TERM_CHARS = 60
MAX_ENTRIES = 5000
_HEADER = (
    "# The bilingual IP glossary: lets a search cross languages and catch the words users say instead.\n"
    "#\n"
    "# Staff edit it in the console (Glossary page) or here; a change is live after the next index\n"
    "# rebuild (the console starts one). Each entry: an English term (matched on whole words), its\n"
    "# Chinese terms, and optional synonyms: words users say for it, in either language\n"
    "# (山寨 = 假冒 = counterfeit), searched as the entry's terms. Every Chinese term and synonym is\n"
    "# also a word of the Jieba dictionary, so it stays whole.\n"
)
_EN_WORD = re.compile(r"[a-z0-9]+")
logger = logging.getLogger(__name__)


class GlossaryError(KnowledgeError):
    """The glossary is malformed; the message names the entry."""


@dataclass(frozen=True)
class Entry:
    """One term: English (lowercase, whole words), its Chinese terms, and synonyms in either language."""

    en: str
    zh: Tuple[str, ...]
    synonyms: Tuple[str, ...] = ()

    def to_dict(self) -> Dict:
        data: Dict = {"en": self.en, "zh": list(self.zh)}
        if self.synonyms:
            data["synonyms"] = list(self.synonyms)
        return data


def _en_pattern(term: str) -> re.Pattern:
    return re.compile(rf"(?<![a-z]){re.escape(term)}(?:s|es|ed|ing)?(?![a-z])")


@dataclass(frozen=True)
class Glossary:
    entries: Tuple[Entry, ...]
    _en_patterns: List[Tuple[re.Pattern, Tuple[str, ...]]] = field(init=False, repr=False, compare=False)
    _zh_to_terms: Dict[str, List[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        patterns: List[Tuple[re.Pattern, Tuple[str, ...]]] = []
        zh_to_terms: Dict[str, List[str]] = {}
        for entry in self.entries:
            patterns.append((_en_pattern(entry.en), entry.zh))
            for zh in entry.zh:
                zh_to_terms.setdefault(zh, []).append(entry.en)
            for synonym in entry.synonyms:
                if has_cjk(synonym):  # a Chinese synonym: searched as the entry's terms, in both languages
                    zh_to_terms.setdefault(synonym, []).extend([entry.en, *entry.zh])
                else:  # an English one: as the entry's English term and its Chinese terms
                    patterns.append((_en_pattern(synonym.lower()), (entry.en, *entry.zh)))
        object.__setattr__(self, "_en_patterns", patterns)
        object.__setattr__(self, "_zh_to_terms", zh_to_terms)

    # searching ------------------------------------------------------------------------------------
    def english_to_chinese(self, text: str) -> Tuple[List[str], float]:
        """Chinese terms for the English glossary terms in ``text``, and the share of its words they cover."""
        lowered = text.lower()
        found: List[str] = []
        covered = [False] * len(lowered)
        for pattern, terms in self._en_patterns:
            for match in pattern.finditer(lowered):
                found.extend(terms)
                covered[match.start() : match.end()] = [True] * (match.end() - match.start())
        words = [m for m in _EN_WORD.finditer(lowered) if m.group() not in EN_STOP]
        share = sum(covered[m.start()] for m in words) / len(words) if words else 0.0
        return found, share

    def chinese_to_english(self, text: str) -> Tuple[List[str], float]:
        """English terms for the Chinese terms (and synonyms) in ``text``, and the share of it covered."""
        found: List[str] = []
        covered = [False] * len(text)
        for zh, terms in self._zh_to_terms.items():
            start = text.find(zh)
            while start >= 0:
                found.extend(terms)
                covered[start : start + len(zh)] = [True] * len(zh)
                start = text.find(zh, start + 1)
        chars = [i for i, ch in enumerate(text) if CJK.match(ch)]
        share = sum(covered[i] for i in chars) / len(chars) if chars else 0.0
        return found, share

    def expand(self, text: str) -> Tuple[List[str], float]:
        """Terms of the other language (and of synonyms) for a query, and how much of it they account for."""
        zh_terms, en_share = self.english_to_chinese(text)
        en_terms, zh_share = self.chinese_to_english(text)
        english_words = len([m for m in _EN_WORD.finditer(text.lower()) if m.group() not in EN_STOP])
        share = en_share if english_words >= cjk_count(text) / 2 else zh_share
        return zh_terms + en_terms, share

    def chinese_terms(self) -> List[str]:
        """Every Chinese term of the glossary (synonyms are not terms: a misspelling is corrected towards
        a term only)."""
        return list(dict.fromkeys(zh for entry in self.entries for zh in entry.zh))

    def english_terms(self) -> List[str]:
        return [entry.en for entry in self.entries]

    def jieba_words(self) -> FrozenSet[str]:
        """The words Jieba must keep whole: every Chinese term and synonym."""
        return frozenset(
            word for entry in self.entries for word in (*entry.zh, *entry.synonyms) if has_cjk(word)
        )

    # data -----------------------------------------------------------------------------------------
    def to_yaml(self) -> str:
        body = yaml.safe_dump(
            {"terms": [e.to_dict() for e in self.entries]},
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=None,
            width=200,
        )
        return _HEADER + body

    @property
    def fingerprint(self) -> str:
        """What a build records, to tell whether the glossary changed since."""
        return hashlib.sha256(repr(self.entries).encode("utf-8")).hexdigest()[:16]

    def find(self, en: str) -> Optional[Entry]:
        return next((e for e in self.entries if e.en == en.strip().lower()), None)

    def with_entry(self, entry: Entry, replacing: Optional[str] = None) -> Glossary:
        """A copy with ``entry`` added, or in place of the entry ``replacing`` (its English term)."""
        old = replacing or entry.en
        kept = [e for e in self.entries if e.en != old]
        if any(e.en == entry.en for e in kept):
            raise GlossaryError(f"the glossary already has the term '{entry.en}'")
        position = next((i for i, e in enumerate(self.entries) if e.en == old), len(self.entries))
        kept.insert(min(position, len(kept)), entry)
        return Glossary(tuple(kept))

    def without(self, en: str) -> Glossary:
        if self.find(en) is None:
            raise GlossaryError(f"the glossary has no term '{en}'")
        return Glossary(tuple(e for e in self.entries if e.en != en.strip().lower()))


def _words(value: object, where: str, name: str, required: bool) -> Tuple[str, ...]:
    if value in (None, "", []):
        if required:
            raise GlossaryError(f"{where}: '{name}' is missing")
        return ()
    items = value if isinstance(value, list) else str(value).split(",")
    words = tuple(dict.fromkeys(str(item).strip() for item in items if str(item).strip()))
    if not words and required:
        raise GlossaryError(f"{where}: '{name}' is missing")
    for word in words:
        if len(word) > MAX_TERM_CHARS or "\n" in word:
            raise GlossaryError(f"{where}: '{name}' has a term longer than {MAX_TERM_CHARS} characters")
    return words


def make_entry(en: object, zh: object, synonyms: object = None, where: str = "entry") -> Entry:
    """A validated entry: ``zh`` and ``synonyms`` as lists or comma-separated text."""
    english = str(en or "").strip().lower()
    if not english or len(english) > MAX_TERM_CHARS or has_cjk(english) or not _EN_WORD.search(english):
        raise GlossaryError(f"{where}: 'en' must be an English term of at most {MAX_TERM_CHARS} characters")
    chinese = _words(zh, where, "zh", required=True)
    if not all(has_cjk(word) or word.isdigit() for word in chinese):
        raise GlossaryError(f"{where}: 'zh' must be Chinese terms")
    return Entry(english, chinese, _words(synonyms, where, "synonyms", required=False))


def parse(text: str, where: str = "glossary") -> Glossary:
    """A glossary from its YAML text; every error names the entry."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise GlossaryError(f"{where}: not valid YAML ({error})") from None
    terms = data.get("terms") if isinstance(data, dict) else None
    if not isinstance(terms, list) or not terms:
        raise GlossaryError(f"{where}: expected 'terms:' followed by a list of entries")
    if len(terms) > MAX_ENTRIES:
        raise GlossaryError(f"{where}: at most {MAX_ENTRIES} entries")
    entries: List[Entry] = []
    seen = set()
    for number, item in enumerate(terms, start=1):
        label = f"{where}, entry {number}"
        if not isinstance(item, dict) or set(map(str, item)) - {"en", "zh", "synonyms"}:
            raise GlossaryError(f"{label}: an entry has 'en', 'zh' and optionally 'synonyms'")
        entry = make_entry(item.get("en"), item.get("zh"), item.get("synonyms"), label)
        if entry.en in seen:
            raise GlossaryError(f"{label}: the term '{entry.en}' appears twice")
        seen.add(entry.en)
        entries.append(entry)
    return Glossary(tuple(entries))


def load(path: Optional[Path] = None) -> Glossary:
    """The glossary in ``path``; the packaged one when ``path`` is None or does not exist yet."""
    chosen = Path(path) if path is not None and Path(path).is_file() else DEFAULT_FILE
    return parse(chosen.read_text(encoding="utf-8"), str(chosen))


# The process's glossary: the one of the index build being searched -------------------------------------
_lock = threading.Lock()
_current: Optional[Glossary] = None
_jieba_words: FrozenSet[str] = frozenset()


def current() -> Glossary:
    global _current
    if _current is None:
        use(load())
    return _current  # type: ignore[return-value]


def use(glossary: Glossary) -> None:
    """Search with ``glossary`` from now on: its terms become Jieba words, words it dropped are forgotten."""
    global _current, _jieba_words
    with _lock:
        if _current is not None and _current == glossary:
            return
        import jieba

        jieba.setLogLevel(logging.WARNING)
        words = glossary.jieba_words()
        for word in _jieba_words - words:
            jieba.del_word(word)
        for word in sorted(words - _jieba_words):
            jieba.add_word(word)
        _jieba_words, _current = words, glossary
        from knowledge import spelling  # its sound table is made from the terms

        spelling.forget_terms()


# The functions the lexical index and the speller call: the current glossary's.
def expand(text: str) -> Tuple[List[str], float]:
    return current().expand(text)


def chinese_terms() -> List[str]:
    return current().chinese_terms()


def english_terms() -> List[str]:
    return current().english_terms()
