"""``GET /v1/models`` and ``POST /v1/models/{name}:promote``."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from codesuggest.api.main import create_app
from codesuggest.engine import Engine
from codesuggest.promotion import promote
from codesuggest.registry import active_model_path
from codesuggest.settings import get_settings
from codesuggest.store import Store
from tests.api.conftest import bearer


def _register(model_dir: Path, name: str) -> None:
    models = get_settings().models_dir
    models.mkdir(parents=True, exist_ok=True)
    (models / name).symlink_to(model_dir, target_is_directory=True)


def test_models_shows_serving_model_and_registry(
    client: TestClient, engine: Engine, model_dir: Path, adapted_model_dir: Path
) -> None:
    _register(model_dir, "default")  # the directory the engine serves, nothing promoted
    _register(adapted_model_dir, "other")
    response = client.get("/v1/models")
    assert response.status_code == 200
    payload = response.json()
    assert payload["active"]["name"] == engine.info.name
    assert payload["active"]["version"] == engine.info.version
    assert "code_sets" in payload["active"]
    assert payload["active"]["rule_adaptations"] == []  # the packaged rules
    flags = [(m["name"], m["active"], m["promoted"]) for m in payload["models"]]
    assert flags == [("default", True, False), ("other", False, False)]


def test_models_marks_active_the_model_served_not_the_one_promoted_since(
    engine: Engine, store: Store, keys: dict[str, str], model_dir: Path, adapted_model_dir: Path
) -> None:
    """A model promoted on the command line is what the server serves after its next reload;
    until then the entry marked active is the one it serves."""
    _register(model_dir, "serving")
    _register(adapted_model_dir, "next")
    app = create_app(Engine.load(get_settings().models_dir / "serving"), store)
    with TestClient(app, headers=bearer(keys["coder"])) as client:
        promote("next")  # as `codesuggest models promote next` does, in another process
        flags = [
            (m["name"], m["active"], m["promoted"])
            for m in client.get("/v1/models").json()["models"]
        ]
        assert flags == [("next", False, True), ("serving", True, False)]
    reloaded = create_app(Engine.load(), store)  # a restart loads the promoted model
    with TestClient(reloaded, headers=bearer(keys["coder"])) as client:
        flags = [
            (m["name"], m["active"], m["promoted"])
            for m in client.get("/v1/models").json()["models"]
        ]
        assert flags == [("next", True, True), ("serving", False, False)]


def test_models_states_the_rules_a_model_was_trained_to_relax(
    client: TestClient, adapted_model_dir: Path
) -> None:
    _register(adapted_model_dir, "adapted")
    response = client.get("/v1/models")
    assert response.status_code == 200
    [entry] = response.json()["models"]
    [adapted] = entry["card"]["rule_adaptations"]
    assert adapted["rule"] == "unaffirmed-evidence"
    assert adapted["setting"] == {"withdraw": False}
    assert adapted["effect"].startswith("recommends codes whose only mentions are negated")
    assert adapted["held_out_f1"] > adapted["packaged_f1"]


def test_trainer_promotes_and_server_switches(
    client: TestClient, keys: dict[str, str], model_dir: Path, store: Store
) -> None:
    _register(model_dir, "candidate")
    response = client.post("/v1/models/candidate:promote", headers=bearer(keys["trainer"]))
    assert response.status_code == 200
    [entry] = response.json()["models"]
    assert (entry["active"], entry["promoted"]) == (True, True)
    assert active_model_path() == get_settings().models_dir / "candidate"
    event = store.audit_events()[0]
    assert (event.action, event.actor) == ("promote", "trainer")


def test_promoting_unknown_model_is_404(client: TestClient, keys: dict[str, str]) -> None:
    response = client.post("/v1/models/nothing:promote", headers=bearer(keys["admin"]))
    assert response.status_code == 404
    assert "no model 'nothing'" in response.json()["detail"]
