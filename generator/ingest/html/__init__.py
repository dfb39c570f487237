"""HTML input: a page's bytes → the same article and teaser drafts as text ingest.

detect tells HTML from text, fragment turns HTML into body markdown, and the
page module puts extraction, metadata, rules and teasers together.
"""
