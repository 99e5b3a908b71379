"""The what-if page (``ccsim app``): a local Streamlit page where a manager moves levers.

``state`` is the page's logic without Streamlit (the scenario folder, the knobs and their schema
bounds, the two scenarios a choice makes, where an error goes); ``runner`` runs the comparison
off the page's thread with a cancel flag and a cache shared by exact key; ``page`` is the
Streamlit script (imported only by ``streamlit run``). Figures come from
``simulator.studies.compare.compare`` and the comparison report, as for ``ccsim compare``.
"""
