"""Input sources. Each module has the same shape: constants naming its files, and `extract(path)`."""
