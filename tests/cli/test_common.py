"""What the commands share: the heap of a one-shot command."""

from __future__ import annotations

import gc

import pytest

from codesuggest.cli.common import one_shot_heap


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
