"""A subject's extra questions, asked in the chat with the same rules as everywhere else.

The one place this channel reads them from, so that following them to another module is
a change of this import only.
"""

from open137.open311.attributes import LISTS, Question, answer, localized, questions

__all__ = ["LISTS", "Question", "answer", "localized", "questions"]
