"""Line cleaning shared by every page kind: which lines are title, header, body, boilerplate or teaser.

`rules` (with the shipped `rules.yaml`) names boilerplate lines, `classify`
gives the rest jusText-like classes, `layout` and `header` find the article
and its header on generic pages, `teasers` reads listings, `title`, `dates`,
`brand` and `language` read single fields, and `labels` puts them together.
All pure.
"""
