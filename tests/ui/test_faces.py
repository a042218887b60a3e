"""The buttons' faces: drawn once per size and look, and kept within a byte budget."""

from __future__ import annotations

from typing import Any

from kiosk.ui.faces import BORDER_PX, FaceCache
from kiosk.ui.theme import BUTTON_LOOKS


def test_a_face_is_drawn_once_per_size_and_look(qapp: Any) -> None:
    cache = FaceCache(1024 * 1024)
    look = BUTTON_LOOKS["tile"]["normal"]
    first = cache.get((400, 100, 1.0, "default", look, BORDER_PX))
    again = cache.get((400, 100, 1.0, "default", look, BORDER_PX))
    assert again.cacheKey() == first.cacheKey()
    pressed = cache.get((400, 100, 1.0, "default", BUTTON_LOOKS["tile"]["pressed"], BORDER_PX))
    assert pressed.cacheKey() != first.cacheKey()
    assert len(cache) == 2


def test_the_faces_kept_stay_within_their_bytes_whatever_the_sizes(qapp: Any) -> None:
    """A step's choices come in many heights: the cache must not grow with them (a
    kiosk draws tens of thousands of screens)."""
    limit = 2 * 1024 * 1024
    cache = FaceCache(limit)
    look = BUTTON_LOOKS["choice"]["normal"]
    for height in range(90, 400, 3):
        cache.get((1300, height, 1.0, "default", look, BORDER_PX))
        assert cache.bytes <= limit
    newest = (1300, 397, 1.0, "default", look, BORDER_PX)
    assert cache.get(newest).cacheKey() == cache.get(newest).cacheKey()
    assert 0 < len(cache) < 10
