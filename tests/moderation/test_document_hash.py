"""Perceptual hashes: a re-photographed document stays near, another person's card does not."""

import io

from PIL import Image

from moderation.document_hash import BANDS, NEAR_DISTANCE, bands, distance, perceptual_hash
from tests.support import files


def _hash(jpeg: bytes) -> str:
    return perceptual_hash(Image.open(io.BytesIO(jpeg)))


def test_a_rephotographed_card_is_near_and_another_persons_card_is_far():
    card = files.id_card_with_portrait(seed=7)
    other = files.id_card_with_portrait(seed=8, name="陳大文", national_id="B223456780")
    assert distance(_hash(card), _hash(files.rephotographed(card))) <= NEAR_DISTANCE
    assert distance(_hash(card), _hash(other)) > NEAR_DISTANCE
    assert distance(_hash(card), _hash(files.household_jpeg())) > NEAR_DISTANCE


def test_the_slices_cover_the_hash_and_a_copy_within_fifteen_bits_shares_one():
    h = _hash(files.id_card_with_portrait(seed=9))
    value = int(h, 16)
    flipped = f"{value ^ sum(1 << (n * 16 + 3) for n in range(BANDS - 1)):064x}"
    assert distance(h, flipped) == BANDS - 1
    assert set(bands(h)) & set(bands(flipped))
    assert sum(v << (n * 16) for n, v in bands(h)) == value
