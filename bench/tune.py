"""Choose the understanding thresholds on the tuning set, never on a test set.

The tuning set is tests/data/eval_queries.jsonl, holdout_queries.jsonl and fresh_queries.jsonl (all three were looked
at while the content and the old matcher were written, so none of them is a fair test any more). They hold few of
the hard cases (near-domain out-of-scope questions, emergencies told indirectly), so with ``--cv K`` the training
messages join them with out-of-fold probabilities: each fold is scored by a model trained without it.

The model's probabilities and the danger cues are computed once per query. The emergency thresholds are chosen
first, on their own (the best recall on the worse part with false alarms at most --max-false on every part); then
every combination of the topic thresholds behind them is scored (topic accuracy plus out-of-scope rejection, summed
over the parts) and the best are printed. Copy the chosen values into ``Thresholds`` in bot/core/understanding.py.

Run: python bench/tune.py [--cv 5] [--top 10]
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.content import load_content  # noqa: E402
from bot.core.danger import danger_signal  # noqa: E402
from bot.core.text import Message  # noqa: E402
from bot.core.understanding import Thresholds, Understander  # noqa: E402
from bot.evaluation import TUNING_SETS, load_queries  # noqa: E402

GRID = {
    "card": (0.2, 0.25, 0.3, 0.35, 0.4, 0.5),
    "unsure": (0.05, 0.1, 0.15),
    "danger_level": (1.0, 1.4),
    "emergency_model": (0.2, 0.3, 0.4, 0.5),
    "emergency_sure": (0.5, 0.6, 0.8),
    "emergency_lean": (0.05, 0.1, 0.2),
    "some_danger": (0.4, 0.8),
    "out_of_scope_veto": (0.7, 0.85, 1.1),
    "single_word_card": (0.3, 0.5, 0.7),
}


def out_of_fold(content, folds: int) -> list[tuple[dict, object]]:
    """(row as a query, probabilities) for every training message, each from a model that never saw it."""
    import dataclasses as dc

    from bot.training import train
    from bot.training_data import model_examples

    rows = list(content.training)
    seen = []
    for k in range(folds):
        held = rows[k::folds]
        kept = tuple(r for i, r in enumerate(rows) if i % folds != k)
        model = train(model_examples(dc.replace(content, training=kept)))
        for r in held:
            query = {"text": r.text, "topic": r.label if r.label in content.topics else None, "lang": r.lang,
                     "style": r.style, "emergency": r.emergency}
            seen.append((query, model.predict(Message.of(r.text))))
        print(f"  fold {k + 1}/{folds} done", flush=True)
    return seen


def emergency_rates(understander, seen) -> tuple[float, float]:
    """Emergency recall and false-alarm rate with the current thresholds."""
    rec_ok = rec_n = fa = fa_n = 0
    for q, probs, danger, _ in seen:
        got = understander._is_emergency(danger, float(probs[understander._emergency]),
                                         float(probs[understander._out_of_scope]))
        if q.get("emergency"):
            rec_n += 1
            rec_ok += got
        else:
            fa_n += 1
            fa += got
    return rec_ok / max(1, rec_n), fa / max(1, fa_n)


def tally(understander, seen) -> tuple[float, float, float, float]:
    """Topic accuracy, out-of-scope rejection, emergency recall and false-alarm rate with the current thresholds."""
    topic_ok = topic_n = oos_ok = oos_n = rec_ok = rec_n = fa = fa_n = 0
    for q, probs, danger, n_tokens in seen:
        p_em, p_oos = float(probs[understander._emergency]), float(probs[understander._out_of_scope])
        if understander._is_emergency(danger, p_em, p_oos):
            got = "emergency"
        else:
            got = understander._decide(probs, "", single_word=n_tokens == 1).answered_topic
        if q["topic"] is None:
            oos_n += 1
            oos_ok += got is None
        else:
            topic_n += 1
            topic_ok += got == q["topic"]
        if q.get("emergency"):
            rec_n += 1
            rec_ok += got == "emergency"
        else:
            fa_n += 1
            fa += got == "emergency"
    return topic_ok / topic_n, oos_ok / max(1, oos_n), rec_ok / max(1, rec_n), fa / max(1, fa_n)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--cv", type=int, default=0, help="also score the training messages out of fold")
    parser.add_argument("--oof-cache", help="keep the out-of-fold probabilities in this file between runs")
    parser.add_argument("--max-false", type=float, default=0.01)
    args = parser.parse_args()
    content = load_content()
    understander = Understander(content)
    queries = [q for path in TUNING_SETS for q in load_queries(path)]
    parts = {"tuning": [(q, understander.model.predict(Message.of(q["text"]))) for q in queries]}
    if args.oof_cache and Path(args.oof_cache).exists():
        import pickle

        parts["training (oof)"] = pickle.loads(Path(args.oof_cache).read_bytes())
    print(f"Tuning on {len(queries)} queries from {', '.join(p.name for p in TUNING_SETS)}")
    if args.cv and "training (oof)" not in parts:
        print(f"and {len(content.training)} training messages, {args.cv}-fold out of fold")
        parts["training (oof)"] = out_of_fold(content, args.cv)
        if args.oof_cache:
            import pickle

            Path(args.oof_cache).write_bytes(pickle.dumps(parts["training (oof)"]))
    seen = {}
    for name, rows in parts.items():
        msgs = [Message.of(q["text"]) for q, _ in rows]
        seen[name] = [(q, p, danger_signal(m), len(m.tokens)) for (q, p), m in zip(rows, msgs)]
    # The emergency decision comes first and does not depend on the topic thresholds: choose it on its own (the
    # highest recall on the worse part within the false-alarm bound), then the topic thresholds behind it.
    emergency_keys = ("danger_level", "emergency_model", "emergency_sure", "emergency_lean", "some_danger",
                      "out_of_scope_veto")
    topic_keys = ("card", "unsure", "single_word_card")
    best_emergency = None
    for values in itertools.product(*(GRID[k] for k in emergency_keys)):
        understander.thresholds = dataclasses.replace(Thresholds(), **dict(zip(emergency_keys, values)))
        rates = [emergency_rates(understander, rows) for rows in seen.values()]
        if all(false_alarms <= args.max_false for _, false_alarms in rates):
            key = (min(r for r, _ in rates), -max(f for _, f in rates))
            if best_emergency is None or key > best_emergency[0]:
                best_emergency = (key, dict(zip(emergency_keys, values)), rates)
    if best_emergency is None:
        print(f"No emergency thresholds keep false alarms <= {args.max_false}")
        return 1
    print("Emergency: " + ", ".join(f"{k}={v}" for k, v in best_emergency[1].items()) + "   " + "; ".join(
        f"{name} recall {r:.3f} false {f:.3f}" for name, (r, f) in zip(seen, best_emergency[2])))
    results = []
    for values in itertools.product(*(GRID[k] for k in topic_keys)):
        th = dataclasses.replace(Thresholds(), **best_emergency[1], **dict(zip(topic_keys, values)))
        if th.unsure >= th.card:
            continue
        understander.thresholds = th
        scores = {name: tally(understander, rows) for name, rows in seen.items()}
        results.append((sum(r[0] + r[1] for r in scores.values()), scores, th))
    results.sort(key=lambda r: r[0], reverse=True)
    for _score, scores, th in results[:args.top]:
        print("  " + ", ".join(f"{k}={getattr(th, k)}" for k in topic_keys))
        for name, (topic, oos, recall, false_alarms) in scores.items():
            print(f"      {name:<16} topic {topic:.3f}  oos {oos:.3f}  recall {recall:.3f}  false {false_alarms:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
