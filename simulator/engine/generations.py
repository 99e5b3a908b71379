"""The attributes of each need's later contacts (repeats, redials), computed on demand in chunks.

A need's j-th contact created during the run uses the j-th of ``GENERATIONS`` pre-drawn attribute
sets (later ones draw from the secondary stream as they occur). Those sets are defined as one
block of uniforms ``(len(SECONDARY_ROWS), needs, GENERATIONS)`` at the head of the secondary
stream, drawn per need rather than in the order contacts happen, so that they are common random
numbers: when a lever changes which needs come back, every other need's repeat keeps its handle
time, patience, ...

Holding that block and its attributes costs about 300 bytes per need for the whole run, though a
contact reads them once, when it is created, and most needs never come back. So nothing is drawn
up front: the stream is advanced past the block (PCG64 draws one 64-bit word per double, so
``advance`` skips exactly the block), and the attributes of a chunk of needs for one generation
are computed when a contact first asks for them, from a copy of the stream advanced to that
chunk's position. A small least-recently-used cache keeps the chunks in use (contacts are
created close in time to their need's last contact, so the same chunks serve many contacts); a
chunk evicted and asked for again is recomputed, identically. The values are exactly those of the
full block, element for element (the inverse CDFs are element-wise).
"""

from __future__ import annotations

from collections import OrderedDict
from types import SimpleNamespace

import numpy as np

from simulator.engine.contacts import (
    SECONDARY_ROWS,
    ContactAttributes,
    ContactUniforms,
    contact_attributes,
)
from simulator.model.plan import EnginePlan

# Attributes of a need's later contacts are pre-drawn for this many generations per need.
GENERATIONS = 3
CHUNK = 1024  # needs per cached chunk
CACHE_CHUNKS = 512  # (chunk, generation) entries kept


class LaterContacts:
    """Attributes of need ``n``'s contact of generation ``g < GENERATIONS`` (``get``)."""

    def __init__(self, plan: EnginePlan, rng: np.random.Generator, ktype: np.ndarray) -> None:
        self.plan = plan
        self.ktype = ktype
        self.n = len(ktype)
        bitgen = rng.bit_generator
        if not isinstance(bitgen, np.random.PCG64):
            raise TypeError("the secondary stream must be PCG64 (one 64-bit word per double)")
        self._state = bitgen.state
        bitgen.advance(len(SECONDARY_ROWS) * self.n * GENERATIONS)  # as if the block had been drawn
        # Repeats go through the IVR like first calls, so the IVR's handle-time factor applies.
        self._factor = np.array([plan.handle_factor * t.remaining_handle_factor for t in plan.types])
        self._cache: OrderedDict[tuple[int, int], SimpleNamespace] = OrderedDict()
        self.names = attribute_names(plan)
        self.computed = 0  # chunks computed (misses), for benchmarks

    def get(self, need: int, gen: int) -> tuple[SimpleNamespace, int]:
        """The attribute columns holding (``need``, ``gen``) and its index in them (the columns of
        ``ContactAttributes`` the plan reads, by the same names)."""
        c, i = divmod(need, CHUNK)
        key = (c, gen)
        cache = self._cache
        attrs = cache.get(key)
        if attrs is None:
            self.computed += 1
            a = self.full(c, gen)
            attrs = cache[key] = SimpleNamespace(**{name: np.ascontiguousarray(getattr(a, name)) for name in self.names})
            if len(cache) > CACHE_CHUNKS:
                cache.popitem(last=False)
        else:
            cache.move_to_end(key)
        return attrs, i

    def clear(self) -> None:
        """Drop the cached chunks (the run is over)."""
        self._cache.clear()

    def full(self, c: int, gen: int) -> ContactAttributes:
        """Every attribute of chunk ``c``'s contacts of generation ``gen``."""
        a, b = c * CHUNK, min((c + 1) * CHUNK, self.n)
        G, n = GENERATIONS, self.n
        u = {}
        for q, name in enumerate(SECONDARY_ROWS):
            bg = np.random.PCG64()
            bg.state = self._state
            # Element (q, need, g) of the block is the (q * n * G + need * G + g)-th double.
            bg.advance(q * n * G + a * G)
            u[name] = np.random.Generator(bg).random((b - a) * G)[gen::G]
        k = self.ktype[a:b]
        return contact_attributes(self.plan, k, ContactUniforms(**u), (self._factor[k],))


def attribute_names(plan: EnginePlan) -> tuple[str, ...]:
    """The attributes of a contact created during the run that ``plan`` can read."""
    names = ["ivr_seconds", "handle_seconds", "patience_seconds", "fcr_ok", "repeat_delay_seconds"]
    if plan.callback is not None:
        names.append("callback_u")
    if plan.redial_probability > 0:
        names += ["redial_u", "redial_delay_seconds"]
    return tuple(names)
