"""Data functions. Each takes a `Session` it does not own; the caller decides the transaction."""
