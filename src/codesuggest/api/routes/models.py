"""``GET /v1/models`` (the serving model and the registry) and promoting another model."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from codesuggest.api.auth import AnyKey, require
from codesuggest.api.deps import StoreDep
from codesuggest.api.heap import settle_served_heap
from codesuggest.api.schemas import error_responses
from codesuggest.codesets.search import warm_code_search
from codesuggest.engine import Engine
from codesuggest.promotion import promote
from codesuggest.registry import CardSummary, list_models
from codesuggest.store.records import ApiKey

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/models", tags=["models"])

ERRORS = error_responses(
    {
        403: "Only trainer and admin keys may promote",
        404: "No such model",
        413: "Request body too large",
        503: "Model does not load (checksums, version), or database unavailable",
    },
    common=(401, 429, 503),
)


class RuleAdaptationOut(BaseModel):
    """A coding rule the model was trained to relax (``codesuggest train --adapt-rules``)."""

    rule: str = Field(description="The rule's name in the model's rules.json.")
    setting: dict[str, Any] = Field(description="The rule params the adaptation overrides.")
    effect: str = Field(
        description="What the model does that the packaged rule would not, in plain words.",
        examples=["recommends both codes of an Excludes1 pair"],
    )
    held_out_f1: float | None = Field(
        default=None, description="Held-out micro-F1 of the recommendations with the adaptation."
    )
    packaged_f1: float | None = Field(
        default=None, description="The same with this rule as packaged."
    )


class ModelCardOut(BaseModel):
    """What a model card says: data, metrics on held-out notes, code-set releases."""

    name: str
    version: str
    created_at: str
    description: str
    training_data: dict[str, Any]
    metrics: dict[str, Any]
    threshold: float | None
    code_sets: dict[str, str]
    rule_adaptations: list[RuleAdaptationOut] = Field(
        default_factory=list,
        description=(
            "Coding rules relaxed to the training site's coding, each with its effect in plain "
            "words; empty when the model applies the packaged rules."
        ),
    )

    @classmethod
    def of(cls, summary: CardSummary) -> ModelCardOut:
        return cls(
            name=summary.name,
            version=summary.version,
            created_at=summary.created,
            description=summary.description,
            training_data=summary.training,
            metrics=summary.metrics,
            threshold=summary.threshold,
            code_sets=summary.code_sets,
            rule_adaptations=[
                RuleAdaptationOut.model_validate(a) for a in summary.rule_adaptations
            ],
        )


class RegistryEntryOut(BaseModel):
    """A model directory of the registry."""

    name: str
    active: bool = Field(description="This server is serving this model now.")
    promoted: bool = Field(
        default=False,
        description=(
            "The registry's promoted model (`codesuggest models promote`, POST ...:promote): "
            "what a server loads on start or reload unless CODESUGGEST_MODEL names another."
        ),
    )
    card: ModelCardOut | None
    problem: str | None


class ModelsResponse(BaseModel):
    """The model serving now, and every model in the registry."""

    active: ModelCardOut | None = Field(
        description="The card of the model this server is serving (its registry entry, if it "
        "has one, is marked active)."
    )
    models: list[RegistryEntryOut]


@router.get("", responses=ERRORS)
def get_models(request: Request, key: AnyKey) -> ModelsResponse:
    """The serving model's card and the registry's models."""
    engine: Engine | None = request.app.state.engine
    active = (
        ModelCardOut.of(CardSummary.from_card(engine.model_card)) if engine is not None else None
    )
    entries = [
        RegistryEntryOut(
            name=e.name,
            active=engine is not None and e.is_at(engine.path),
            promoted=e.promoted,
            card=ModelCardOut.of(e.summary) if e.summary is not None else None,
            problem=e.problem,
        )
        for e in list_models()
    ]
    return ModelsResponse(active=active, models=entries)


@router.post("/{name}:promote", responses=ERRORS)
async def promote_model(
    key: Annotated[ApiKey, Depends(require("trainer", "admin"))],
    name: Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][\w.-]*$")],
    request: Request,
    store: StoreDep,
) -> ModelsResponse:
    """Make ``name`` the active model and serve it from now on (after its checksums verify).

    The new engine is loaded beside the old one, which keeps answering until the swap.
    """
    path = await run_in_threadpool(promote, name)
    engine = await run_in_threadpool(Engine.load, path)
    previous: Engine | None = request.app.state.engine
    request.app.state.engine = engine
    if request.app.state.serving:  # a server process: the old model may be garbage now
        settle_served_heap()
    warm_code_search(engine.codeset, engine.learned)
    await run_in_threadpool(
        store.record_event,
        actor=key,
        action="promote",
        model_name=engine.info.name,
        model_version=engine.info.version,
        detail={
            "model_dir": path.name,
            "previous": f"{previous.info.name} {previous.info.version}" if previous else None,
        },
    )
    log.info("key=%s promoted model %s %s", key.name, engine.info.name, engine.info.version)
    return get_models(request, key)
