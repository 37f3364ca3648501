"""Synthetic county lines data: a reproducible national picture written as national returns
(format v1), with its ground truth, for demos, tests and linkage and ingest benchmarks.

Everything in it is made up: Faker en_GB names, phone numbers from Ofcom's drama range and
unallocated blocks (see identifiers.py), invented PNC serials, registrations, sectors and units
of real postcode districts. Entry points: generate.py (`generate_world`, `write_returns`),
bulk.py (`write_single_return`), writers.py (`write_return` from plain dicts), and
`python -m crossline.synthetic`.
"""
