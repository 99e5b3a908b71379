"""How sure are we: the paired comparison repeated over draws of the uncertain inputs.

Outer loop: N draws of the uncertain inputs (``model.uncertain``) by Latin hypercube
(``scipy.stats.qmc.LatinHypercube``, seeded from the run seed through ``numpy.random.SeedSequence``),
one column per uncertain input path. A file maps a draw's quantile ``u`` through its own spec, so
an input given in the baseline file (a wage) takes the same value in every file that extends it.
Inner loop: the usual paired comparison (``compare.compare``, common random numbers) of the
drawn baseline with each drawn lever scenario, with the same simulation seed in every draw (so
draws differ by their inputs, not by their random streams).

Spread: the draws' saving means spread for two reasons, the inputs and the simulation's own noise.
The noise in one draw's mean is the replications' variance / R (within-draw); what the draws'
variance (between-draw) holds beyond that is the inputs' part. Which one dominates is said.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
from scipy.stats import qmc

from simulator.core.errors import ScenarioError
from simulator.model.scenario import Scenario
from simulator.model.uncertain import with_uncertain
from simulator.studies import finance
from simulator.studies.attribution import monthly_cost
from simulator.studies.compare import Comparison, compare

STUDY_STREAM = 0x5717D  # SeedSequence key of the Latin hypercube, apart from the simulation's streams
QUANTILES = (0.10, 0.50, 0.90)
METRICS = ("saving_month", "payback_month", "npv_3y", "roi_3y")
PAYBACK_WITHIN = (12, 36)


def lever_finance(saving_month: float, investment: float, discount_rate: float,
                  months: int = finance.MONTHS_3Y) -> dict[str, float]:
    """Payback month, NPV and ROI of a monthly saving as 36 equal months (``finance.constant_flows``):
    the figures of a draw whose scenario sets no business case (``draw_savings`` reads the draw's
    own cash flow from ``compare``).

    Payback is ``inf`` when it does not pay back within ``months``; ROI is ``nan`` without an
    investment.
    """
    flows = finance.constant_flows(saving_month, months)
    pb = finance.payback_month(flows, investment)
    return {"payback_month": math.inf if pb is None else float(pb),
            "npv_3y": finance.npv(flows, investment, discount_rate),
            "roi_3y": finance.roi(flows, investment)}


def uncertain_paths(scenarios: list[Scenario]) -> list[str]:
    """Every uncertain input path of the files, in the order first met (baseline first)."""
    out: list[str] = []
    for sc in scenarios:
        out += [p for p in sc.uncertain if p not in out]
    return out


def field_value(sc: Scenario, path: str) -> object:
    """The value at a dotted field path of a scenario (None when it has no such field)."""
    node: object = sc.model_dump(mode="python")
    try:
        for part in path.split("."):
            node = node[int(part)] if isinstance(node, list) else node[part]  # type: ignore[index]
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    return node


def share_baseline_inputs(baseline: Scenario, scenarios: list[Scenario]) -> list[Scenario]:
    """Lever scenarios that take the baseline's uncertain inputs they inherit.

    A lever file usually ``extends:`` a plain file, not the baseline with ranges; an input the
    baseline draws (a wage, a volume) must take the same value in the lever scenario, or the
    saving would compare two different centers. A lever scenario whose field holds the baseline's
    central value inherits the baseline's spec; one that sets a value of its own keeps it.
    """
    out = []
    for sc in scenarios:
        shared = {p: spec for p, spec in baseline.uncertain.items()
                  if p not in sc.uncertain and field_value(sc, p) == field_value(baseline, p)}
        out.append(with_uncertain(sc, {**shared, **sc.uncertain}) if shared else sc)
    return out


def latin_hypercube(draws: int, dims: int, seed: int) -> np.ndarray:
    """``draws`` x ``dims`` quantiles in (0, 1), one stratum per draw and input, reproducible."""
    if dims == 0:
        return np.full((draws, 0), 0.5)
    rng = np.random.default_rng(np.random.SeedSequence([seed, STUDY_STREAM]))
    return qmc.LatinHypercube(d=dims, seed=rng).random(draws)


def at_values(sc: Scenario, values: dict[str, float], label: str = "a draw") -> Scenario:
    """``sc`` with its uncertain inputs set to ``values`` (the paths it has), validated again.

    A value the field refuses is an error naming the field and where the value came from.
    """
    changes = {p: v for p, v in values.items() if p in sc.uncertain}
    if not changes:
        return sc
    try:
        return sc.with_changes(changes)
    except ScenarioError as exc:
        spec = sc.uncertain.get(exc.path)
        origin = f"; {label} of {spec.describe()} gave it: narrow the range or bound it with low/high" if spec else ""
        raise ScenarioError(exc.path, exc.value, exc.allowed + origin) from None


def check_ranges(files: list[Scenario]) -> None:
    """Every uncertain input at both extremes (``Uncertain.extremes``) is a valid value of its
    field: a range a field cannot take fails here, before any simulation, naming the field."""
    for sc in files:
        for p, spec in sc.uncertain.items():
            for end, value in zip(("low", "high"), spec.extremes()):
                at_values(sc, {p: value}, f"the {end} end")


def at_quantiles(sc: Scenario, u: dict[str, float], label: str = "a draw") -> Scenario:
    """``sc`` with each uncertain input at its own quantile ``u[path]``."""
    return at_values(sc, {p: float(spec.ppf(u[p])) for p, spec in sc.uncertain.items() if p in u}, label)


def draw_savings(comp: Comparison) -> list[dict]:
    """Per lever scenario of one comparison: the monthly saving (mean and replication variance),
    the investment and the draw's finance: payback, NPV and ROI of the draw's monthly cash flow
    (``studies.cashflow``: ramp, growth, inflation, attrition), as ``compare`` reports them."""
    out = []
    base = monthly_cost(comp.baseline)
    for res, row in zip(comp.results, comp.finance.to_dict("records")):
        per_rep = base - monthly_cost(res)
        out.append({"scenario": res.name, "saving_month": row["savings_month"],
                    "replication_variance": float(np.var(per_rep, ddof=1)) if len(per_rep) > 1 else math.nan,
                    "investment": row["investment"], "payback_month": float(row["payback_month"]),
                    "npv_3y": float(row["npv_3y"]), "roi_3y": float(row["roi_3y"])})
    return out


@dataclass
class Study:
    """The result of ``run_study``.

    Attributes:
        draws: one row per (draw, lever scenario): draw, scenario, the input values (one column per
            path, as drawn in the first file where it is uncertain), saving_month,
            replication_variance, investment, payback_month, npv_3y, roi_3y.
        summary: one row per (scenario, metric): p10, p50, p90 (over draws).
        payback: one row per scenario: share of draws paying back within 12 and 36 months.
        spread: one row per scenario: between-draw and noise variance of the monthly saving, the
            inputs' share, and which dominates.
        inputs: path -> the baseline's spec (else the first file's), described.
    """

    baseline: str
    scenarios: list[str]
    hold: str
    replications: int
    seed: int
    n_draws: int
    currency: str
    draws: pd.DataFrame
    summary: pd.DataFrame
    payback: pd.DataFrame
    spread: pd.DataFrame
    inputs: dict[str, str]
    tornado: pd.DataFrame | None = None
    sobol: pd.DataFrame | None = None

    def to_json_dict(self) -> dict:
        def num(x: object) -> float | None:
            x = float(x)  # type: ignore[arg-type]
            return None if math.isnan(x) or math.isinf(x) else x

        levers = {}
        for name in self.scenarios:
            s = self.summary[self.summary["scenario"] == name]
            p = self.payback[self.payback["scenario"] == name].iloc[0]
            v = self.spread[self.spread["scenario"] == name].iloc[0]
            levers[name] = {
                **{r.metric: {"p10": num(r.p10), "p50": num(r.p50), "p90": num(r.p90)} for r in s.itertuples()},
                **{f"p_payback_within_{m}": num(p[f"within_{m}"]) for m in PAYBACK_WITHIN},
                "spread": {"between_draw_variance": num(v.between_variance), "noise_variance": num(v.noise_variance),
                           "input_share": num(v.input_share), "dominant": v.dominant},
            }
        return {"baseline": self.baseline, "hold": self.hold, "draws": self.n_draws, "replications": self.replications,
                "seed": self.seed, "inputs": self.inputs, "levers": levers}


def summarise(draws: pd.DataFrame, scenarios: list[str], replications: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(quantiles per metric, payback probabilities, spread decomposition) of the draws."""
    summary, payback, spread = [], [], []
    for name in scenarios:
        d = draws[draws["scenario"] == name]
        for m in METRICS:
            x = d[m].to_numpy(float)
            x = x[~np.isnan(x)]
            # inverted_cdf: a quantile is a value some draw had (a payback month, or "never" = inf)
            q = np.quantile(x, QUANTILES, method="inverted_cdf") if len(x) else [math.nan] * 3
            summary.append({"scenario": name, "metric": m, "p10": q[0], "p50": q[1], "p90": q[2]})
        pb = d["payback_month"].to_numpy(float)
        payback.append({"scenario": name, **{f"within_{m}": float(np.mean(pb <= m)) for m in PAYBACK_WITHIN}})
        spread.append({"scenario": name, **decompose(d["saving_month"].to_numpy(float),
                                                     d["replication_variance"].to_numpy(float), replications)})
    return pd.DataFrame(summary), pd.DataFrame(payback), pd.DataFrame(spread)


