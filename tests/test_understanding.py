"""What the core makes of messages typed the way people really type."""

from __future__ import annotations

import pytest

from bot.core.understanding import Understander


@pytest.fixture(scope="module")
def understander(content) -> Understander:
    return Understander(content)


@pytest.mark.parametrize("text, topic, lang", [
    ("паспортамро гирифтанд", "passport_taken", "tg"),
    ("pasportamro giriftand chi kor kunam", "passport_taken", "tg"),
    ("забрали паспорт что делать", "passport_taken", "ru"),
    ("zabrali pasport", "passport_taken", "ru"),
    ("my boss took my passport", "passport_taken", "en"),
    ("маошамро намедиханд", "unpaid_wages", "tg"),
    ("не платят зарплату третий месяц", "unpaid_wages", "ru"),
    ("they dont pay my salary", "unpaid_wages", "en"),
    ("шартнома", "contract", "tg"),
    ("патент чи тавр гирам", "legal_stay", "tg"),
    ("как проверить агентство", "check_agency", "ru"),
    ("меня депортировали из россии", "deportation", "ru"),
    ("консулгарӣ куҷо аст", "consulate", "tg"),
])
def test_topics_in_each_language_and_style(understander, text, topic, lang):
    u = understander.understand(text)
    assert (u.kind, u.topic, u.lang) == ("topic", topic, lang)


@pytest.mark.parametrize("text, lang", [
    ("помогите меня заперли и бьют", "ru"),
    ("маро дар хона қулф карданд ёрӣ диҳед", "tg"),
    ("maro mezanand hozir", "tg"),
    ("they locked me in and will kill me", "en"),
    ("SOS", None),
    ("Человек сейчас угрожает моей подруге ножом", "ru"),
    ("духтарамро дуздиданд телефон намегирад зуд ёрӣ диҳед", "tg"),
    ("my sister is locked in a hotel and they won't let her go", "en"),
])
def test_danger_is_answered_first(understander, text, lang):
    u = understander.understand(text)
    assert u.kind == "emergency" and u.topic == "emergency"
    if lang:
        assert u.lang == lang


@pytest.mark.parametrize("text", [
    "my friend was beaten last year, where can he get help",
    "друга избили в прошлом году, где ему получить помощь",
    "ба консулгарӣ занг задам ҷавоб надоданд",
    "my friend got kidnapped after a fake job offer in 2022, how can i spot such offers",
    "I fly to Riyadh in three weeks, what should I do before leaving? please help",
])
def test_past_stories_and_phone_calls_are_not_false_alarms(understander, text):
    assert understander.understand(text).kind != "emergency"


@pytest.mark.parametrize("text", ["курс доллара на сегодня", "what's the weather in Dubai tomorrow",
                                  "футбол кай сар мешавад", "recipe for plov"])
def test_out_of_scope_is_declined(understander, text):
    assert understander.understand(text).kind == "out_of_scope"


def test_greeting_is_not_a_topic(understander):
    assert understander.understand("салом").kind == "intent"


def test_chosen_language_is_kept_when_the_text_does_not_tell(understander):
    assert understander.understand("ok", "ru").lang == "ru"
    assert understander.understand("SOS", "tg").lang == "tg"


def test_tajik_letters_mean_tajik_even_mixed_with_russian(understander):
    assert understander.understand("работодатель паспортамро гирифт").lang == "tg"
    assert understander.understand("ҳуҷҷат").lang == "tg"


@pytest.mark.parametrize("text", ["документы", "деньги", "pul"])
def test_vague_questions_get_closest_topics_not_a_wrong_answer(understander, text):
    u = understander.understand(text)
    assert u.kind == "unsure"
    assert 2 <= len(u.candidates) <= 3


def test_gibberish_is_out_of_scope(understander):
    assert understander.understand("asdfgh qwerty zxcv").kind == "out_of_scope"


@pytest.mark.parametrize("text", [
    "Ҳозир хоҷаин маро зад, аз сарам хун меравад",
    "брата только что затолкали в машину, он кричал",
    "he hit me and there is blood, what do i do",
])
def test_violence_happening_now(understander, text):
    assert understander.understand(text).kind == "emergency"


@pytest.mark.parametrize("text", [
    "муж работает с утра до ночи без выходных, это нормально?",
    "работаем до поздней ночи а платят мало",
    "всю ночь грузили вагоны, бригадир не заплатил",
    "как нарезать мясо ножом для плова",
    "what knife is best for cutting meat for plov",
])
def test_night_and_kitchen_knives_are_not_emergencies(understander, text):
    """"ночь" folds to the same skeleton as "нож" (knife); a recipe with a knife is not a threat."""
    assert understander.understand(text).kind != "emergency"


@pytest.mark.parametrize("text", [
    "он угрожает мне ножом",
    "хозяин достал нож и сказал что никто меня не найдёт",
    "he pulled a knife on me",
])
def test_knives_still_are(understander, text):
    assert understander.understand(text).kind == "emergency"


@pytest.mark.parametrize("text, lang", [
    ("I escaped but they are looking for me, I'm hiding", "en"),
    ("я сбежал с объекта, они ищут меня на машине, я прячусь за гаражами", "ru"),
    ("аз кор гурехтам, акнун маро мекобанд, пинҳон шудаам", "tg"),
    ("there is a guard at the door and we can't leave", "en"),
    ("у двери стоит охранник, нас не выпускают", "ru"),
    ("дар назди дар посбон истодааст, моро берун намегузоранд", "tg"),
    ("my brother hasn't answered for 3 days and the employer threatens us", "en"),
    ("брат три дня не отвечает, а работодатель угрожает нашей семье", "ru"),
    ("бародарам 3 рӯз боз ҷавоб намедиҳад, корфармо ба мо таҳдид мекунад", "tg"),
])
def test_emergencies_told_indirectly(understander, text, lang):
    u = understander.understand(text)
    assert (u.kind, u.lang) == ("emergency", lang)
