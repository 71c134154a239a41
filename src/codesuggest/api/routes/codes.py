"""``GET /v1/codes/{code}`` and ``GET /v1/codes?q=``: look a code up, or find one to add."""

from __future__ import annotations

from typing import Annotated, Literal, cast

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from codesuggest.api.auth import AnyKey
from codesuggest.api.deps import EngineDep, SystemsDep
from codesuggest.api.schemas import error_responses
from codesuggest.codesets.catalog_search import catalog_search
from codesuggest.codesets.icd10pcs import shipped_pcs
from codesuggest.codesets.search import CodeHit, code_search
from codesuggest.codesets.search_pcs import pcs_search
from codesuggest.codesets.systems import (
    CM,
    PCS,
    SYSTEMS,
    USER_SYSTEMS,
    SystemSpelling,
    system_name,
)
from codesuggest.engine import Engine
from codesuggest.errors import CodeSetError
from codesuggest.extract.procedures import names_procedure

router = APIRouter(prefix="/v1/codes", tags=["codes"])

CodeSystem = Annotated[
    SystemSpelling,
    Query(
        description=(
            "The code's system (icd10cm, icd10pcs, cpt... are read as ICD-10-CM, ICD-10-PCS, "
            "CPT...). An ICD-10-PCS table row (BN20) is found too. CPT and HCPCS codes are "
            "found while their catalog is registered (codesuggest codesets add)."
        )
    ),
]

ERRORS = error_responses({404: "No such code", 503: "Model (and its code set) not loaded"})


class CodeRef(BaseModel):
    """A code and its title."""

    code: str
    title: str


HitKind = Literal[
    "code", "title", "inclusion", "index", "synonym", "abbreviation", "plain", "inverted"
]


class CodeHitOut(BaseModel):
    """A search result, and the entry that found it."""

    code: str
    system: str
    title: str
    billable: bool
    path: str | None = Field(
        default=None,
        description=(
            'The Alphabetic Index path that found the code ("Hypertension, hypertensive > with'
            ' > heart failure"); null when a title, inclusion term or synonym found it.'
        ),
    )
    matched: str = Field(
        default="",
        description='The words of the entry that matched ("htn", an inclusion term, a title).',
    )
    kind: HitKind = Field(default="code", description="Where the entry comes from.")


class CodeSearchResult(BaseModel):
    """Codes matching a search, best first."""

    query: str
    release: str = Field(description="The ICD-10-CM release.")
    releases: dict[str, str] = Field(
        default_factory=dict, description="The release of each system searched."
    )
    items: list[CodeHitOut]


class CodeNotes(BaseModel):
    """The tabular list's instructional notes for a code."""

    inclusion_terms: list[str] = Field(default_factory=list)
    excludes1: list[str] = Field(default_factory=list)
    excludes2: list[str] = Field(default_factory=list)
    code_first: list[str] = Field(default_factory=list)
    use_additional: list[str] = Field(default_factory=list)
    seventh_characters: dict[str, str] = Field(default_factory=dict)


class AxisOut(BaseModel):
    """One character of an ICD-10-PCS code and what it means there."""

    position: int
    name: str = Field(description='The axis ("Body Part", "Approach", "Contrast").')
    value: str
    meaning: str
    definition: str = ""


class CodeDetail(BaseModel):
    """Everything a coder checks before accepting a code."""

    code: str
    system: str
    release: str
    title: str
    billable: bool
    parent: CodeRef | None
    ancestors: list[CodeRef] = Field(description="From the parent up to the chapter.")
    children: list[CodeRef]
    notes: CodeNotes
    axes: list[AxisOut] = Field(
        default_factory=list,
        description="ICD-10-PCS: each character's axis and meaning (a table row too: BN20).",
    )


