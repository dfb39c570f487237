"""Template learning: a site's recurring lines (`template`) and the store that counts them (`sitestore`)."""
