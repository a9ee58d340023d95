"""Small helpers the benchmarks share."""

from __future__ import annotations


def percentile(values: list[float], pct: float) -> float:
    """The `pct` percentile of `values`, linear between closest ranks."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def verdict(ratio: float, target: float) -> str:
    """PASS when `ratio` is within `target`."""
    return "PASS" if ratio <= target else "MISS"
