"""User catalogs (CPT, HCPCS): every line checked, stored whole or not at all, read back checked.

The catalogs here are written for the tests (tests/resources/catalogs): invented descriptors,
never CPT text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codesuggest.codesets import catalogs
from codesuggest.codesets.catalogs import load_registered, parse_catalog, register, remove
from codesuggest.codesets.systems import CPT, HCPCS
from codesuggest.errors import CatalogError, InputError

RESOURCES = Path(__file__).resolve().parents[1] / "resources" / "catalogs"
CPT_FILE = RESOURCES / "cpt_invented.tsv"
HCPCS_FILE = RESOURCES / "hcpcs_invented.tsv"


def test_register_stores_the_checked_catalog_and_its_manifest(tmp_path: Path) -> None:
    catalog = register(tmp_path, "cpt", CPT_FILE, release="Invented 2026")
    assert (catalog.system, catalog.release, len(catalog)) == (CPT, "Invented 2026", 5)
    assert catalog.title("90002") == "Colonoscopy, flexible; with biopsy, single or multiple"
    manifest = json.loads((tmp_path / "codesets" / "catalogs.json").read_text("utf-8"))
    entry = manifest["catalogs"]["CPT"]
    assert entry["codes"] == 5 and entry["source"] == "cpt_invented.tsv"
    assert entry["sha256"] == catalog.sha256
    loaded = load_registered(tmp_path)
    assert list(loaded) == [CPT]
    assert dict(loaded[CPT].titles) == dict(catalog.titles)
    assert list(loaded[CPT].titles) == ["90001", "90002", "90003", "90004", "0042T"]  # file order


def test_register_reads_any_spelling_of_the_system_and_both_systems(tmp_path: Path) -> None:
    register(tmp_path, "Cpt", CPT_FILE)
    register(tmp_path, "hcpcs", HCPCS_FILE)
    loaded = load_registered(tmp_path)
    assert sorted(loaded) == [CPT, HCPCS]
    assert loaded[HCPCS].normalize(" j4002 ") == "J4002"
    assert loaded[HCPCS].release.startswith("hcpcs_invented.tsv (")


@pytest.mark.parametrize(
    ("system", "text", "message"),
    [
        ("cpt", "90001 Appendectomy\n", "x.tsv:1: expected code<TAB>descriptor, found no tab"),
        ("cpt", "90001\ta\tb\n", "x.tsv:1: expected code<TAB>descriptor, found 3 fields"),
        ("cpt", "90001\tA\n9000\tB\n", "x.tsv:2: '9000' is not a CPT code (5 characters"),
        ("cpt", "9000X\tB\n", "x.tsv:1: '9000X' is not a CPT code"),
        ("hcpcs", "W1234\tB\n", "x.tsv:1: 'W1234' is not a HCPCS code (a letter A-V"),
        ("hcpcs", "90001\tB\n", "x.tsv:1: '90001' is not a HCPCS code"),
        ("cpt", "90001\tA\n\n90001\tB\n", "x.tsv:3: duplicate code 90001 (first on line 1)"),
        ("cpt", "90001\t  \n", "x.tsv:1: code 90001 has an empty descriptor"),
        ("cpt", "90001\tA\x07b\n", "x.tsv:1: code 90001: its descriptor holds a control"),
        ("cpt", "", "x.tsv: no codes"),
        ("cpt", "code\tdescriptor\n\n", "x.tsv: no codes"),
    ],
)
def test_parse_catalog_names_the_bad_line(system: str, text: str, message: str) -> None:
    name = catalogs.user_system(system)
    with pytest.raises(CatalogError) as caught:
        parse_catalog(text.encode("utf-8"), name, "x.tsv")
    assert str(caught.value).startswith(message), caught.value
    assert isinstance(caught.value, InputError)


def test_parse_catalog_names_the_first_bad_lines_and_counts_the_rest() -> None:
    text = "".join(f"{n}\tdescriptor\n" for n in ("1", "2", "3", "4", "5", "90001"))
    with pytest.raises(CatalogError, match=r"x\.tsv:1: .*x\.tsv:2: .*x\.tsv:3: .*and 2 more bad"):
        parse_catalog(text.encode(), CPT, "x.tsv")


def test_parse_catalog_wrong_encoding_names_the_line() -> None:
    data = b"90001\tAppendectomy\n90002\tBiopsy\n" + "90003\tCaf\u00e9\n".encode("latin-1")
    with pytest.raises(CatalogError, match=r"^x\.tsv:3: not UTF-8 \(byte 0xe9\)"):
        parse_catalog(data, CPT, "x.tsv")


def test_parse_catalog_reads_a_header_crlf_a_bom_and_spaces() -> None:
    data = "\ufeffCode\tDescriptor\r\n 0001f \t  Lesion   excision,\tx\r\n".encode()
    with pytest.raises(CatalogError, match="found 3 fields"):
        parse_catalog(data, CPT, "x.tsv")
    data = "\ufeffCode\tDescriptor\r\n 0001f \t  Lesion   excision  \r\n\r\n".encode()
    assert parse_catalog(data, CPT, "x.tsv") == {"0001F": "Lesion excision"}


@pytest.mark.parametrize(
    ("system", "message"),
    [
        ("cpx", "unknown code system 'cpx': a user catalog is CPT or HCPCS"),
        ("icd10cm", "ICD-10-CM is not a user-added code system"),
        ("ICD-10-PCS", "ICD-10-PCS is not a user-added code system"),
    ],
)
def test_register_refuses_a_system_that_is_not_a_user_system(
    tmp_path: Path, system: str, message: str
) -> None:
    with pytest.raises(CatalogError, match=message):
        register(tmp_path, system, CPT_FILE)
    assert not (tmp_path / "codesets" / "catalogs.json").exists()


def test_a_bad_file_leaves_the_previous_catalog_in_force(tmp_path: Path) -> None:
    before = register(tmp_path, "cpt", CPT_FILE)
    bad = tmp_path / "bad.tsv"
    bad.write_text("90001\tNew descriptor\n90001\tAgain\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"bad\.tsv:2: duplicate code 90001"):
        register(tmp_path, "cpt", bad)
    assert load_registered(tmp_path)[CPT].sha256 == before.sha256
    assert sorted(p.name for p in (tmp_path / "codesets").iterdir()) == [
        ".lock",
        "catalogs.json",
        f"cpt-{before.sha256[:16]}.keys.json",
        f"cpt-{before.sha256[:16]}.tsv",
    ]


def test_a_registration_that_fails_while_writing_keeps_the_previous_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = register(tmp_path, "cpt", CPT_FILE)
    newer = tmp_path / "newer.tsv"
    newer.write_text("90009\tGastrostomy, percutaneous\n", encoding="utf-8")

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(catalogs, "_write_manifest", fail)
    with pytest.raises(OSError, match="No space left"):
        register(tmp_path, "cpt", newer)
    monkeypatch.undo()
    loaded = load_registered(tmp_path)[CPT]
    assert loaded.sha256 == before.sha256 and "90009" not in loaded
    register(tmp_path, "cpt", newer)  # the next registration clears what the failed one left
    stem = f"cpt-{load_registered(tmp_path)[CPT].sha256[:16]}"
    files = sorted(p.name for p in (tmp_path / "codesets").glob("cpt-*"))
    assert files == [f"{stem}.keys.json", f"{stem}.tsv"]
    assert list(load_registered(tmp_path)[CPT].titles) == ["90009"]


def test_remove_unregisters_and_says_when_nothing_is_registered(tmp_path: Path) -> None:
    register(tmp_path, "cpt", CPT_FILE)
    register(tmp_path, "hcpcs", HCPCS_FILE)
    assert remove(tmp_path, "CPT")["codes"] == 5
    assert list(load_registered(tmp_path)) == [HCPCS]
    assert [p.name for p in (tmp_path / "codesets").glob("cpt-*")] == []
    with pytest.raises(CatalogError, match="no CPT catalog is registered"):
        remove(tmp_path, "cpt")
    with pytest.raises(CatalogError, match="no HCPCS catalog is registered"):
        remove(tmp_path / "elsewhere", "hcpcs")


def test_load_refuses_a_stored_catalog_that_changed(tmp_path: Path) -> None:
    catalog = register(tmp_path, "cpt", CPT_FILE)
    stored = tmp_path / "codesets" / f"cpt-{catalog.sha256[:16]}.tsv"
    stored.write_text(stored.read_text("utf-8") + "90099\tInjected\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="differs from its checksum; register it again"):
        load_registered(tmp_path)


def test_load_refuses_a_manifest_naming_a_path_outside_its_folder(tmp_path: Path) -> None:
    register(tmp_path, "cpt", CPT_FILE)
    path = tmp_path / "codesets" / "catalogs.json"
    manifest = json.loads(path.read_text("utf-8"))
    manifest["catalogs"]["CPT"]["file"] = "../../etc/passwd"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(CatalogError, match="a bad entry for 'CPT'"):
        load_registered(tmp_path)


def test_stamp_changes_when_the_catalogs_do(tmp_path: Path) -> None:
    assert catalogs.stamp(tmp_path) == ""
    register(tmp_path, "cpt", CPT_FILE)
    first = catalogs.stamp(tmp_path)
    assert first
    register(tmp_path, "hcpcs", HCPCS_FILE)
    second = catalogs.stamp(tmp_path)
    assert second != first
    remove(tmp_path, "hcpcs")
    assert catalogs.stamp(tmp_path) not in ("", second)


def test_registration_stores_the_lexicon_keys_and_loading_checks_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from codesuggest.codesets.catalog_lexicon import catalog_keys

    catalog = register(tmp_path, "cpt", CPT_FILE)
    assert catalog.keys == catalog_keys(catalog.titles)
    loaded = load_registered(tmp_path)[CPT]
    assert loaded.keys == catalog.keys
    assert ("90002", "variant", ("biopsy", "colonoscopy")) in loaded.keys
    # keys made by another text normaliser are not read: the engine computes them again
    monkeypatch.setattr(catalogs, "fingerprint", lambda: "another")
    stale = load_registered(tmp_path)[CPT]
    assert stale.keys is None and list(stale.lexicon_keys()) == list(catalog.keys)
    monkeypatch.undo()
    keys_file = tmp_path / "codesets" / f"cpt-{catalog.sha256[:16]}.keys.json"
    keys_file.write_text(keys_file.read_text("utf-8").replace("colonoscopy", "x"), "utf-8")
    with pytest.raises(CatalogError, match=r"keys\.json differs from its checksum"):
        load_registered(tmp_path)
