"""`digest serve`: a local preview that rebuilds on change and reloads the browser."""
