"""Crossover: the same deal line, person, place and vehicle recognised across forces' returns.

    engine/      pure computation: records as identities, deterministic and Splink links,
                 constrained clustering, evaluation (no database writes)
    runs.py      a resolution run, full or for one new return; tasks.py enqueues the latter
    store.py     a run's clusters written as entities, members and links (only what changed)
    services.py  analysts' decisions, undoing merges, the exclusion list, access requests, models
    selectors.py reads scoped by need to know; crossover.py the matrices and a line's network
    views/       the pages; management/commands: resolve, evaluate, export
    models/      the Splink models shipped (trained on synthetic data, seed 11)
"""
