"""The server process's heap: a loaded model kept out of the garbage collector's walks.

A model is a few hundred thousand long-lived objects. In a serving process under load the
cyclic collector's full collections walk all of them, stalling every request in the process
for up to a second. Once the server has loaded (or swapped in) its model it freezes what is
alive then, so collections walk only what requests allocate; swapping a model unfreezes first,
so the old model can still be collected.
"""

from __future__ import annotations

import gc


def settle_served_heap() -> None:
    """After a serving process loaded or swapped its model: collect, then freeze the rest."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 50, 100)  # fewer young collections: requests allocate a lot
