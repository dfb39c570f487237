"""Rendering: markdown bodies, HTML pages through Jinja2, and feeds."""
