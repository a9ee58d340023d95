"""Power cut: real till processes completing sales (store services, no UI), killed with
SIGKILL at random moments; after each kill the store opens, `till verify` passes, every sale
is whole, numbering has no gap and balances equal the ledger. CI runs 25 kills
(TILL_POWER_CUT_ROUNDS); `python -m bench.power_cut` runs the full 200."""

from __future__ import annotations

import os
from pathlib import Path

from bench.power_cut import run


def test_sigkill_at_random_moments_never_leaves_a_damaged_store(tmp_path: Path) -> None:
    rounds = int(os.environ.get("TILL_POWER_CUT_ROUNDS", "25"))
    assert rounds >= 25, "at least 25 kills"
    figures = run(rounds, tmp_path)
    assert figures["rounds"] == rounds
    assert figures["sales"] >= rounds, "the workers sold before each kill"
    assert figures["ledger_entries"] > 0, "prepaid payments were being written too"