def decompose(means: np.ndarray, within: np.ndarray, replications: int) -> dict:
    """Between-draw variance of the draw means = inputs' part + noise (within-draw variance / R)."""
    between = float(np.var(means, ddof=1)) if len(means) > 1 else math.nan
    noise = float(np.nanmean(within)) / replications if np.isfinite(within).any() else math.nan
    inputs = max(0.0, between - noise) if not math.isnan(between) else math.nan
    total = inputs + noise
    share = inputs / total if total > 0 else math.nan
    dominant = "inputs" if share > 0.5 else "simulation noise" if share <= 0.5 else "neither (no spread)"
    return {"between_variance": between, "noise_variance": noise, "input_variance": inputs,
            "input_share": share, "dominant": dominant}


@dataclass(frozen=True)
class Runs:
    """How every paired comparison of a study, a tornado or a Sobol run is made (``compare``):
    what is held, replications and seed (default: the baseline's), workers, progress callbacks."""

    hold: str = "staffing"
    replications: int | None = None
    seed: int | None = None
    workers: int | None = None
    progress: Callable[[int], None] | None = None
    phase: Callable[[str], None] | None = None

    def say(self, text: str) -> None:
        if self.phase is not None:
            self.phase(text)

    def compare(self, files: list[Scenario]) -> Comparison:
        """The paired comparison of ``files[0]`` (baseline) with the others, no attribution."""
        return compare(files[0], files[1:], hold=self.hold, replications=self.replications, seed=self.seed,
                       workers=self.workers, progress=self.progress, attribution=False)


