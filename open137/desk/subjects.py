"""Finding a subject as the operator types: the directory's search, shared with the portal."""

from open137.directory.search import find_subjects, search_subjects

__all__ = ["find_subjects", "search_subjects"]
