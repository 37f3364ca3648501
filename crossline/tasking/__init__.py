"""National and regional tasking of lines to owners, local priority nominations, the tasking meeting pack.

Depends on linkage (a tasking is for line entities), returns, organisations, compliance (the
notices people read in the service) and audit; reads assessment's scores where it is installed.
"""
