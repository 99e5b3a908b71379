"""The HTML report of a run or a comparison, with its data files.

``write_run_report(result, out_dir)`` and ``write_compare_report(comparison, out_dir)`` write into
an existing, empty folder:

- ``report.html``: one self-contained file (charts embedded as PNG, inline CSS, no scripts, a
  Content-Security-Policy that forbids scripts and remote content). Executive summary first,
  then charts, then tables, then the trust panels (input warnings, Erlang A validity).
- CSV tables, ``report.xlsx`` (same tables + a live-formula cost model), the resolved scenario
  files under ``scenarios/`` and ``metadata.json`` (version, seed, replications, date, command).

The report is built by section: ``page`` (HTML blocks and the stylesheet), ``summary`` (the
executive summaries), ``sections`` (assumptions, warnings, validity, per-interval and cost
tables), ``files`` (data files and reproducibility), and one module per report (``run``,
``comparison``). Every string that comes from a scenario file is escaped (``page.esc``).
"""

from simulator.output.report.comparison import write_compare_report
from simulator.output.report.run import write_run_report

__all__ = ["write_compare_report", "write_run_report"]
