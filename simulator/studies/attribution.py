"""Attribution of a combined scenario's saving to its levers, by Shapley values.

The players are the changes the combined scenario makes to the baseline: each entry of
``levers`` that differs, plus every other top-level field that differs (for example ``agents``
when the scenario re-routes or re-groups agents). The value of a coalition ``S`` is the monthly
total-cost saving of the baseline with only the changes in ``S`` applied, paired replication by
replication with the baseline (common random numbers). A player's Shapley value is its marginal
saving averaged over every order in which the changes could be introduced, so it does not depend
on the order in which levers are listed, and the values add up to the saving of the full set.

With more than ``EXACT_MAX_PLAYERS`` players the 2^L coalitions are too many; the values are then
estimated from random orderings and their reverses (antithetic permutation sampling, fixed seed,
about ``MAX_COALITIONS`` coalition runs), which is unbiased and still order-free. Coalition runs
use fewer replications and days than the main comparison (there are up to 2^L of them); the
gap between the full coalition's saving and the main run's saving is reported as a separate
``residual`` so the waterfall closes. Method: docs/compare.md.
"""

from __future__ import annotations

import itertools
import math
from concurrent.futures import Executor
from typing import Callable, Iterable

import numpy as np
import pandas as pd

from simulator.analysis.costs import horizon_days
from simulator.model.scenario import Scenario
from simulator.studies.batch import close_pool, simulate_runs, study_pool
from simulator.studies.staff_cache import StaffToTarget
from simulator.analysis.stats import mean_ci

EXACT_MAX_PLAYERS = 5
MAX_COALITIONS = 64  # simulation budget of the sampled method (about one exact run of 6 levers)
# business_case only says how the cash flow reads the simulated days: it changes no simulated cost.
_IGNORED_FIELDS = {"name", "description", "seed", "replications", "source", "business_case"}


def changed_players(baseline: Scenario, scenario: Scenario) -> list[str]:
    """The changes ``scenario`` makes to ``baseline``: lever names, then other top-level fields."""
    return changed_fields(baseline.model_dump(mode="python"), scenario.model_dump(mode="python"))


def changed_fields(baseline: dict, scenario: dict) -> list[str]:
    """``changed_players`` on two scenarios' ``model_dump(mode="python")``."""
    levers = [k for k in scenario["levers"] if scenario["levers"][k] != baseline["levers"].get(k)]
    others = [k for k in scenario if k not in _IGNORED_FIELDS and k != "levers" and scenario[k] != baseline.get(k)]
    return levers + others


def coalition_scenario(baseline: Scenario, scenario: Scenario, players: Iterable[str]) -> Scenario:
    """The baseline with only the listed changes of ``scenario`` applied."""
    players = list(players)
    s = scenario.model_dump(mode="python")
    changes: dict[str, object] = {}
    for p in players:
        if p in s["levers"] and p not in s:
            changes[f"levers.{p}"] = s["levers"][p]
        else:
            changes[p] = s[p]
    name = baseline.name + (" + " + " + ".join(players) if players else "")
    changes["name"] = name if len(name) <= 120 else f"{baseline.name[:80]} + {len(players)} changes"
    return baseline.with_changes(changes)


