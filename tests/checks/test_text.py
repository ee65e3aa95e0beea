"""Titles and bodies: NFC, counted as people count, no hidden or control characters."""

import pytest

from moderation.errors import InvalidInput
from moderation.text import clean_text, count_chars


def refusal(value: str, max_chars: int = 100, **kw: object) -> str:
    """The stable code clean_text refuses `value` with."""
    with pytest.raises(InvalidInput) as caught:
        clean_text(value, field="body", max_chars=max_chars, **kw)
    assert caught.value.code == "invalid_fields"
    assert "body" in caught.value.fields
    return caught.value.extra["codes"]["body"]


def test_a_cjk_character_counts_as_one():
    assert count_chars("爸爸加油") == 4


def test_an_emoji_with_skin_tone_counts_as_one():
    assert count_chars("👍🏽") == 1


def test_a_family_emoji_joined_by_zwj_counts_as_one():
    assert count_chars("👨\u200d👩\u200d👧\u200d👦") == 1


def test_a_flag_counts_as_one():
    assert count_chars("🇹🇼") == 1


def test_a_decomposed_accent_counts_as_one_and_is_stored_composed():
    assert clean_text("e\u0301", field="title", max_chars=1) == "\u00e9"


def test_body_of_exactly_100_emoji_is_accepted():
    assert clean_text("👍🏽" * 100, field="body", max_chars=100) == "👍🏽" * 100


def test_body_of_101_characters_is_refused():
    assert refusal("好" * 101) == "text_too_long"


def test_control_character_is_refused():
    assert refusal("爸爸\x07加油") == "text_control_character"


def test_bidi_override_is_refused():
    assert refusal("付款給\u202e12345") == "text_bidi_control"


def test_bidi_isolate_is_refused():
    assert refusal("abc\u2066def\u2069") == "text_bidi_control"


def test_whitespace_only_is_refused():
    assert refusal(" \u3000\t\n ") == "text_blank"


def test_zero_width_only_is_refused_as_blank():
    assert refusal("\u200b\u200b") == "text_blank"


def test_empty_is_refused_as_blank():
    assert refusal("") == "text_blank"


def test_none_is_refused_as_required():
    assert refusal(None) == "text_required"  # type: ignore[arg-type]


def test_newline_is_refused_in_a_title():
    assert refusal("第一行\n第二行", allow_newlines=False) == "text_control_character"


def test_newlines_are_kept_and_normalised_in_a_body():
    assert clean_text("第一行\r\n第二行\r", field="body", max_chars=100) == "第一行\n第二行"


def test_surrounding_whitespace_is_trimmed():
    assert clean_text("\u3000 你好 \n", field="title", max_chars=20) == "你好"


def test_stacked_combining_marks_are_refused():
    assert refusal("a" + "\u0301" * 40) == "text_stacked_marks"


def test_invisible_tag_characters_outside_a_flag_are_refused():
    assert refusal("hi\U000e0041\U000e0042") == "text_invisible_character"


def test_subdivision_flag_made_of_tags_is_accepted():
    scotland = "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    assert count_chars(clean_text(scotland, field="body", max_chars=1)) == 1


def test_pasted_zero_width_space_is_removed_silently():
    assert clean_text("加\u200b油\ufeff", field="body", max_chars=100) == "加油"


def test_lone_surrogate_is_refused():
    assert refusal("abc\ud800") == "text_control_character"


def test_message_is_in_chinese_and_english():
    with pytest.raises(InvalidInput) as caught:
        clean_text("好" * 101, field="body", max_chars=100)
    assert "最多 100 個字" in caught.value.message
    assert "At most 100 characters" in caught.value.message_en


@pytest.mark.parametrize(
    "filler",
    ["\u3164", "\u115f", "\u1160", "\uffa0", "\u2800"],
    ids=["hangul-filler", "choseong-filler", "jungseong-filler", "halfwidth-filler", "braille"],
)
def test_title_of_invisible_fillers_is_refused_as_blank(filler):
    # Given a title of letters that draw nothing (not whitespace to Python)
    assert not filler.isspace()
    # Then it is as blank as spaces would be
    assert refusal(filler * 3 + " ", max_chars=20, allow_newlines=False) == "text_blank"


def test_hangul_filler_between_words_is_refused():
    # It looks like a space and is not one (used to dodge word filters)
    assert refusal("加\u3164油") == "text_invisible_character"


def test_braille_blank_between_braille_cells_is_kept():
    # ⠓⠊⠀⠓⠊: "hi hi" in braille, where the blank cell is the space
    text = "\u2813\u280a\u2800\u2813\u280a"
    assert clean_text(text, field="body", max_chars=5) == text


def test_filler_joined_to_a_visible_hangul_letter_is_kept():
    # ᄀ + jungseong filler: one syllable block showing ᄀ (old Hangul)
    assert count_chars(clean_text("\u1100\u1160", field="body", max_chars=1)) == 1


def test_family_emoji_with_skin_tones_counts_as_one():
    family = "👩🏽\u200d👩🏽\u200d👧🏽"  # 8 code points
    assert len(family) == 8
    assert count_chars(family) == 1


def test_body_of_100_family_emoji_with_skin_tones_is_accepted():
    family = "👩🏽\u200d👩🏽\u200d👧🏽"
    assert clean_text(family * 100, field="body", max_chars=100) == family * 100


def test_kiss_with_two_skin_tones_counts_as_one():
    assert count_chars("👨🏻\u200d❤\ufe0f\u200d💋\u200d👨🏼") == 1  # 10 code points


def test_taiwan_flag_counts_as_one_and_fits_a_one_character_title():
    assert clean_text("🇹🇼", field="title", max_chars=1, allow_newlines=False) == "🇹🇼"


def test_two_flags_count_as_two():
    assert count_chars("🇹🇼🇯🇵") == 2


@pytest.mark.parametrize("keycap", ["1\ufe0f\u20e3", "#\ufe0f\u20e3"], ids=["one", "hash"])
def test_keycap_counts_as_one(keycap):
    assert count_chars(keycap) == 1


def test_letter_with_two_combining_marks_counts_as_one():
    assert count_chars("e\u0301\u0302") == 1


def test_thai_letter_with_vowel_and_tone_marks_counts_as_one():
    assert count_chars("\u0e01\u0e34\u0e49") == 1


def test_rainbow_flag_counts_as_one():
    assert count_chars("🏳\ufe0f\u200d🌈") == 1