def setup(baseline: Scenario, scenarios: list[Scenario], runs: Runs) -> tuple[Runs, list[Scenario], list[str]]:
    """(runs with the baseline's replications and seed filled in, files, uncertain paths): the
    lever files take the baseline's inherited ranges, and every range is checked at both ends."""
    files = [baseline, *share_baseline_inputs(baseline, scenarios)]
    check_ranges(files)
    runs = dataclasses.replace(runs, replications=runs.replications or baseline.replications,
                               seed=baseline.seed if runs.seed is None else runs.seed)
    return runs, files, uncertain_paths(files)


def run_study(baseline: Scenario, scenarios: list[Scenario], draws: int = 20, runs: Runs = Runs()) -> Study:
    """Draw the uncertain inputs ``draws`` times and compare the drawn scenarios in each draw."""
    runs, files, paths = setup(baseline, scenarios, runs)
    u = latin_hypercube(draws, len(paths), runs.seed)
    rows = []
    for i in range(draws):
        q = dict(zip(paths, u[i]))
        label = f"draw {i + 1}"
        runs.say(f"{label}/{draws}")
        drawn = [at_quantiles(sc, q, label) for sc in files]
        values = {p: _value(files, drawn, p) for p in paths}
        rows += [{"draw": i + 1, **values, **r} for r in draw_savings(runs.compare(drawn))]
    frame = pd.DataFrame(rows)
    names = [sc.name for sc in scenarios]
    summary, payback, spread = summarise(frame, names, runs.replications)
    inputs = {p: next(sc.uncertain[p] for sc in files if p in sc.uncertain).describe() for p in paths}
    return Study(baseline.name, names, runs.hold, runs.replications, runs.seed, draws, baseline.currency, frame, summary,
                 payback, spread, inputs)


def _value(files: list[Scenario], drawn: list[Scenario], path: str) -> float:
    """The value a path took in a draw: in the first file where it is uncertain (baseline first)."""
    for sc in (d for f, d in zip(files, drawn) if path in f.uncertain):
        value = field_value(sc, path)
        if isinstance(value, (int, float)):
            return float(value)
    return math.nan


__all__ = ["METRICS", "Runs", "PAYBACK_WITHIN", "QUANTILES", "Study", "at_quantiles", "at_values", "check_ranges", "decompose",
           "field_value", "latin_hypercube", "lever_finance", "run_study", "setup", "share_baseline_inputs", "summarise", "uncertain_paths"]
