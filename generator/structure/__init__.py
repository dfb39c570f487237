"""Structure: entries arranged into the digest's issues, sources, tags and URLs."""
