"""Reading a per-call log into columns of numbers, checking every row on the way.

The file is read in chunks of :data:`CHUNK_ROWS` rows, and each chunk is reduced at once to a few
numeric arrays (about 60 bytes a call), so memory grows with the calls kept, not with the width
or the text of the export. Every problem is one line naming the file, the line, the column, the
value and the rule; nothing is guessed or silently dropped (except rows the layout says to skip,
which are counted).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.calibrate.columns import ANY, EMPTY, ColumnMap
from simulator.core.errors import InputFileError

CHUNK_ROWS = 200_000
MAX_SECONDS = 1e7  # a duration above ~116 days is a unit mistake (milliseconds?), not a call


@dataclass
class CallLog:
    """One entry per kept call, sorted by arrival. Times are wall-clock seconds since 1970."""

    arrival_s: np.ndarray
    queue: np.ndarray  # index into ``queues``
    queues: list[str]
    wait_s: np.ndarray
    answered: np.ndarray  # bool
    handle_s: np.ndarray  # NaN for abandoned calls
    caller: np.ndarray | None  # 64-bit hash of the caller id, or None without the column
    group: np.ndarray | None  # index into ``groups`` (-1: none), or None without the column
    groups: list[str]
    skipped_rows: int
    source: str

    def __len__(self) -> int:
        return len(self.arrival_s)

    def subset(self, keep: np.ndarray) -> "CallLog":
        """The calls where ``keep`` is true (e.g. the first weeks, for a back-test)."""
        pick = (lambda a: None if a is None else a[keep])  # noqa: E731
        return CallLog(self.arrival_s[keep], self.queue[keep], self.queues, self.wait_s[keep], self.answered[keep],
                       self.handle_s[keep], pick(self.caller), pick(self.group), self.groups, self.skipped_rows, self.source)


def read_call_log(path: str | Path, layout: ColumnMap, timezone: str | None = None) -> CallLog:
    """Read and check ``path`` with ``layout``; raise InputFileError naming the row and column."""
    p = Path(path)
    name = p.name
    if timezone is not None:
        try:
            pd.Timestamp(0, tz="UTC").tz_convert(timezone)
        except Exception:  # noqa: BLE001 - pytz and zoneinfo raise different errors for an unknown zone
            raise InputFileError(f"--timezone must be a time zone name such as Europe/Paris or America/Chicago (got {timezone!r})") from None
    header = read_header(p)
    layout = layout.without_absent(header)
    missing = [c for c in layout.needed() if c not in header]
    if missing:
        field = next(f for f in layout.columns if missing[0] in layout.parts(f))
        shown = ", ".join(header[:12]) + (", ..." if len(header) > 12 else "")
        raise InputFileError(f"{name}: column '{missing[0]}' (field {field}) not found; the header has: {shown}"
                             + (f" (preset {layout.preset})" if layout.preset else " (map it with --column FIELD=Column)"))
    acc = _Accumulator(name, layout, timezone)
    try:
        reader = pd.read_csv(p, usecols=layout.needed(), dtype=str, keep_default_na=False, chunksize=CHUNK_ROWS,
                             encoding="utf-8-sig", skip_blank_lines=False, engine="c")
        first_line = 2
        for chunk in reader:
            acc.add(chunk, first_line)
            first_line += len(chunk)
    except UnicodeDecodeError:
        raise InputFileError(f"{name} line {bad_utf8_line(p)} is not valid UTF-8 text (save the export as UTF-8 CSV)") from None
    except pd.errors.ParserError as exc:
        raise InputFileError(f"{name}: malformed CSV ({str(exc).splitlines()[0][:120]})") from None
    return acc.finish(str(p))


def read_header(p: Path) -> list[str]:
    try:
        with p.open("rb") as fh:
            raw = fh.readline()
            second = fh.readline()
    except FileNotFoundError:
        raise InputFileError(f"call log not found: {p}") from None
    except IsADirectoryError:
        raise InputFileError(f"call log path is a folder, expected a CSV file: {p}") from None
    except OSError as exc:
        raise InputFileError(f"cannot read call log {p}: {exc.__class__.__name__}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputFileError(f"{p.name} line 1 is not valid UTF-8 text (save the export as UTF-8 CSV)") from None
    if not text.strip():
        raise InputFileError(f"{p.name} is empty: expected a header row and one row per call")
    if not second.strip():
        raise InputFileError(f"{p.name} has a header but no calls: expected one row per call after it")
    return [h.strip() for h in next(csv.reader([text]))]


def bad_utf8_line(p: Path) -> int:
    with p.open("rb") as fh:
        for n, raw in enumerate(fh, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return n
    return 1


class _Accumulator:
    """Checks chunks and keeps their numeric columns."""

    def __init__(self, name: str, layout: ColumnMap, timezone: str | None) -> None:
        self.name, self.layout, self.tz = name, layout, timezone
        self.parts: dict[str, list[np.ndarray]] = {k: [] for k in ("arrival", "queue", "wait", "answered", "handle", "caller", "group", "key", "line")}
        self.queues: dict[str, int] = {}
        self.groups: dict[str, int] = {}
        self.skipped = 0

    def _fail(self, lines: np.ndarray, bad: np.ndarray, column: str, values: pd.Series, rule: str) -> None:
        i = int(np.flatnonzero(bad)[0])
        raise InputFileError(f"{self.name} line {int(lines[i])}, column '{column}' must be {rule} (got {values.iloc[i]!r})")

    def add(self, chunk: pd.DataFrame, first_line: int) -> None:
        lay = self.layout
        lines = np.arange(first_line, first_line + len(chunk))
        cells = {c: chunk[c].str.strip() for c in lay.needed()}
        blank = np.all([cells[c].to_numpy() == "" for c in lay.needed()], axis=0)
        self.parts["key"].append(_row_keys(chunk, lay)[~blank])
        self.parts["line"].append(lines[~blank])
        outcome = np.where(blank, "skip", self._outcomes(cells, lines, blank))
        keep = outcome != "skip"
        if lay.skip_empty_queue:
            keep &= cells[lay.parts("queue")[0]].to_numpy() != ""
        self.skipped += int((~keep).sum() - blank.sum())
        cells = {c: v[keep] for c, v in cells.items()}
        lines, outcome = lines[keep], outcome[keep]
        answered = outcome == "answered"
        self.parts["arrival"].append(self._times(cells, lines))
        self.parts["queue"].append(self._codes(cells, lines, "queue", self.queues, required=True))
        self.parts["wait"].append(self._seconds(cells, lines, "wait_seconds", np.ones(len(lines), bool)))
        self.parts["handle"].append(np.where(answered, self._seconds(cells, lines, "handle_seconds", answered), np.nan))
        self.parts["answered"].append(answered)
        if lay.parts("caller_id"):
            col = lay.parts("caller_id")[0]
            self.parts["caller"].append(pd.util.hash_pandas_object(cells[col], index=False).to_numpy())
        if lay.parts("agent_group"):
            self.parts["group"].append(self._codes(cells, lines, "agent_group", self.groups, required=False))

    def _outcomes(self, cells: dict[str, pd.Series], lines: np.ndarray, blank: np.ndarray) -> np.ndarray:
        col = self.layout.parts("outcome")[0]
        values = cells[col]
        omap = self.layout.outcome_map
        lookup = {v: omap.get(v, omap.get(EMPTY) if v == "" else omap.get(ANY)) for v in values.unique()}
        mapped = values.map(lookup).to_numpy(dtype=object)
        bad = pd.isna(mapped) & ~blank
        if bad.any():
            named = ", ".join(k for k in omap if k not in (EMPTY, ANY))
            self._fail(lines, bad, col, values, f"one of {named} (map others with --outcome VALUE=answered|abandoned|skip)")
        return np.where(blank, "skip", mapped).astype(str)

    def _times(self, cells: dict[str, pd.Series], lines: np.ndarray) -> np.ndarray:
        cols = self.layout.parts("arrival_time")
        text = cells[cols[0]] if len(cols) == 1 else cells[cols[0]].str.cat([cells[c] for c in cols[1:]], sep=" ")
        fmt = self.layout.time_format or "ISO8601"
        try:
            t = pd.to_datetime(text, format=fmt, errors="coerce")
        except (ValueError, TypeError):  # offsets that differ between rows: read all in UTC
            try:
                t = pd.to_datetime(text, format=fmt, errors="coerce", utc=True)
            except (ValueError, TypeError):
                raise InputFileError(f"--time-format must be a strftime format such as %d/%m/%Y %H:%M (got {fmt!r})") from None
        if getattr(t.dt, "tz", None) is not None:
            t = t.dt.tz_convert(self.tz or "UTC").dt.tz_localize(None)
        bad = t.isna().to_numpy()
        if bad.any():
            rule = f"a timestamp like {'2024-03-04T09:30:00' if fmt == 'ISO8601' else fmt}"
            self._fail(lines, bad, "+".join(cols), text, rule)
        return t.to_numpy(dtype="datetime64[ns]").astype(np.int64) / 1e9

    def _seconds(self, cells: dict[str, pd.Series], lines: np.ndarray, field: str, needed: np.ndarray) -> np.ndarray:
        cols = self.layout.parts(field)
        total = np.zeros(len(lines))
        given = np.zeros(len(lines), bool)
        for c in cols:
            x = pd.to_numeric(cells[c], errors="coerce").to_numpy(dtype=float)
            empty = cells[c].to_numpy() == ""
            bad = needed & ~empty & (~np.isfinite(x) | (x < 0) | (x > MAX_SECONDS))
            if bad.any():
                self._fail(lines, bad, c, cells[c], f"a number of seconds between 0 and {MAX_SECONDS:g}")
            total += np.where(empty | ~needed, 0.0, x)
            given |= ~empty
        missing = needed & ~given
        if missing.any():
            what = "answered calls" if field == "handle_seconds" else "every call"
            self._fail(lines, missing, "+".join(cols), cells[cols[0]], f"a number of seconds for {what}")
        return total

    def _codes(self, cells: dict[str, pd.Series], lines: np.ndarray, field: str, names: dict[str, int], required: bool) -> np.ndarray:
        col = self.layout.parts(field)[0]
        values = cells[col]
        empty = values.to_numpy() == ""
        if required and empty.any():
            self._fail(lines, empty, col, values, "a queue name (every call entered a queue)")
        codes, uniques = pd.factorize(values)
        table = np.array([names.setdefault(u, len(names)) if u != "" else -1 for u in uniques], dtype=np.int32)
        return table[codes] if len(table) else np.zeros(0, np.int32)

    def finish(self, source: str) -> CallLog:
        cat = {k: (np.concatenate(v) if v else None) for k, v in self.parts.items()}
        _check_duplicates(self.name, cat["key"], cat["line"], self.layout)
        if cat["arrival"] is None or len(cat["arrival"]) == 0:
            raise InputFileError(f"{self.name}: no calls left after skipping {self.skipped} rows (outcome 'skip' or no queue)")
        order = np.argsort(cat["arrival"], kind="stable")
        return CallLog(
            arrival_s=cat["arrival"][order], queue=cat["queue"][order], queues=list(self.queues),
            wait_s=cat["wait"][order], answered=cat["answered"][order], handle_s=cat["handle"][order],
            caller=cat["caller"][order] if cat["caller"] is not None else None,
            group=cat["group"][order] if cat["group"] is not None else None, groups=list(self.groups),
            skipped_rows=self.skipped, source=source,
        )


def _row_keys(chunk: pd.DataFrame, layout: ColumnMap) -> np.ndarray:
    """A 64-bit hash per row: of the call id when the log has one, else of every column read."""
    cols = layout.parts("call_id") or layout.needed()
    return pd.util.hash_pandas_object(chunk[cols], index=False).to_numpy()


def _check_duplicates(name: str, keys: np.ndarray | None, lines: np.ndarray | None, layout: ColumnMap) -> None:
    if keys is None or len(keys) < 2:
        return
    order = np.argsort(keys, kind="stable")
    same = keys[order][1:] == keys[order][:-1]
    if not same.any():
        return
    later = order[1:][same]
    first_of = order[:-1][same]
    i = int(np.argmin(lines[later]))
    what = f"the same {layout.parts('call_id')[0]}" if layout.parts("call_id") else "every column the same"
    raise InputFileError(f"{name} line {int(lines[later][i])} duplicates line {int(lines[first_of][i])} ({what}); "
                         "remove the repeated row (if they are distinct calls, add a call_id column)")
