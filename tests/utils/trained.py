"""Small trained models for tests: a tiny coded corpus and the training run on it (a minute or
two, so made once per session by the fixtures of tests/conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path

from codesuggest.training.trainer import TrainConfig, train_model

TEMPLATES = {
    "I10": [
        "Assessment: essential hypertension, blood pressure 152/94. Continue lisinopril.",
        "Hypertension remains uncontrolled; amlodipine increased to 10 mg daily.",
        "History of present illness: elevated blood pressure, diagnosed with hypertension.",
        "Plan: essential hypertension, low salt diet, recheck blood pressure in 4 weeks.",
    ],
    "E11.9": [
        "Type 2 diabetes mellitus without complications, A1c 7.1. Continue metformin.",
        "Diabetes mellitus type 2, diet controlled, no neuropathy or retinopathy.",
        "Assessment: type 2 diabetes, stable on metformin 1000 mg twice daily.",
        "Known type 2 diabetic, glucose well controlled, no complications.",
    ],
    "J18.9": [
        "Chest x-ray shows right lower lobe infiltrate consistent with pneumonia.",
        "Community acquired pneumonia, started ceftriaxone and azithromycin.",
        "Fever and productive cough; diagnosis pneumonia, organism unspecified.",
        "Impression: pneumonia. Continue antibiotics and incentive spirometry.",
    ],
    "N39.0": [
        "Urinary tract infection, urinalysis positive for nitrites. Start nitrofurantoin.",
        "Dysuria and frequency; UTI diagnosed, urine culture sent.",
        "Assessment: urinary tract infection, site not specified, treat with cephalexin.",
        "Recurrent urinary tract infection, no flank pain or fever.",
    ],
    "J44.9": [
        "COPD with chronic dyspnea, continue tiotropium inhaler.",
        "Chronic obstructive pulmonary disease, stable, no exacerbation.",
        "Assessment: COPD, former smoker, spirometry shows obstruction.",
        "Chronic obstructive lung disease, uses albuterol as needed.",
    ],
}


def tiny_corpus(path: Path, *, negated_coded: int = 0) -> Path:
    """~30 notes: every template alone, plus pairs of codes in one note; with
    ``negated_coded``, that many more notes whose coders also code a denied symptom (chest
    pain, R07.9), as CodiEsp's coders code negated findings."""
    codes = list(TEMPLATES)
    rows = []
    for code, texts in TEMPLATES.items():
        for i, text in enumerate(texts):
            rows.append({"id": f"{code}-{i}", "text": text, "codes": [code]})
    for i, code in enumerate(codes):
        other = codes[(i + 1) % len(codes)]
        for j in range(2):
            text = f"{TEMPLATES[code][j]} {TEMPLATES[other][j + 2]}"
            rows.append({"id": f"{code}+{other}-{j}", "text": text, "codes": [code, other]})
    for i in range(negated_coded):
        code = codes[i % len(codes)]
        text = f"Denies chest pain. {TEMPLATES[code][i % len(TEMPLATES[code])]}"
        rows.append({"id": f"negated-{i}", "text": text, "codes": [code, "R07.9"]})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def train_tiny(out: Path, *, adapt_rules: bool) -> Path:
    """A model trained on :func:`tiny_corpus`; with ``adapt_rules``, on a corpus whose coders
    code denied chest pain, so that training relaxes the affirmed-evidence rule."""
    corpus = tiny_corpus(out.parent / f"{out.name}.jsonl", negated_coded=16 if adapt_rules else 0)
    config = TrainConfig(name=out.name, folds=2, synthetic_notes=200, adapt_rules=adapt_rules)
    return train_model([f"jsonl:{corpus}"], out, config, progress=False)
