"""The heap of a one-shot process (a command, a batch or evaluation, a worker): the engine it
loads is kept out of the cyclic garbage collector's walks until the process exits. Not for the
service, which may load a new model and must free the old one (``api.heap``)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def one_shot_heap() -> Iterator[None]:
    """Around the work of a command that loads an engine for one answer (``suggest``): no
    cyclic garbage collection while it imports, loads and answers, and what it built is moved
    to the permanent generation at the end, where the interpreter's last collection at exit
    does not walk it. Collections walking the fresh model's objects cost a third of a second
    of a cold ``suggest``, the last one at exit as much again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


@contextmanager
def settled_heap() -> Iterator[None]:
    """Load the engine of a one-shot process (a batch, an evaluation, a worker) inside this
    (:func:`one_shot_heap`): the engine then lives until the process exits. No collection
    runs while it loads (each walked the model read so far, and the first after the engine
    turned the collector back on walked all of it); once loaded, its few hundred thousand
    objects move to the interpreter's permanent generation, which the cyclic garbage
    collector no longer walks (the few thousand objects of cyclic garbage loading leaves,
    a few hundred kB, stay with them: collecting them first walked the whole model, 0.13 s).
    A sixth of batch time went to collections walking the model. Not for the service: it may
    load a new model and must free the old one. The engine leaves no cyclic garbage per note
    (``stages.release``), so a collection finds little to free: they run only once 200,000
    objects more live than at the last one, not in the middle of every chunk of notes
    (another 5% of a batch)."""
    with one_shot_heap():
        yield
        gc.set_threshold(200_000, 50, 100)


def settle_chunk() -> None:
    """Call between chunks of the notes of a process that loaded its engine in
    :func:`settled_heap`: what a chunk left alive is what the engine caches as it meets new
    codes and words (families of codes, title readings, token words), and it joins the
    permanent generation too. In a
    batch of 2,751 notes, collections found nothing to free (``stages.release``) yet walked
    those caches, about 2% of the batch."""
    gc.freeze()
