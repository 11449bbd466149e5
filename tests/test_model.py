"""The intent model: trained deterministically from the repository's data, and never served stale."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from bot import PROJECT_ROOT
from bot.core.intent_model import IntentModel, ModelError
from bot.core.text import Message
from bot.core.understanding import Understander, check_fresh
from bot.training_data import TrainingRow, model_examples


def test_the_committed_model_matches_the_content(content):
    model = IntentModel.load(content.root / "model")
    check_fresh(model, content)  # raises when someone changed the data and forgot `python -m bot train`
    assert set(content.topics) < set(model.labels)


def test_a_model_trained_on_other_data_is_refused(content):
    extra = TrainingRow("новое сообщение, которого модель не видела", "contract", "ru", "clean", False)
    changed = dataclasses.replace(content, training=content.training + (extra,))
    with pytest.raises(ModelError, match="python -m bot train"):
        Understander(changed)


def test_a_missing_model_is_refused(content, tmp_path):
    with pytest.raises(ModelError, match="python -m bot train"):
        Understander(dataclasses.replace(content, root=tmp_path))


def test_check_names_the_fix_when_the_model_is_stale(tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", copy)
    with (copy / "training" / "extra.jsonl").open("w", encoding="utf-8") as fh:
        fh.write('{"text": "сколько стоит патент в Москве", "topic": "legal_stay", "lang": "ru", '
                 '"style": "clean", "emergency": false}\n')
    env = dict(os.environ, CONTENT_DIR=str(copy))
    result = subprocess.run([sys.executable, "-m", "bot", "check"], capture_output=True, text=True, env=env,
                            cwd=PROJECT_ROOT, timeout=120)
    assert result.returncode == 1
    assert "python -m bot train" in result.stderr


def test_training_is_deterministic_and_survives_saving(content, tmp_path):
    pytest.importorskip("sklearn")
    from bot.training import train

    examples = model_examples(content)[::15]  # a small slice keeps the test fast
    first, second = train(examples), train(examples)
    first.save(tmp_path / "a")
    second.save(tmp_path / "b")
    a, b = np.load(tmp_path / "a" / "intent.npz"), np.load(tmp_path / "b" / "intent.npz")
    for key in ("hashes", "idf", "coef", "intercept"):
        assert np.array_equal(a[key], b[key]), key
    loaded = IntentModel.load(tmp_path / "a")
    for ex in examples[:50]:
        msg = Message.of(ex.text)
        assert loaded.predict(msg).argmax() == first.predict(msg).argmax()


def test_training_rows_are_validated(tmp_path):
    from bot.content import ContentError, load_content

    copy = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", copy)
    (copy / "training" / "bad.jsonl").write_text(
        '{"text": "x", "topic": "no_such_topic", "lang": "ru", "style": "clean", "emergency": false}\n'
        '{"text": "y", "topic": null, "lang": "xx", "style": "clean", "emergency": false}\n', encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_content(copy)
    text = str(err.value)
    assert "bad.jsonl: line 1: topic: unknown topic id 'no_such_topic'" in text
    assert "bad.jsonl: line 2: intent" in text and "bad.jsonl: line 2: lang" in text
