"""Levers: one module per lever, and the registry that assembles them."""
