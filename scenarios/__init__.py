"""The example scenarios, kept once here and shipped inside the package as ``simulator.examples``
(``ccsim init`` copies them; see pyproject.toml, ``[tool.setuptools.package-dir]``)."""