@router.get("", responses=ERRORS)
def search_codes(
    key: AnyKey,
    engine: EngineDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Code prefix or words.")],
    systems: SystemsDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> CodeSearchResult:
    """Codes as a coder looks them up: ICD-10-CM by code prefix, or by the words of the
    Alphabetic Index, titles, inclusion terms and the engine's abbreviations and synonyms
    ("htn", "ckd 3b"), common billable codes first; a query naming an Index term lists its
    subterms next, in the Index's order. Each result says the entry that found it and its
    Index path. The registered CPT and HCPCS catalogs are searched by code prefix and by the
    words of their descriptors; with several systems, their results alternate, each system's
    best first. ICD-10-PCS is searched by code prefix (a table row such as BN20 too) or title
    words when asked for (``system=ICD-10-PCS``) and, with no system asked, when the query
    names a procedure ("laparoscopic appendectomy", "CT abdomen"): its codes then alternate
    with the diagnoses."""
    per_system: list[list[CodeHitOut]] = []
    releases: dict[str, str] = {}
    if systems is None or CM in systems:
        releases[CM] = engine.codeset.release
        hits = code_search(engine.codeset, engine.learned).search(q, limit=limit)
        per_system.append([_hit_out(h, CM) for h in hits])
    if PCS in systems if systems is not None else names_procedure(q):
        releases[PCS] = shipped_pcs().release
        pcs_hits = pcs_search().search(q, limit=limit)
        per_system.append([_hit_out(h, PCS) for h in pcs_hits])
    for system in SYSTEMS:
        catalog = engine.catalogs.get(system)
        if catalog is None or (systems is not None and system not in systems):
            continue
        releases[system] = catalog.release
        found = catalog_search(catalog).search(q, limit=limit)
        per_system.append(
            [
                CodeHitOut(
                    code=h.code,
                    system=h.system,
                    title=h.title,
                    billable=True,
                    matched=h.title if h.kind == "title" else "",
                    kind=cast(HitKind, h.kind),
                )
                for h in found
            ]
        )
    return CodeSearchResult(
        query=q,
        release=engine.codeset.release,
        releases=releases,
        items=_alternate(per_system, limit),
    )


def _hit_out(h: CodeHit, system: str) -> CodeHitOut:
    """A search hit of a code system with a code table, as the API gives it."""
    return CodeHitOut(
        code=h.code,
        system=system,
        title=h.title,
        billable=h.billable,
        path=h.path or None,
        matched=h.matched,
        kind=cast(HitKind, h.kind),
    )


def _alternate(lists: list[list[CodeHitOut]], limit: int) -> list[CodeHitOut]:
    """The first of each list, then the second of each, ... up to ``limit`` items."""
    out: list[CodeHitOut] = []
    depth = max((len(items) for items in lists), default=0)
    for i in range(depth):
        out.extend(items[i] for items in lists if i < len(items))
    return out[:limit]


@router.get("/{code}", responses=ERRORS)
def get_code(
    key: AnyKey,
    engine: EngineDep,
    code: Annotated[str, Path(min_length=1, max_length=12, description="With or without dot.")],
    system: CodeSystem = "ICD-10-CM",
) -> CodeDetail:
    """Title, billable status, hierarchy and instructional notes of one ICD-10-CM code; the
    descriptor of a code of a registered CPT or HCPCS catalog; the title and axes of an
    ICD-10-PCS code or table row (``?system=ICD-10-PCS``)."""
    name = system_name(system)
    if name == PCS:
        return _pcs_code(code)
    if name != CM:
        return _catalog_code(engine, name, code)
    codeset = engine.codeset
    found = codeset.normalize(code)
    if found is None:
        raise CodeSetError(f"{code!r} is not an ICD-10-CM code in {codeset.release}")
    info = codeset.info(found)
    ancestors = codeset.ancestors(found)
    return CodeDetail(
        code=found,
        system=CM,
        release=codeset.release,
        title=info.title,
        billable=info.billable,
        parent=_ref(engine, info.parent) if info.parent else None,
        ancestors=[_ref(engine, a) for a in ancestors],
        children=[_ref(engine, c) for c in info.children],
        notes=CodeNotes(
            inclusion_terms=list(info.inclusion_terms),
            excludes1=list(info.excludes1),
            excludes2=list(info.excludes2),
            code_first=list(info.code_first),
            use_additional=list(info.use_additional),
            seventh_characters=dict(info.seventh_characters),
        ),
    )


def _pcs_code(code: str) -> CodeDetail:
    pcs = shipped_pcs()
    found = pcs.resolve(code)
    if found is None:
        raise CodeSetError(f"{code!r} is not an ICD-10-PCS code or table row in {pcs.release}")
    info = pcs.info(found)
    return CodeDetail(
        code=found,
        system=PCS,
        release=pcs.release,
        title=info.title,
        billable=info.billable,
        parent=CodeRef(code=info.parent, title=pcs.title(info.parent)) if info.parent else None,
        ancestors=[CodeRef(code=a, title=pcs.title(a)) for a in pcs.ancestors(found)],
        children=[CodeRef(code=c, title=pcs.title(c)) for c in pcs.billable_descendants(found, 50)]
        if found not in pcs
        else [],
        notes=CodeNotes(),
        axes=[AxisOut(**vars(a)) for a in pcs.axes(found)],
    )


def _catalog_code(engine: Engine, system: str, code: str) -> CodeDetail:
    catalog = engine.catalogs.get(system)
    if catalog is None:
        why = "no catalog is registered" if system in USER_SYSTEMS else "none ships"
        raise CodeSetError(f"no {system} code table: {why}")
    found = catalog.normalize(code)
    if found is None:
        raise CodeSetError(f"{code!r} is not a code of the {system} catalog ({catalog.release})")
    return CodeDetail(
        code=found,
        system=system,
        release=catalog.release,
        title=catalog.title(found),
        billable=True,
        parent=None,
        ancestors=[],
        children=[],
        notes=CodeNotes(),
    )


def _ref(engine: Engine, code: str) -> CodeRef:
    return CodeRef(code=code, title=engine.codeset.title(code))
