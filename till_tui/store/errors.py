"""Errors the store raises, importable by screens without pulling in the database layer."""


class StoreError(Exception):
    """A database problem, with a message a cashier or a technician can act on."""
