"""How report files leave the app: streamed as attachments that no cache keeps, read
through a session of the stream's own."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from typing import BinaryIO, TypeVar

from flask import Response, stream_with_context
from sqlalchemy.orm import Session

from lms.dbsession import database
from lms.downloads import attachment

T = TypeVar("T")
CHUNK_BYTES = 64 * 1024
CSV = "text/csv"  # Werkzeug adds "; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(filename: str, mimetype: str, body: Iterator[str] | Iterator[bytes]) -> Response:
    """A report file, streamed as it is made."""
    return attachment(stream_with_context(body), filename=filename, mimetype=mimetype)


def with_own_session(produce: Callable[[Session], Iterator[T]]) -> Iterator[T]:
    """What `produce` yields, read through a session that lives as long as the stream.

    The request's session is closed when the view returns, before the body is streamed, so a
    stream that used it would open a connection that nobody closes.
    """
    session = database().sessions()
    try:
        yield from produce(session)
    finally:
        session.close()


def file_chunks(write: Callable[[BinaryIO], object]) -> Iterator[bytes]:
    """Let `write` fill a temporary file (an XLSX must be finished before it can be read),
    then send it in chunks, so memory holds one chunk whatever the file's size."""
    with tempfile.TemporaryFile() as file:
        write(file)
        file.seek(0)
        while chunk := file.read(CHUNK_BYTES):
            yield chunk
