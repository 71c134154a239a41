"""User-added code systems: the CPT and HCPCS Level II catalogs a site holds a licence for.

Nothing of CPT ships (its descriptors are the AMA's). A site registers its own file with
``codesuggest codesets add cpt FILE``: UTF-8 text, one ``code<TAB>descriptor`` a line (blank
lines and a first line ``code<TAB>...`` are skipped). Every line is checked before anything is
written: two fields, a code of the system's shape (:data:`~codesuggest.codesets.systems.
CODE_SHAPES`), a descriptor without control characters, no code twice. The catalog is then
stored under ``<home>/codesets/`` as a TSV named by its sha256, beside the lexicon keys of its
descriptors (JSON, computed once here: ``codesets.catalog_lexicon``), and the manifest
``catalogs.json`` (system -> files, sha256s, release, counts) is replaced last and atomically:
a failed or interrupted registration leaves the previous catalog in force. Loading reads TSV
and JSON only, and checks each file against the manifest's sha256; keys made by another text
normaliser than the running one are not read (the engine computes them again).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codesuggest.codesets.base import CodeInfo
from codesuggest.codesets.catalog_lexicon import KeyEntry, catalog_keys
from codesuggest.codesets.systems import CODE_SHAPES, CPT, HCPCS, USER_SYSTEMS, known_system
from codesuggest.errors import CatalogError
from codesuggest.extract.normalize import fingerprint
from codesuggest.io.atomic import atomic_path, atomic_writer

FOLDER = "codesets"
MANIFEST = "catalogs.json"
FORMAT = 1
MAX_BYTES = 64 * 1024 * 1024
MAX_DESCRIPTOR_CHARS = 1_000
MAX_SHOWN = 3  # bad lines named in one error message
SHAPE_WORDS = {
    CPT: "5 characters: 4 digits, then a digit, F, T or U",
    HCPCS: "a letter A-V, then 4 digits",
}
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_STORED_NAME = re.compile(r"[a-z]+-[0-9a-f]{16}\.(tsv|keys\.json)")
_ENTRY_KEYS = {"file", "sha256", "codes", "release", "source", "registered", "keys"}
_KEYS_KEYS = {"file", "sha256", "normalizer"}
_SOURCES = frozenset({"title", "variant"})


@dataclass(frozen=True, eq=False)  # compared and hashed as itself: searches are kept per one
class Catalog:
    """One registered catalog: its codes' descriptors (in the file's order) and where they
    came from."""

    system: str
    release: str
    sha256: str
    source: str  # the name of the file it was registered from
    registered: str  # when, ISO 8601 (UTC)
    titles: Mapping[str, str]
    keys: Sequence[KeyEntry] | None = None  # its lexicon keys, as registration stored them

    def lexicon_keys(self) -> Sequence[KeyEntry]:
        """``(code, source, key)`` of every phrase of its descriptors (computed when the stored
        ones were made by another text normaliser)."""
        return self.keys if self.keys is not None else catalog_keys(self.titles)

    def __contains__(self, code: object) -> bool:
        return code in self.titles

    def __len__(self) -> int:
        return len(self.titles)

    def title(self, code: str) -> str:
        return self.titles[code]

    def normalize(self, code: str) -> str | None:
        """``code`` as the catalog holds it (upper case, no spaces), or None when absent."""
        plain = "".join(code.split()).upper()
        return plain if plain in self.titles else None

    # --- the rest of ``codesets.base.CodeSystem``: a catalog is a flat list of billable codes
    labels = "code"

    @property
    def name(self) -> str:
        return self.system

    def label(self, code: str) -> str | None:
        return self.normalize(code)

    def is_billable(self, code: str) -> bool:
        return code in self.titles

    def parent(self, code: str) -> str | None:
        return None

    def ancestors(self, code: str) -> list[str]:
        return []

    def billable_descendants(self, code: str, limit: int = 50) -> list[str]:
        return []

    def codes(self) -> list[str]:
        return list(self.titles)

    def info(self, code: str) -> CodeInfo:
        return CodeInfo(code, self.system, self.title(code), True, None)


def user_system(value: str) -> str:
    """The one name of a user-added system (``cpt`` -> ``CPT``); anything else is an error."""
    system = known_system(value)
    if system in USER_SYSTEMS:
        return system
    if system is not None:
        raise CatalogError(f"{system} is not a user-added code system; only CPT and HCPCS are")
    raise CatalogError(f"unknown code system {value!r}: a user catalog is CPT or HCPCS")


def parse_catalog(data: bytes, system: str, name: str) -> dict[str, str]:
    """Code -> descriptor of a catalog file's bytes, every line checked; a
    :class:`CatalogError` naming the first bad lines (``NAME:LINE: reason``) otherwise."""
    if len(data) > MAX_BYTES:
        raise CatalogError(f"{name}: {len(data):,} bytes; a catalog may hold {MAX_BYTES:,}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = data.count(b"\n", 0, exc.start) + 1
        raise CatalogError(
            f"{name}:{bad_line}: not UTF-8 (byte 0x{data[exc.start]:02x}); "
            "save the catalog as UTF-8"
        ) from None
    text = text.removeprefix("\ufeff")
    shape, words = CODE_SHAPES[system], SHAPE_WORDS[system]
    titles: dict[str, str] = {}
    first_line: dict[str, int] = {}
    problems: list[str] = []
    seen_content = False
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.removesuffix("\r")
        if not line.strip():
            continue
        fields = line.split("\t")
        if not seen_content:
            seen_content = True
            if len(fields) >= 2 and fields[0].strip().lower() == "code":
                continue  # a header line
        problem, code, descriptor = _check_line(fields, system, shape, words)
        if problem is None and code in first_line:
            problem = f"duplicate code {code} (first on line {first_line[code]})"
        if problem is not None:
            problems.append(f"{name}:{number}: {problem}")
            continue
        first_line[code] = number
        titles[code] = descriptor
    if problems:
        shown = "; ".join(problems[:MAX_SHOWN])
        more = len(problems) - MAX_SHOWN
        tail = f"; and {more} more bad line{'s' if more > 1 else ''}" if more > 0 else ""
        raise CatalogError(shown + tail)
    if not titles:
        raise CatalogError(f"{name}: no codes; expected lines of code<TAB>descriptor")
    return titles


def _check_line(
    fields: list[str], system: str, shape: re.Pattern[str], words: str
) -> tuple[str | None, str, str]:
    """(why the line is bad or None, its code, its descriptor)."""
    if len(fields) != 2:
        found = "no tab" if len(fields) == 1 else f"{len(fields)} fields"
        return f"expected code<TAB>descriptor, found {found}", "", ""
    code = fields[0].strip().upper()
    descriptor = " ".join(fields[1].split())
    if not shape.fullmatch(code):
        shown = code if len(code) <= 20 else code[:19] + "…"
        return f"{shown!r} is not a {system} code ({words})", code, ""
    if not descriptor:
        return f"code {code} has an empty descriptor", code, ""
    control = _CONTROL.search(descriptor)
    if control is not None:
        return f"code {code}: its descriptor holds a control character", code, ""
    if len(descriptor) > MAX_DESCRIPTOR_CHARS:
        return f"code {code}: descriptor longer than {MAX_DESCRIPTOR_CHARS} characters", code, ""
    return None, code, descriptor


def _stored_text(titles: Mapping[str, str]) -> str:
    return "".join(f"{code}\t{descriptor}\n" for code, descriptor in titles.items())


def folder(home: Path) -> Path:
    """Where a home's catalogs live."""
    return home / FOLDER


