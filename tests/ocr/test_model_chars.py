"""Which characters the installed model can write at all (moderation/ocr/model_chars.py)."""

from __future__ import annotations

import struct

from moderation.ocr.model_chars import LSTM_UNICHARSET, unicharset_component, unwritable

UNICHARSET = "4\nNULL 0 Common 0\n凱 1 0,255 Han 1\n明 1 0,255 Han 2\n王 1 0,255 Han 3\n"


def _traineddata(components: dict[int, bytes], count: int = 24) -> bytes:
    """A .traineddata file: the component count, an offset per component (-1: absent),
    then the components one after another."""
    offsets, body, at = [-1] * count, b"", 4 + 8 * count
    for index in sorted(components):
        offsets[index], body, at = at, body + components[index], at + len(components[index])
    return struct.pack(f"<i{count}q", count, *offsets) + body


def test_the_lstm_unicharset_is_cut_from_between_its_neighbours() -> None:
    data = _traineddata({17: b"lstm weights", LSTM_UNICHARSET: UNICHARSET.encode(), 22: b"recoder"})
    assert unicharset_component(data) == UNICHARSET


def test_a_model_without_an_lstm_unicharset_writes_nothing_known() -> None:
    assert unicharset_component(_traineddata({1: b"legacy unicharset"})) == ""


def test_the_installed_model_cannot_write_some_name_characters() -> None:
    # Debian's chi_tra: 塏 and 娣 are missing, their look-alikes 凱 and 弟 are there.
    assert unwritable("塏") and unwritable("娣")
    assert not unwritable("凱") and not unwritable("弟")
