"""The trained intent model: which topic (or greeting, thanks, out of scope) a message is about.

A TF-IDF weighted bag of hashed features (see :mod:`bot.core.features`) and a multinomial logistic regression,
trained by ``python -m bot train`` (:mod:`bot.training`, scikit-learn) and shipped as plain arrays in
``content/model/``. Inference is a few numpy operations, so the bot does not import scikit-learn at all: start-up
stays fast and memory small.

The model records a fingerprint of the examples it was trained on. :func:`check_fresh` compares it with the
examples the content holds now, so a model trained on other data is refused instead of silently answering.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.core.features import FEATURES_VERSION, feature_hashes
from bot.core.text import Message

MODEL_DIR = "model"
#: The topic model's name: its files are content/model/intent.npz and intent.json.
INTENT = "intent"
#: The job-advert recogniser's (bot/core/adverts.py): advert.npz and advert.json, labels ADVERT and NOT_ADVERT.
ADVERT, NOT_ADVERT = "advert", "not_advert"
#: Labels that are not guidance topics.
OUT_OF_SCOPE = "out_of_scope"
GREETING = "greeting"
THANKS = "thanks"
NON_TOPICS = (OUT_OF_SCOPE, GREETING, THANKS)


class ModelError(Exception):
    """The model is missing, unreadable or was trained on other data; the message says how to fix it."""


@dataclass(frozen=True)
class Example:
    """One labelled message the model learns from; ``label`` is a topic id or one of :data:`NON_TOPICS`."""

    text: str
    label: str


def fingerprint(examples: Iterable[Example], settings: dict) -> str:
    """A digest of everything the model depends on: the examples in order, the features and the settings."""
    digest = hashlib.sha256()
    digest.update(json.dumps({"features": FEATURES_VERSION, "settings": settings}, sort_keys=True).encode())
    for ex in examples:
        digest.update(b"\x00" + ex.label.encode() + b"\x01" + ex.text.encode())
    return digest.hexdigest()


class IntentModel:
    """Probabilities over the labels for one message: ``predict(msg)`` returns them in :attr:`labels` order."""

    def __init__(self, labels: Sequence[str], hashes: np.ndarray, idf: np.ndarray, coef: np.ndarray,
                 intercept: np.ndarray, meta: dict):
        order = np.argsort(hashes, kind="stable")
        self.labels: tuple[str, ...] = tuple(labels)
        self._hashes = np.ascontiguousarray(hashes[order], dtype=np.uint32)
        self._idf = np.ascontiguousarray(idf[order], dtype=np.float32)
        # Half precision, as the weights are stored: a message gathers a few hundred rows and computes in float32,
        # so the 100,000-feature table takes half the memory for the same answers.
        self._coef = np.ascontiguousarray(coef[order], dtype=np.float16)
        self._intercept = np.asarray(intercept, dtype=np.float32)
        self.meta = meta
        self.index = {label: i for i, label in enumerate(self.labels)}

    @property
    def fingerprint(self) -> str:
        return str(self.meta.get("fingerprint", ""))

    @classmethod
    def load(cls, folder: Path, name: str = INTENT) -> IntentModel:
        arrays_path, meta_path = folder / f"{name}.npz", folder / f"{name}.json"
        if not arrays_path.exists() or not meta_path.exists():
            raise ModelError(f"{folder}: no trained {name} model; run `python -m bot train`")
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            with np.load(arrays_path) as data:
                arrays = {k: data[k] for k in ("hashes", "idf", "coef", "intercept")}
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"{folder}: cannot read the {name} model ({exc}); run `python -m bot train`") from None
        if meta.get("features_version") != FEATURES_VERSION:
            raise ModelError(f"{folder}: the model was trained on other features; run `python -m bot train`")
        return cls(meta["labels"], arrays["hashes"], arrays["idf"], arrays["coef"], arrays["intercept"], meta)

    def save(self, folder: Path, name: str = INTENT) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(folder / f"{name}.npz", hashes=self._hashes, idf=self._idf,
                            coef=self._coef, intercept=self._intercept)
        meta = dict(self.meta, labels=list(self.labels), features_version=FEATURES_VERSION)
        (folder / f"{name}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                        encoding="utf-8")

    def vector(self, msg: Message) -> tuple[np.ndarray, np.ndarray]:
        """The message's known features (indices) and their TF-IDF weights, L2-normalised."""
        hashes = np.fromiter(feature_hashes(msg), dtype=np.uint32)
        if hashes.size == 0:
            return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.float32)
        pos = np.searchsorted(self._hashes, hashes)
        pos[pos == self._hashes.size] = 0
        known = pos[self._hashes[pos] == hashes]
        if known.size == 0:
            return known, np.empty(0, dtype=np.float32)
        idx, counts = np.unique(known, return_counts=True)
        weights = (1.0 + np.log(counts, dtype=np.float32)) * self._idf[idx]
        weights /= np.linalg.norm(weights)
        return idx, weights

    def predict(self, msg: Message) -> np.ndarray:
        """Label probabilities (softmax of the linear scores), in :attr:`labels` order."""
        idx, weights = self.vector(msg)
        scores = self._intercept + (weights @ self._coef[idx].astype(np.float32) if idx.size else 0.0)
        scores = np.exp(scores - scores.max())
        return scores / scores.sum()

    def check_trained_on(self, examples: Iterable[Example], where: str) -> None:
        """Raise :class:`ModelError` unless this model was trained on exactly ``examples`` with its settings."""
        if self.fingerprint != fingerprint(examples, self.meta.get("settings", {})):
            raise ModelError(f"{where}: the model was trained on other data than the content holds now; run "
                             "`python -m bot train`")