def register(home: Path, system: str, file: Path, release: str | None = None) -> Catalog:
    """Check ``file`` and make it ``system``'s catalog (``system`` spelled any way); the
    previous catalog of the system stays in force unless this one is stored whole."""
    name = user_system(system)
    try:
        data = file.read_bytes()
    except IsADirectoryError:
        raise CatalogError(f"{file}: a folder, not a catalog file") from None
    except OSError as exc:
        raise CatalogError(f"{file}: {exc.strerror or exc}") from None
    titles = parse_catalog(data, name, file.name)
    stored = _stored_text(titles)
    digest = hashlib.sha256(stored.encode("utf-8")).hexdigest()
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    label = release.strip() if release and release.strip() else f"{file.name} ({now.date()})"
    if _CONTROL.search(label):
        raise CatalogError("--release holds a control character")
    keys = catalog_keys(titles)
    keys_text = json.dumps({"normalizer": fingerprint(), "keys": keys}, separators=(",", ":"))
    keys_sha = hashlib.sha256(keys_text.encode("utf-8")).hexdigest()
    target = folder(home)
    target.mkdir(parents=True, exist_ok=True)
    stem = f"{name.lower()}-{digest[:16]}"
    entry = {
        "file": f"{stem}.tsv",
        "sha256": digest,
        "codes": len(titles),
        "release": label,
        "source": file.name,
        "registered": now.isoformat(),
        "keys": {
            "file": f"{stem}.keys.json",
            "sha256": keys_sha,
            "normalizer": fingerprint(),
        },
    }
    with _locked(target):
        for out, text, sha in (
            (target / f"{stem}.tsv", stored, digest),
            (target / f"{stem}.keys.json", keys_text, keys_sha),
        ):
            if not out.is_file() or _sha256_file(out) != sha:
                with atomic_writer(out) as handle:
                    handle.write(text)
        manifest = _read_manifest(target)
        manifest[name] = entry
        _write_manifest(target, manifest)
        _remove_unlisted(target, manifest)
    return Catalog(name, label, digest, file.name, now.isoformat(), titles, keys)


