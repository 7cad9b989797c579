"""Broadsheet's core: articles, the label schema, span annotations, the store and export.

A plain library with no user interface: a script or a notebook can use it as the
terminal app does. It must never import textual (a test keeps it so).
"""

from .articles import Article, ArticleError, Corpus, load_article, load_corpus
from .export import ExportSelection, exported_articles, write_jsonl
from .model import Annotation, default_annotator
from .schema import Label, LabelSchema, SchemaError, load_schema
from .store import ArticleChangedError, Change, DatabaseLocked, Step, Store, StoreError

__all__ = [
    "Annotation",
    "Article",
    "ArticleChangedError",
    "ArticleError",
    "Change",
    "Step",
    "Corpus",
    "DatabaseLocked",
    "Label",
    "LabelSchema",
    "SchemaError",
    "Store",
    "StoreError",
    "default_annotator",
    "ExportSelection",
    "exported_articles",
    "load_article",
    "load_corpus",
    "load_schema",
    "write_jsonl",
]
