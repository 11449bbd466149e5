"""Accuracy per language and style, and understanding speed (messages/s on one core, p50/p99 latency).

Run: python bench/accuracy.py [--errors]
Figures are printed, never asserted: machines here are shared and noisy.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.content import load_content  # noqa: E402
from bot.core.understanding import Understander  # noqa: E402
from bot.evaluation import ALL_SETS, evaluate, format_report, load_queries  # noqa: E402


def speed(understander: Understander, texts: list[str], rounds: int = 5) -> None:
    for text in texts:  # warm caches the way a running bot has them
        understander.understand(text)
    latencies, cpu = [], []
    start = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            t0, c0 = time.perf_counter(), time.thread_time()
            understander.understand(text)
            cpu.append(time.thread_time() - c0)
            latencies.append(time.perf_counter() - t0)
    wall = time.perf_counter() - start
    latencies.sort()
    cpu.sort()
    p = lambda xs, q: xs[min(len(xs) - 1, int(q * len(xs)))] * 1000  # noqa: E731
    print(f"Understanding speed over {len(latencies)} messages (warm):")
    print(f"  throughput   {len(latencies) / wall:8.0f} messages/s (one core)")
    print(f"  wall latency p50 {p(latencies, 0.50):.3f} ms   p99 {p(latencies, 0.99):.3f} ms   max "
          f"{latencies[-1] * 1000:.3f} ms   mean {statistics.mean(latencies) * 1000:.3f} ms")
    print(f"  CPU time     p50 {p(cpu, 0.50):.3f} ms   p99 {p(cpu, 0.99):.3f} ms   (what the message itself costs; "
          "wall time on a shared machine adds other processes' turns)")
    cold = Understander(understander.content)
    t0 = time.perf_counter()
    cold_lat = []
    for text in texts:
        t1 = time.perf_counter()
        cold.understand(text)
        cold_lat.append(time.perf_counter() - t1)
    cold_lat.sort()
    print(f"  cold (first sight of every word): p99 {cold_lat[int(0.99 * len(cold_lat))] * 1000:.3f} ms, "
          f"total {(time.perf_counter() - t0) * 1000:.0f} ms")
    big = "помогите " * 12000
    t1 = time.perf_counter()
    understander.understand(big)
    print(f"  100 KB message: {(time.perf_counter() - t1) * 1000:.3f} ms")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--errors", action="store_true", help="list the misses")
    args = parser.parse_args()
    t0 = time.perf_counter()
    understander = Understander(load_content())
    print(f"Start-up (load + build index): {(time.perf_counter() - t0) * 1000:.0f} ms")
    queries = []
    for path in ALL_SETS:
        if not path.exists():
            continue
        batch = load_queries(path)
        queries.extend(batch)
        report = evaluate(understander, batch, name=path.name)
        print(format_report(report) + "\n")
        if args.errors:
            print("Misses (expected -> got, lang expected -> got):")
            for q, topic, lang in report.errors:
                print(f"  {q.get('topic')!s:>20} -> {topic!s:<20} {q['lang']}->{lang} [{q.get('style')}] "
                      f"{q['text'][:110]}")
            print()
    speed(understander, [q["text"] for q in queries])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
