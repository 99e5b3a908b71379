"""The output layer: what a run or a comparison looks like to a reader.

``report`` (the HTML report, by section), ``charts`` (the only drawing code), ``export`` (CSV,
workbook, resolved scenarios, metadata), ``fmt`` (the one way figures are written) and ``labels``
(levers in words).
"""
