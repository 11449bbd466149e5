"""The intent model side by side with the old word vote and a plain TF-IDF + logistic regression baseline.

All three are scored on the same queries: per language, per style, per topic, with the top confusion pairs. The
word vote is the matcher that answered before the intent model (words voting for topics, kept in bench/word_vote.py
for this comparison); the baseline is scikit-learn's character n-gram TF-IDF and logistic regression with a 0.2
probability threshold, trained on the same examples as the model. All three use the same danger cues' verdicts only
as they did: the word vote and the model with theirs, the baseline with none (its emergency class).

Run: python bench/compare.py [--set tuning|test|all] [--confusions 10]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from word_vote import WordVote  # noqa: E402

from bot.content import load_content  # noqa: E402
from bot.core.intent_model import NON_TOPICS  # noqa: E402
from bot.core.understanding import Understander  # noqa: E402
from bot.evaluation import TEST_SETS, TUNING_SETS, load_queries  # noqa: E402
from bot.training_data import model_examples  # noqa: E402


class PlainTfidf:
    """Character n-gram TF-IDF + logistic regression on the raw text, answering when a topic's probability is at
    least 0.2 (the baseline the project was measured against)."""

    def __init__(self, content):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        examples = model_examples(content)
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
        x = self.vectorizer.fit_transform([ex.text for ex in examples])
        self.clf = LogisticRegression(C=10.0, max_iter=3000).fit(x, [ex.label for ex in examples])

    def topic(self, text: str) -> str | None:
        probs = self.clf.predict_proba(self.vectorizer.transform([text]))[0]
        best = probs.argmax()
        label = self.clf.classes_[best]
        return None if probs[best] < 0.2 or label in NON_TOPICS else str(label)


def score(system: Callable[[str], str | None], queries: list[dict]) -> dict:
    out: dict = {"topic": [0, 0], "oos": [0, 0], "recall": [0, 0], "false": [0, 0],
                 "lang": defaultdict(lambda: [0, 0]), "style": defaultdict(lambda: [0, 0]),
                 "by_topic": defaultdict(lambda: [0, 0]), "confusions": Counter()}
    started = time.perf_counter()
    for q in queries:
        got = system(q["text"])
        expected = q.get("topic")
        ok = got == expected
        if expected is None:
            out["oos"][0] += ok
            out["oos"][1] += 1
        else:
            out["topic"][0] += ok
            out["topic"][1] += 1
            out["lang"][q["lang"]][0] += ok
            out["lang"][q["lang"]][1] += 1
            out["by_topic"][expected][0] += ok
            out["by_topic"][expected][1] += 1
        out["style"][q.get("style", "?")][0] += ok
        out["style"][q.get("style", "?")][1] += 1
        if q.get("emergency"):
            out["recall"][0] += got == "emergency"
            out["recall"][1] += 1
        else:
            out["false"][0] += got == "emergency"
            out["false"][1] += 1
        if not ok:
            out["confusions"][(expected or "(out of scope)", got or "(none)")] += 1
    out["ms"] = (time.perf_counter() - started) * 1000 / max(1, len(queries))
    return out


def rate(pair: list[int]) -> str:
    return f"{pair[0] / pair[1]:.3f}" if pair[1] else "  -  "


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", choices=("tuning", "test", "all"), default="all")
    parser.add_argument("--confusions", type=int, default=8)
    args = parser.parse_args()
    content = load_content()
    model = Understander(content)
    systems = {
        "intent model": lambda text: model.understand(text).answered_topic,
        "word vote (old)": WordVote(content).topic,
        "TF-IDF+LR 0.2": PlainTfidf(content).topic,
    }
    splits = {"tuning": TUNING_SETS, "test": TEST_SETS}
    chosen = splits if args.set == "all" else {args.set: splits[args.set]}
    for split, paths in chosen.items():
        queries = [q for path in paths if path.exists() for q in load_queries(path)]
        if not queries:
            continue
        results = {name: score(system, queries) for name, system in systems.items()}
        names = list(results)
        print(f"\n=== {split} set: {len(queries)} queries ({', '.join(p.name for p in paths if p.exists())}) ===")
        print(f"{'':<26}" + "".join(f"{n:>18}" for n in names))

        def row(label: str, get, results=results, names=names) -> None:
            print(f"{label:<26}" + "".join(f"{get(results[n]):>18}" for n in names))

        row("topic top-1 (in scope)", lambda r: rate(r["topic"]))
        row("out-of-scope rejected", lambda r: rate(r["oos"]))
        row("emergency recall", lambda r: rate(r["recall"]))
        row("emergency false alarms", lambda r: rate(r["false"]))
        row("ms per message", lambda r: f"{r['ms']:.2f}")
        print("by language (topic top-1)")
        for lang in sorted(results[names[0]]["lang"]):
            row(f"  {lang}", lambda r, lang=lang: rate(r["lang"][lang]))
        print("by style (right answer, out of scope included)")
        for style in sorted(results[names[0]]["style"]):
            row(f"  {style}", lambda r, style=style: rate(r["style"][style]))
        print("by topic (top-1)")
        for topic in sorted(results[names[0]]["by_topic"]):
            row(f"  {topic}", lambda r, topic=topic: rate(r["by_topic"][topic]))
        for name in names:
            pairs = results[name]["confusions"].most_common(args.confusions)
            print(f"top confusions, {name}: " + "; ".join(f"{a} -> {b} ({n})" for (a, b), n in pairs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
