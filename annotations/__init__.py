"""Broadsheet's core: articles, the label schema, span annotations, the store and export.

A plain library with no user interface: a script or a notebook can use it as the
terminal app does. It must never import textual (a test keeps it so).
"""

# The names below load their modules when first used (PEP 562), so that importing one
# module of the package (the app imports annotations.articles first) does not load them all.
_WHERE = {
    "Article": "articles",
    "ArticleError": "articles",
    "Corpus": "articles",
    "load_article": "articles",
    "load_corpus": "articles",
    "open_corpus": "articles",
    "ExportSelection": "export",
    "exported_articles": "export",
    "write_jsonl": "export",
    "Annotation": "model",
    "default_annotator": "model",
    "Label": "schema",
    "LabelSchema": "schema",
    "SchemaError": "schema",
    "load_schema": "schema",
    "ArticleChangedError": "store",
    "Change": "store",
    "DatabaseLocked": "store",
    "Step": "store",
    "Store": "store",
    "StoreError": "store",
}


def __getattr__(name: str) -> object:
    if name not in _WHERE:
        raise AttributeError(f"module 'annotations' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{_WHERE[name]}", __name__), name)


__all__ = list(_WHERE)
