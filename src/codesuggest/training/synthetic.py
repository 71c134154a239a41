"""Synthetic coded notes from templates, to train the default model without any patient data.

Each note mixes conditions asserted in every way ConText knows (present, negated, possible,
historical, family, hypothetical) with filler sentences. Its gold codes follow coding
convention: present conditions; family-history and personal-history Z codes for conditions
mentioned only that way; nothing for negated, possible or hypothetical ones. Status and
external-cause phrases (``codesets.status``) appear only in sentences of their kind ("S/p
{p}", "Medications: {p}", "Allergies: {p}"), coded as present.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

from codesuggest.codesets.history import HistoryMap
from codesuggest.codesets.lexicon import Phrase
from codesuggest.codesets.status import StatusCodes
from codesuggest.types import Note

_COUNTS = {
    "present": (1, 6),
    "negated": (0, 3),
    "possible": (0, 1),
    "historical": (0, 2),
    "family": (0, 2),
    "hypothetical": (0, 1),
    "status": (0, 1),  # a status or external cause in its usual phrasing (templates by kind)
    "filler": (1, 6),
}


@dataclass(frozen=True)
class CodedNote:
    """A note with the set of codes a coder would report for it."""

    note: Note
    codes: frozenset[str]


def load_templates() -> dict[str, Any]:
    text = (
        resources.files("codesuggest.training")
        .joinpath("data")
        .joinpath("synthetic_templates.json")
    )
    data: dict[str, Any] = json.loads(text.read_text("utf-8"))
    return data


def generate(
    phrases: list[Phrase], history: HistoryMap, n_notes: int, seed: int = 0
) -> Iterator[CodedNote]:
    """``n_notes`` synthetic notes drawn deterministically from ``phrases`` with ``seed``."""
    rng = random.Random(seed)
    templates = load_templates()
    status = StatusCodes.load()
    # status phrases only in sentences that state a status ("S/p {p}", "Medications: {p}"):
    # "Denies apixaban" or "Diagnosis: penicillin" would teach the ranker nothing true
    general: list[Phrase] = []
    by_kind: dict[str, list[Phrase]] = {}
    for p in phrases:
        kind = status.kind(p.code)
        if kind is not None and kind in templates["status"]:
            by_kind.setdefault(kind, []).append(p)
        else:
            general.append(p)
    for i in range(n_notes):
        yield _note(rng, templates, general, history, by_kind, f"synthetic-{seed}-{i}")


def _note(
    rng: random.Random,
    t: dict[str, Any],
    phrases: list[Phrase],
    history: HistoryMap,
    by_kind: dict[str, list[Phrase]],
    note_id: str,
) -> CodedNote:
    sentences: list[tuple[str, str]] = []  # (header group, sentence)
    gold: set[str] = set()
    used: set[str] = set()
    for assertion, (low, high) in _COUNTS.items():
        for _ in range(rng.randint(low, high)):
            if assertion == "filler":
                sentences.append(("", rng.choice(t["filler"])))
                continue
            if assertion == "status":
                if not by_kind:
                    continue
                kind = rng.choice(sorted(by_kind))
                phrase = rng.choice(by_kind[kind])
                template = rng.choice(t["status"][kind])
            else:
                phrase = rng.choice(phrases)
                template = rng.choice(t[assertion])
            if phrase.code in used:
                continue
            used.add(phrase.code)
            text = template.format(
                p=phrase.text,
                P=phrase.text[:1].upper() + phrase.text[1:],
                age=rng.randint(18, 90),
                sex=rng.choice(t["sexes"]),
            )
            sentences.append((assertion, text))
            if assertion in ("present", "status"):
                gold.add(phrase.code)
            elif assertion in ("family", "historical"):
                column = "family_history" if assertion == "family" else "personal_history"
                code = history.lookup(phrase.code, column)
                if code:
                    gold.add(code)
    if rng.random() < 0.5:
        rng.shuffle(sentences)
        body = (
            " ".join(s for _, s in sentences)
            if rng.random() < 0.5
            else "\n".join(s for _, s in sentences)
        )
    else:
        body = _sectioned(rng, t, sentences)
    return CodedNote(Note(text=body, note_id=note_id), frozenset(gold))


def _sectioned(rng: random.Random, t: dict[str, Any], sentences: list[tuple[str, str]]) -> str:
    groups: dict[str, list[str]] = {}
    for group, sentence in sentences:
        key = group if group in t["headers"] else "present" if group != "" else "other"
        groups.setdefault(key, []).append(sentence)
    parts = []
    for key in ("historical", "family", "other", "present"):
        if key not in groups:
            continue
        header = rng.choice(t["headers"].get(key, [""]))
        parts.append((header + "\n" if header else "") + " ".join(groups[key]))
    return "\n\n".join(parts)
