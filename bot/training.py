"""``python -m bot train``: fit the intent model on the content's examples and write it to ``content/model/``.

scikit-learn's LogisticRegression does the fitting (the standard, well-tested implementation); the features, their
TF-IDF weights and the exported arrays are ours (:mod:`bot.core.features`, :mod:`bot.core.intent_model`), so the
running bot needs numpy only. Training is deterministic: the same examples and settings give the same model
(one thread, a fixed solver and no random state involved).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.core.features import feature_hashes
from bot.core.intent_model import Example, IntentModel, fingerprint
from bot.core.text import Message

#: Chosen on the tuning set (tests/data/eval_queries.jsonl and holdout_queries.jsonl) with bench/tune.py.
SETTINGS = {
    "C": 20.0,          # inverse regularisation strength
    "min_df": 1,        # features seen in fewer training examples are dropped
    "max_iter": 3000,
}


def _count_matrix(rows: Sequence[list[int]], vocab: np.ndarray):
    """Sparse term counts of each example over the vocabulary (features outside it are dropped)."""
    from scipy.sparse import csr_matrix  # noqa: PLC0415 - scikit-learn's dependency, needed only to train

    indptr, indices, data = [0], [], []
    for hashes in rows:
        arr = np.asarray(hashes, dtype=np.uint32)
        pos = np.searchsorted(vocab, arr)
        pos[pos == vocab.size] = 0
        known = pos[vocab[pos] == arr]
        idx, counts = np.unique(known, return_counts=True)
        indices.extend(idx.tolist())
        data.extend(counts.tolist())
        indptr.append(len(indices))
    return csr_matrix((np.asarray(data, dtype=np.float64), indices, indptr), shape=(len(rows), vocab.size))


def tfidf(counts, idf: np.ndarray):
    """Sublinear term frequency times idf, each row L2-normalised: what :meth:`IntentModel.vector` computes."""
    from sklearn.preprocessing import normalize  # noqa: PLC0415

    weighted = counts.copy()
    weighted.data = 1.0 + np.log(weighted.data)
    weighted = weighted.multiply(idf.reshape(1, -1)).tocsr()
    return normalize(weighted, norm="l2", copy=False)


def train(examples: Sequence[Example], settings: dict | None = None) -> IntentModel:
    """Fit the model on ``examples``; the result carries their fingerprint."""
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415 - only `train` needs scikit-learn
    from threadpoolctl import threadpool_limits  # noqa: PLC0415 - scikit-learn's dependency

    settings = dict(SETTINGS, **(settings or {}))
    rows = [feature_hashes(Message.of(ex.text)) for ex in examples]
    labels = [ex.label for ex in examples]
    df: dict[int, int] = {}
    for hashes in rows:
        for h in set(hashes):
            df[h] = df.get(h, 0) + 1
    vocab = np.array(sorted(h for h, n in df.items() if n >= settings["min_df"]), dtype=np.uint32)
    doc_freq = np.array([df[int(h)] for h in vocab], dtype=np.float64)
    idf = np.log((1.0 + len(rows)) / (1.0 + doc_freq)) + 1.0
    x = tfidf(_count_matrix(rows, vocab), idf)
    with threadpool_limits(limits=1):
        clf = LogisticRegression(C=settings["C"], max_iter=settings["max_iter"], solver="lbfgs")
        clf.fit(x, labels)
    meta = {
        "fingerprint": fingerprint(examples, settings),
        "settings": settings,
        "examples": len(examples),
        "features": int(vocab.size),
    }
    coef, intercept = clf.coef_.T, clf.intercept_
    if len(clf.classes_) == 2:
        # scikit-learn keeps one weight column for two labels, the second label's log-odds; a zero column for the
        # first gives the same probabilities through the softmax IntentModel.predict computes
        coef = np.hstack([np.zeros_like(coef), coef])
        intercept = np.concatenate([np.zeros_like(intercept), intercept])
    return IntentModel(list(clf.classes_), vocab, idf.astype(np.float32), coef.astype(np.float32),
                       intercept.astype(np.float32), meta)
