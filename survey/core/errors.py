"""What a staff action can be refused with. Every service raises a ``Refusal`` (or a subclass)
with the reason in the staff's words; one helper of the web layer turns any of them into a
message on the page, and the shell prints it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class Refusal(Exception):
    """An action that is not allowed now. ``problems`` lists every reason when there are several
    (an import, an uploaded list); ``message`` is them all on one line."""

    def __init__(self, message: str = "", problems: Sequence[Any] = ()) -> None:
        self.problems: list[Any] = list(problems)
        self.message = str(message) or "\n".join(str(p) for p in self.problems)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class MalformedPost(Exception):
    """A post no form of ours produces (an unknown field or option, a forged token): refused
    with 400, never a 500."""