def remove(home: Path, system: str) -> dict[str, Any]:
    """Unregister ``system``'s catalog; its manifest entry as it was. An error when none is."""
    name = user_system(system)
    target = folder(home)
    with _locked(target):
        manifest = _read_manifest(target) if target.is_dir() else {}
        if name not in manifest:
            raise CatalogError(f"no {name} catalog is registered")
        entry = manifest.pop(name)
        _write_manifest(target, manifest)
        _remove_unlisted(target, manifest)
    return entry


def listed(home: Path) -> dict[str, dict[str, Any]]:
    """The manifest: system -> its entry (file, sha256, codes, release, source, registered);
    empty when nothing is registered. Nothing but the manifest is read."""
    target = folder(home)
    return _read_manifest(target) if (target / MANIFEST).is_file() else {}


def load_registered(home: Path) -> dict[str, Catalog]:
    """Every registered catalog, each checked against its sha256 and read as TSV."""
    out: dict[str, Catalog] = {}
    target = folder(home)
    for system, entry in listed(home).items():
        path = target / entry["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CatalogError(f"{path}: {exc.strerror or exc}; {_remedy(system)}") from None
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise CatalogError(f"{path} differs from its checksum; {_remedy(system)}")
        titles = parse_catalog(data, system, str(path))
        keys = _stored_keys(target, entry["keys"], titles, system)
        out[system] = Catalog(
            system,
            entry["release"],
            entry["sha256"],
            entry["source"],
            entry["registered"],
            titles,
            keys,
        )
    return out


def _stored_keys(
    target: Path, entry: Mapping[str, str], titles: Mapping[str, str], system: str
) -> list[KeyEntry] | None:
    """The keys registration stored, checked; None when another normaliser made them."""
    if entry["normalizer"] != fingerprint():
        return None
    path = target / entry["file"]
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"{path}: {exc.strerror or exc}; {_remedy(system)}") from None
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise CatalogError(f"{path} differs from its checksum; {_remedy(system)}")
    try:
        raw = json.loads(data)
        keys = [(code, source, tuple(words)) for code, source, words in raw["keys"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise CatalogError(f"{path} cannot be read ({exc}); {_remedy(system)}") from None
    for code, source, words in keys:
        if code not in titles or source not in _SOURCES or not all(type(w) is str for w in words):
            raise CatalogError(f"{path}: a bad key for {code!r}; {_remedy(system)}")
    return keys


def stamp(home: Path) -> str:
    """What identifies the registered catalogs now (the manifest's sha256; "" for none): a
    process that loaded them compares it to see whether they changed."""
    try:
        return hashlib.sha256((folder(home) / MANIFEST).read_bytes()).hexdigest()
    except FileNotFoundError:
        return ""


def _remedy(system: str) -> str:
    return f"register it again (codesuggest codesets add {system.lower()} FILE) or remove it"


@contextmanager
def _locked(target: Path) -> Iterator[None]:
    """One registration or removal at a time in a home (other processes wait)."""
    target.mkdir(parents=True, exist_ok=True)
    with (target / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read_manifest(target: Path) -> dict[str, dict[str, Any]]:
    path = target / MANIFEST
    if not path.is_file():
        return {}
    try:
        raw = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogError(f"{path} cannot be read ({exc})") from None
    catalogs = raw.get("catalogs") if isinstance(raw, dict) else None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT or not isinstance(catalogs, dict):
        raise CatalogError(f"{path} is not a catalog manifest of format {FORMAT}")
    for system, entry in catalogs.items():
        if (
            system not in USER_SYSTEMS
            or not isinstance(entry, dict)
            or set(entry) != _ENTRY_KEYS
            or not _STORED_NAME.fullmatch(str(entry["file"]))
            or not isinstance(entry["keys"], dict)
            or set(entry["keys"]) != _KEYS_KEYS
            or not _STORED_NAME.fullmatch(str(entry["keys"]["file"]))
        ):
            raise CatalogError(f"{path}: a bad entry for {system!r}")
    return catalogs


def _write_manifest(target: Path, catalogs: Mapping[str, dict[str, Any]]) -> None:
    body = {"format": FORMAT, "catalogs": dict(sorted(catalogs.items()))}
    with atomic_path(target / MANIFEST) as tmp:
        tmp.write_text(json.dumps(body, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _remove_unlisted(target: Path, catalogs: Mapping[str, dict[str, Any]]) -> None:
    """Stored catalogs no manifest entry names (replaced, removed, or left by a crash)."""
    keep = {str(entry["file"]) for entry in catalogs.values()}
    keep |= {str(entry["keys"]["file"]) for entry in catalogs.values()}
    for path in target.iterdir():
        if _STORED_NAME.fullmatch(path.name) and path.name not in keep:
            with suppress(FileNotFoundError):
                path.unlink()


def _sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
