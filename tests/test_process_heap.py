"""The heap of a one-shot process: no collection while the engine loads, then the engine out
of the collector's walks."""

from __future__ import annotations

import gc

import pytest

from codesuggest.process_heap import one_shot_heap, settle_chunk, settled_heap


def test_one_shot_heap_collects_nothing_inside_and_freezes_what_it_built() -> None:
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    with one_shot_heap():
        assert not gc.isenabled()
        built = [[i] for i in range(1000)]  # tracked objects, as a model's lists are
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen + len(built)
    gc.unfreeze()


def test_one_shot_heap_restores_collection_after_an_error() -> None:
    with pytest.raises(RuntimeError), one_shot_heap():
        raise RuntimeError("failed")
    assert gc.isenabled()
    gc.unfreeze()


def test_one_shot_heap_leaves_collection_off_when_it_was() -> None:
    gc.disable()
    try:
        with one_shot_heap():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_settled_heap_loads_without_collections_then_collects_rarely() -> None:
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    try:
        with settled_heap():
            assert not gc.isenabled()
            loaded = [[i] for i in range(1000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= frozen + len(loaded)
        assert gc.get_threshold()[0] == 200_000
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def test_settle_chunk_moves_what_a_chunk_left_alive_out_of_the_collectors_walks() -> None:
    frozen = gc.get_freeze_count()
    cached = [[i] for i in range(1000)]  # as an engine's caches grow while it reads notes
    settle_chunk()
    assert gc.get_freeze_count() >= frozen + len(cached)
    assert gc.get_count()[0] < len(cached)  # a collection is no nearer than before them
