"""Bringing articles in from the web: pages, saved HTML, feeds and WARC crawls become
Markdown files with front matter in a corpus folder (`broadsheet add`)."""
