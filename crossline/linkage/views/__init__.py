"""Crossover pages: crossover.py (matrix, forces, entities, networks, feedback, runs) and
review.py (the review queue, undoing merges, the exclusion list, access requests)."""
