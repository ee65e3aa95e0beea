"""A worker process reads with as many tesseract children as FAMILYBOOK_OCR_CHILDREN says (one
per core when unset): with several worker processes on one machine, each gets its share of the
cores instead of every one starting a child per core."""

from collections.abc import Iterator

import pytest

from moderation.ocr import engine


@pytest.fixture
def restored_engine() -> Iterator[None]:
    yield
    engine.use_engine("pool")


def test_the_pool_has_the_children_asked_for(restored_engine):
    engine.use_engine("pool", 1)
    assert engine.parallelism() == 1
    engine.use_engine("pool", 3)
    assert engine.parallelism() == 3


def test_unset_means_one_child_per_core(restored_engine):
    engine.use_engine("pool", 1)
    engine.use_engine("pool")
    assert engine.parallelism() == engine.CHILDREN


def test_the_setting_refuses_zero_children():
    from pydantic import ValidationError

    from core.settings import Settings

    with pytest.raises(ValidationError):
        Settings(ocr_children=0)
