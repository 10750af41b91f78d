"""Opening an uploaded zip (an .xlsx or .docx is one) at a bounded cost.

A few hundred kilobytes of zip can inflate to gigabytes. The sizes a zip declares bound what
Python's ``zipfile`` will ever inflate from it (it stops each member at its declared size), so
checking the declarations before anything is read bounds the whole cost.
"""

from __future__ import annotations

import io
import zipfile


class ArchiveTooLarge(ValueError):
    """The archive holds more, or more members, than the caller reads."""


def bounded_zip(data: bytes, *, max_unpacked: int, max_members: int = 2_000) -> zipfile.ZipFile:
    """The archive in ``data``, once its members add up to at most ``max_unpacked`` bytes.
    Raises ``zipfile.BadZipFile`` when it is not a zip, ``ArchiveTooLarge`` beyond the bounds."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except ValueError as error:  # a damaged central directory
        raise zipfile.BadZipFile(str(error)) from None
    if len(members) > max_members or sum(m.file_size for m in members) > max_unpacked:
        archive.close()
        raise ArchiveTooLarge
    return archive
