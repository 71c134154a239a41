"""A refused request's answer held a moment: a client that ignores ``Retry-After`` slows down.

A script that sends back to back and ignores the 429's ``Retry-After`` comes straight back: a
few such clients make hundreds of requests a second, and answering each, however cheaply, takes
the CPU that ranks notes for everyone else. Holding the 429 for ``seconds`` (sleeping, no CPU)
makes such a client wait as it was told to; a client that honours ``Retry-After`` (at least one
second) loses nothing. At most ``most_held`` answers are held at once in a process; beyond that
they go at once, so holding cannot fill the server's in-flight bound.
"""

from __future__ import annotations

import asyncio


class RefusalHold:
    """Hold refusals for ``seconds`` (0: never), at most ``most_held`` at a time."""

    def __init__(self, seconds: float, most_held: int = 64) -> None:
        self.seconds = seconds
        self.most_held = most_held
        self.held = 0  # answers being held now
        self.total = 0  # answers held so far

    async def hold(self, at_most: float) -> None:
        """Wait ``seconds``, never longer than ``at_most`` (the ``Retry-After`` given)."""
        wait = min(self.seconds, at_most)
        if wait <= 0 or self.held >= self.most_held:
            return
        self.held += 1
        self.total += 1
        try:
            await asyncio.sleep(wait)
        finally:
            self.held -= 1
