"""The numerical core: cost graph, flows, gauge, the Laplacian and its solver, thread pool, limits.

Everything here works on arrays and on :class:`~graphbal._core.costgraph.CostGraph`;
nothing here imports from the rest of graphbal except :mod:`graphbal.errors`.
"""