def shapley_values(
    players: list[str],
    value: Callable[[frozenset[str]], np.ndarray],
    *,
    exact_max: int = EXACT_MAX_PLAYERS,
    max_coalitions: int = MAX_COALITIONS,
    seed: int = 0,
) -> tuple[dict[str, np.ndarray], str, int]:
    """Shapley value of each player (arrays: one value per replication, paired).

    ``value(S)`` returns the coalition's value per replication; ``value(frozenset())`` is the
    reference (usually zeros). Returns the values, the method used and the coalitions evaluated.
    """
    cache: dict[frozenset[str], np.ndarray] = {}

    def v(s: frozenset[str]) -> np.ndarray:
        if s not in cache:
            cache[s] = np.asarray(value(s), dtype=float)
        return cache[s]

    n = len(players)
    phi: dict[str, np.ndarray] = {}
    if n <= exact_max:
        for p in players:
            others = [q for q in players if q != p]
            total = 0.0
            for k in range(len(others) + 1):
                weight = math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n)
                for combo in itertools.combinations(others, k):
                    s = frozenset(combo)
                    total = total + weight * (v(s | {p}) - v(s))
            phi[p] = np.asarray(total, dtype=float)
        return phi, "exact Shapley over all coalitions", len(cache)
    # Antithetic pairs: each random order and its reverse, which cancels much of the sampling noise.
    pairs = max(1, max_coalitions // (2 * max(1, n - 1)))
    rng = np.random.default_rng(seed)
    orders = []
    for _ in range(pairs):
        order = [players[i] for i in rng.permutation(n)]
        orders += [order, order[::-1]]
    permutations = len(orders)
    sums = {p: 0.0 for p in players}
    for order in orders:
        s: frozenset[str] = frozenset()
        for p in order:
            nxt = s | {p}
            sums[p] = sums[p] + (v(nxt) - v(s))
            s = nxt
    phi = {p: np.asarray(sums[p], dtype=float) / permutations for p in players}
    return phi, f"Shapley by permutation sampling ({permutations} orders: {pairs} random ones and their reverses, seed {seed})", len(cache)


def monthly_cost(result) -> np.ndarray:  # noqa: ANN001 - a SimulationResult
    """Per-replication total cost scaled to one month of working days."""
    days = horizon_days(result.plan)
    return result.replications["total_cost"].to_numpy(dtype=float) * result.scenario.costs.working_days_per_month / days


def attribute(
    baseline: Scenario,
    scenario: Scenario,
    *,
    hold: str = "staffing",
    replications: int = 5,
    days: int = 2,
    seed: int | None = None,
    workers: int = 1,
    full_saving_month: float | None = None,
    executor: Executor | None = None,
) -> tuple[pd.DataFrame, dict]:
    """Shapley attribution of ``scenario``'s monthly saving over ``baseline`` to its changes.

    Coalitions are simulated with ``replications`` replications of ``days`` days (same seed:
    common random numbers). Under ``hold="service"`` each coalition is re-staffed to the service
    target first. Returns one row per change (scenario, lever, contribution_month, ci95_low,
    ci95_high, share) plus, when ``full_saving_month`` is given, a row ``residual`` closing the gap
    to it; and a dict of metadata (method, coalitions, replications, days).

    The coalitions the method needs do not depend on their values, so they are listed first and
    then staffed and simulated together (on ``executor``, a study's pool, when given).
    """
    if executor is None and workers > 1:  # a pool of its own for its coalitions
        pool = study_pool(workers)
        try:
            return attribute(baseline, scenario, hold=hold, replications=replications, days=days, seed=seed,
                             workers=workers, full_saving_month=full_saving_month, executor=pool)
        finally:
            close_pool(pool, interrupted=False)
    seed = baseline.seed if seed is None else seed
    players = changed_players(baseline, scenario)
    short_days = max(1, min(days, baseline.horizon.days))

    def shortened(sc: Scenario) -> Scenario:
        return sc.with_changes({"horizon.days": max(1, min(short_days, sc.horizon.days))})

    budget = MAX_COALITIONS if hold != "service" else MAX_COALITIONS // 3  # each service coalition is optimized
    options = {"seed": seed, "max_coalitions": budget, "exact_max": EXACT_MAX_PLAYERS if hold != "service" else 4}
    needed: list[frozenset[str]] = [frozenset()]  # the baseline first: its staffing starts the others' search

    def listing(s: frozenset[str]) -> np.ndarray:
        needed.append(s)
        return np.zeros(replications)

    shapley_values(players, listing, **options)
    coalitions = list(dict.fromkeys(needed))
    scenarios = [shortened(coalition_scenario(baseline, scenario, sorted(c, key=players.index))) for c in coalitions]
    if hold == "service":
        staff = StaffToTarget(seed, workers, executor, replications=min(3, replications), max_iterations=6)
        staff.solve(scenarios)
        runs = [staff(sc)[:2] for sc in scenarios]
    else:
        runs = [(sc, None) for sc in scenarios]
    cost = {c: monthly_cost(res) for c, res in zip(coalitions, simulate_runs(runs, replications, seed, executor))}

    def value(s: frozenset[str]) -> np.ndarray:
        return cost[frozenset()] - cost[s] if s else np.zeros(replications)

    phi, method, evaluated = shapley_values(players, value, **options)
    total = float(np.sum([np.mean(v) for v in phi.values()])) if phi else 0.0
    rows = []
    for p in players:
        m, lo, hi = mean_ci(phi[p])
        rows.append({"scenario": scenario.name, "lever": p, "contribution_month": m, "ci95_low": lo, "ci95_high": hi,
                     "share": m / total if total else math.nan})
    if full_saving_month is not None and players:
        rows.append({"scenario": scenario.name, "lever": "residual", "contribution_month": full_saving_month - total,
                     "ci95_low": math.nan, "ci95_high": math.nan, "share": math.nan})
    meta = {
        "method": method,
        "players": players,
        "coalitions_simulated": evaluated,  # the empty coalition is the baseline run
        "replications": replications,
        "days": short_days,
        "hold": hold,
        "attributed_month": total,
        "residual_note": "residual = main-run monthly saving - sum of contributions from the shorter coalition runs",
    }
    return pd.DataFrame(rows), meta


__all__ = ["changed_fields", "changed_players", "coalition_scenario", "shapley_values", "attribute", "monthly_cost", "EXACT_MAX_PLAYERS"]
