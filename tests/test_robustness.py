"""Bad input gets a sensible reply, never an exception (property-based)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import LANGUAGES

langs = st.sampled_from([*LANGUAGES, None])
texts = st.one_of(
    st.text(max_size=400),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.text(alphabet="ғӣқӯҳҷабвгдеёжзийклмнопрстуфхцчшщъыьэюя ?!.,0123456789", max_size=300),
    st.text(alphabet=st.sampled_from(["😀", "🙏", "‼", "\u200b", "\u202e", "\x00", "\x1b", "\t", "\n"]), max_size=50),
    st.text(alphabet=st.characters(whitelist_categories=("Lo",)), max_size=100),  # Arabic, Chinese, ...
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, lang=langs)
def test_any_text_gets_a_reply(dialogue, text, lang):
    reply = dialogue.respond(text, lang)
    assert reply.text.strip()
    assert reply.lang in LANGUAGES
    assert reply.buttons, "every reply offers a way on"


@settings(max_examples=200, deadline=None)
@given(action=st.text(max_size=80), lang=st.sampled_from(LANGUAGES))
def test_any_button_data_gets_a_reply(dialogue, action, lang):
    reply = dialogue.act(action, lang)
    assert reply.text.strip() and reply.buttons


def test_100_kb_message(dialogue):
    reply = dialogue.respond("паспорт " * 12_800, "tg")
    assert reply.text


def test_empty_and_emoji_only_messages_are_asked_for_words(dialogue):
    for text in ("", "   ", "😀😀😀", "\x00\x01"):
        assert dialogue.respond(text, "ru").kind == "empty"
