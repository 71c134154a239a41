"""``GET /v1/codes/{code}`` and ``GET /v1/codes?q=``."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_code_detail_has_title_billable_hierarchy_and_notes(client: TestClient) -> None:
    response = client.get("/v1/codes/e119")
    assert response.status_code == 200
    detail = response.json()
    assert detail["code"] == "E11.9"
    assert detail["system"] == "ICD-10-CM"  # as suggestions name it
    assert "diabetes" in detail["title"].lower()
    assert detail["billable"] is True
    assert detail["parent"]["code"] == "E11"
    assert detail["ancestors"][0]["code"] == "E11"
    assert detail["release"].startswith("FY")


def test_category_lists_children_and_excludes(client: TestClient) -> None:
    detail = client.get("/v1/codes/E11").json()
    assert detail["billable"] is False
    assert "E11.9" in [c["code"] for c in detail["children"]]
    assert detail["notes"]["excludes1"]


def test_unknown_code_is_404(client: TestClient) -> None:
    response = client.get("/v1/codes/Q99.999")
    assert response.status_code == 404
    assert "not an ICD-10-CM code" in response.json()["detail"]


def test_search_by_words_finds_billable_codes_first(client: TestClient) -> None:
    response = client.get("/v1/codes", params={"q": "diab nephropathy", "limit": 5})
    assert response.status_code == 200
    items = response.json()["items"]
    assert items
    assert all("nephropathy" in i["title"].lower() for i in items)
    assert items[0]["billable"] is True
    assert len(items) <= 5


def test_search_by_code_prefix_puts_exact_code_first(client: TestClient) -> None:
    items = client.get("/v1/codes", params={"q": "I10"}).json()["items"]
    assert items[0]["code"] == "I10"


def test_search_without_words_is_empty_and_bad_limit_422(client: TestClient) -> None:
    assert client.get("/v1/codes", params={"q": "--"}).json()["items"] == []
    assert client.get("/v1/codes", params={"q": "x", "limit": 0}).status_code == 422
    assert client.get("/v1/codes").status_code == 422


def test_code_search_names_the_system_as_suggestions_do_and_reads_the_short_name(
    client: TestClient,
) -> None:
    long = client.get("/v1/codes", params={"q": "E11.9", "system": "ICD-10-CM"})
    short = client.get("/v1/codes", params={"q": "E11.9", "system": "icd10cm"})
    assert long.status_code == short.status_code == 200
    assert long.json() == short.json()
    assert {item["system"] for item in long.json()["items"]} == {"ICD-10-CM"}
    assert client.get("/v1/codes/E11.9", params={"system": "icd10cm"}).json()["system"] == (
        "ICD-10-CM"
    )
    assert client.get("/v1/codes", params={"q": "E11", "system": "cpx"}).status_code == 422
    # a known system without a registered catalog: nothing to find, not an error
    no_cpt = client.get("/v1/codes", params={"q": "appendectomy", "system": "cpt"})
    assert no_cpt.status_code == 200 and no_cpt.json()["items"] == []
    missing = client.get("/v1/codes/90001", params={"system": "CPT"})
    assert missing.status_code == 404
    assert missing.json()["detail"] == "no CPT code table: no catalog is registered"


def test_search_results_say_how_they_were_found(client: TestClient) -> None:
    items = client.get("/v1/codes", params={"q": "hypertension", "limit": 10}).json()["items"]
    assert items[0]["code"] == "I10"
    paths = [i["path"] for i in items if i["path"]]
    assert "Hypertension, hypertensive > with > heart failure" in paths
    assert {i["kind"] for i in items} <= {
        "code",
        "title",
        "inclusion",
        "index",
        "synonym",
        "abbreviation",
        "plain",
        "inverted",
    }
    htn = client.get("/v1/codes", params={"q": "htn", "limit": 3}).json()["items"][0]
    assert (htn["code"], htn["kind"], htn["matched"], htn["path"]) == (
        "I10",
        "abbreviation",
        "htn",
        None,
    )


def test_a_hostile_query_is_answered_and_empty(client: TestClient) -> None:
    """Issue 15: 100 one-letter words cost seconds of CPU; now no work at all."""
    response = client.get("/v1/codes", params={"q": " ".join("abcdefghij" * 10)})
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_code_search_finds_registered_catalog_codes_and_filters_by_system(
    catalog_client: TestClient,
) -> None:
    found = catalog_client.get("/v1/codes", params={"q": "lap append"}).json()
    assert found["releases"] == {"ICD-10-CM": found["release"], "CPT": "test", "HCPCS": "test"}
    cpt = [item for item in found["items"] if item["system"] == "CPT"]
    assert cpt[0]["code"] == "90001" and cpt[0]["title"] == "Appendectomy, laparoscopic"
    assert cpt[0]["billable"] is True and cpt[0]["kind"] == "title"

    only = catalog_client.get("/v1/codes", params={"q": "9000", "system": "CPT"}).json()
    assert [item["code"] for item in only["items"]] == ["90001", "90002", "90003", "90004"]
    assert {item["kind"] for item in only["items"]} == {"code"}
    assert only["releases"] == {"CPT": "test"}

    both = catalog_client.get(
        "/v1/codes", params=[("q", "injection"), ("system", "hcpcs,icd10cm")]
    ).json()
    assert {item["system"] for item in both["items"]} == {"HCPCS", "ICD-10-CM"}
    assert both["items"][1]["code"] == "J4002"  # the systems' results alternate

    unknown = catalog_client.get("/v1/codes", params=[("q", "x"), ("system", "CPT,SNOMED")])
    assert unknown.status_code == 422


def test_code_detail_of_a_catalog_code(catalog_client: TestClient) -> None:
    detail = catalog_client.get("/v1/codes/j4002", params={"system": "hcpcs"})
    assert detail.status_code == 200
    body = detail.json()
    assert (body["code"], body["system"], body["release"]) == ("J4002", "HCPCS", "test")
    assert body["title"] == "Injection, ceftriaxone sodium, per 250 mg (invented)"
    absent = catalog_client.get("/v1/codes/J9999", params={"system": "HCPCS"})
    assert absent.status_code == 404


def test_codesets_lists_every_system_with_what_the_server_loaded(
    client: TestClient, catalog_client: TestClient
) -> None:
    plain = client.get("/v1/codesets").json()["items"]
    assert [row["system"] for row in plain] == ["ICD-10-CM", "ICD-10-PCS", "CPT", "HCPCS"]
    assert plain[0]["kind"] == "diagnosis" and plain[0]["codes"] > 70_000
    assert {row["kind"] for row in plain[1:]} == {"procedure"}
    assert plain[1]["source"] == "shipped" and plain[1]["codes"] > 70_000  # the PCS list
    assert {row["source"] for row in plain[2:]} == {"labels only"}
    loaded = {row["system"]: row for row in catalog_client.get("/v1/codesets").json()["items"]}
    assert loaded["CPT"]["source"] == "user catalog"
    assert (loaded["CPT"]["codes"], loaded["CPT"]["release"]) == (5, "test")
    assert loaded["HCPCS"]["file"] == "hcpcs_invented.tsv"


def test_pcs_code_detail_has_title_and_axes(client: TestClient) -> None:
    detail = client.get("/v1/codes/0dtj4zz", params={"system": "ICD-10-PCS"}).json()
    assert detail["code"] == "0DTJ4ZZ"
    assert detail["system"] == "ICD-10-PCS"
    assert detail["billable"] is True
    assert detail["title"] == "Resection of Appendix, Percutaneous Endoscopic Approach"
    assert [a["meaning"] for a in detail["axes"]][2:5] == [
        "Resection",
        "Appendix",
        "Percutaneous Endoscopic",
    ]
    assert detail["parent"]["code"] == "0DTJ"


def test_pcs_table_row_resolves_and_lists_its_codes(client: TestClient) -> None:
    detail = client.get("/v1/codes/BN20", params={"system": "icd10pcs"}).json()
    assert detail["billable"] is False
    assert detail["title"].endswith("Computerized Tomography (CT Scan) > Skull")
    assert "BN20ZZZ" in [c["code"] for c in detail["children"]]
    missing = client.get("/v1/codes/BN2I", params={"system": "ICD-10-PCS"})
    assert missing.status_code == 404


def test_pcs_search_by_words_and_prefix_names_the_system(client: TestClient) -> None:
    found = client.get(
        "/v1/codes", params={"q": "laparoscopic appendectomy", "system": "ICD-10-PCS"}
    ).json()
    assert found["items"][0]["code"].startswith("0DTJ")
    assert {i["system"] for i in found["items"]} == {"ICD-10-PCS"}
    by_code = client.get("/v1/codes", params={"q": "BW20", "system": "ICD-10-PCS"}).json()
    assert by_code["items"][0]["code"] == "BW20"


def test_search_without_a_system_lists_procedure_codes_for_a_procedure(
    client: TestClient,
) -> None:
    found = client.get("/v1/codes", params={"q": "laparoscopic appendectomy"}).json()
    systems = [i["system"] for i in found["items"]]
    assert "ICD-10-PCS" in systems[:2]  # alternating with the diagnoses, each best first
    assert any(i["code"].startswith("0DTJ") for i in found["items"][:4])
    assert found["releases"].keys() >= {"ICD-10-CM", "ICD-10-PCS"}
    # a diagnosis names no procedure: no procedure codes, no PCS release
    plain = client.get("/v1/codes", params={"q": "hypertension"}).json()
    assert {i["system"] for i in plain["items"]} == {"ICD-10-CM"}
    assert "ICD-10-PCS" not in plain["releases"]
