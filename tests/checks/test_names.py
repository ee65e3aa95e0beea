"""A family's file name is shown, never used: no path, no control characters, bounded."""

from moderation.checks.base import display_name
from tests.checks import samples
from tests.checks.samples import failed

HOSTILE = "../../etc/passwd\x00\x1b[31m\u202egpj.exe"


def test_hostile_name_does_not_change_where_copies_are_written(check, ctx):
    outcomes, facts = check(samples.jpeg(), HOSTILE)
    assert failed(outcomes) == []
    for path in (facts.sanitized_path, facts.preview_path):
        assert path.parent == ctx.work_dir


def test_hostile_name_in_a_message_has_no_path_or_control_characters(check):
    outcomes, _ = check(samples.HTML, HOSTILE)
    message = outcomes[0].message + outcomes[0].message_en
    assert "../" not in message
    assert not any(ch in message for ch in "\x00\x1b\u202e")


def test_display_name_keeps_the_last_part_of_a_windows_path():
    assert display_name("C:\\Users\\媽媽\\戶籍謄本.pdf") == "戶籍謄本.pdf"


def test_display_name_shortens_long_names():
    assert len(display_name("很" * 500 + ".jpg")) == 60


def test_display_name_of_only_control_characters_is_a_placeholder():
    assert display_name("\x00\x01") == "未命名檔案"
