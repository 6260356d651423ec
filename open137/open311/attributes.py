"""A subject's extra questions as Open311 service attributes: the definitions and checks
live in directory.questions, shared with the desk and the portal."""

from open137.directory.questions import (
    DATATYPES,
    LISTS,
    MAX_STRING,
    MAX_TEXT,
    Question,
    answer,
    localized,
    questions,
)

__all__ = ["DATATYPES", "LISTS", "MAX_STRING", "MAX_TEXT", "Question", "answer", "localized",
           "questions"]
