"""Course packs as zip files: the download HR keeps, the upload that becomes a draft. Pure.

A zip holds the pack's files in one folder named after the course, byte for byte what
`lms courses export` writes. An upload is read without extracting anything to disk, and
refused when it is too big, holds too many files, names a path outside its folder or a link,
or inflates past its limits (whatever its headers claim).
"""

from __future__ import annotations

import io
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from lms.courses.packs import CoursePack, PackError, pack_files, read_pack_files
from lms.messages import N_, Message

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the same pack always gives the same zip
MAX_MEMBERS = 500  # files of a pack
MAX_ENTRIES = 1000  # everything the zip lists: files, folders and what archivers add
MAX_FILE_BYTES = 1_048_576  # one file inflated; a long lesson is some 30 KB
MAX_RATIO = 200  # inflated bytes per packed byte; text packs at about 3, zip bombs at 1000
CHUNK_BYTES = 64 * 1024
END_RECORD = b"PK\x05\x06"
END_RECORD_SIZE = 22
LOCAL_HEADER = b"PK\x03\x04"
LOCAL_HEADER_SIZE = 30
IGNORED = ("__MACOSX/", ".DS_Store")  # what archivers add on their own


class ZipRefused(PackError):
    """A zip refused before its pack is read: `problems` in English, as every PackError has
    them (the CLI and logs), and the same as `messages` for the page to translate."""

    def __init__(self, messages: list[Message]) -> None:
        super().__init__([str(message) for message in messages])
        self.messages = messages


def pack_zip(pack: CoursePack) -> bytes:
    """The pack's canonical files in a zip, under a folder named after the course."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(pack_files(pack).items()):
            info = zipfile.ZipInfo(f"{pack.slug}/{name}", date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def files_from_zip(
    data: bytes,
    *,
    max_bytes: int,
    max_members: int = MAX_MEMBERS,
    max_file_bytes: int = MAX_FILE_BYTES,
) -> dict[str, bytes]:
    """The files of a zipped pack, by path inside the pack folder; PackError if unsafe.

    Nothing a zip says about itself is trusted: each file is inflated in chunks and counted
    as it comes, so memory holds at most `max_file_bytes` more than the pack itself.
    """
    if len(data) > max_bytes:
        raise ZipRefused([N_("the file is larger than %(size)s", size=_size(max_bytes))])
    listed = _listed_entries(data)
    if listed is not None and listed > MAX_ENTRIES:
        raise ZipRefused(
            [
                N_(
                    "the zip lists %(entries)s entries; a pack has at most %(most)d files",
                    entries=f"{listed:,}",
                    most=max_members,
                )
            ]
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ZipRefused(
            [N_("this is not a zip file; download a course as a zip to see one")]
        ) from None
    with archive:
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir() and not any(part in info.filename for part in IGNORED)
        ]
        if len(members) > max_members or len(archive.infolist()) > MAX_ENTRIES:
            raise ZipRefused(
                [
                    N_(
                        "the zip holds %(files)d files; a pack has at most %(most)d",
                        files=len(members),
                        most=max_members,
                    )
                ]
            )
        problems = _member_problems(members, max_bytes)
        if problems:
            raise ZipRefused(problems)
        budget = _Budget(data, max_bytes, max_file_bytes)
        files = {info.filename: budget.read(info) for info in members}
    return _inside_one_folder(files)


def _listed_entries(data: bytes) -> int | None:
    """How many entries the zip's end record announces, read before zipfile builds its list
    of them (a list of millions is itself the attack); None if there is no such record."""
    at = data.rfind(END_RECORD, max(0, len(data) - END_RECORD_SIZE - 65_535))
    if at < 0 or len(data) - at < END_RECORD_SIZE:
        return None
    fields = struct.unpack("<4s4H2LH", data[at : at + END_RECORD_SIZE])
    entries, directory_bytes = fields[4], fields[5]
    # 0xFFFF means "see the zip64 record": more entries than any pack has.
    if entries == 0xFFFF or directory_bytes > MAX_ENTRIES * 1024:
        return max(entries, MAX_ENTRIES + 1)
    return entries


def _member_problems(members: list[zipfile.ZipInfo], max_bytes: int) -> list[Message]:
    """What the zip's own list of files already says is wrong."""
    problems = []
    for info in members:
        if not _safe(info.filename):
            problems.append(N_("%(file)s: this path is not allowed in a pack", file=info.filename))
        elif stat.S_ISLNK(info.external_attr >> 16):
            problems.append(
                N_("%(file)s: this is a link; a pack holds only plain files", file=info.filename)
            )
        elif info.flag_bits & 0x1:
            problems.append(
                N_(
                    "%(file)s: the file is encrypted; upload a zip without a password",
                    file=info.filename,
                )
            )
    if sum(info.file_size for info in members) > max_bytes:
        problems.append(_too_much(max_bytes))
    return problems


def _too_much(max_bytes: int) -> Message:
    return N_("the files in the zip come to more than %(size)s", size=_size(max_bytes))


class _Budget:
    """Inflates members chunk by chunk, counting what each one really gives (never what its
    header claims) against the limits for one file, for all of them and for the ratio.

    zipfile's own reader is not used for the data: asked for a whole member it inflates all
    of it in one call (gigabytes from a small zip), and it quietly stops where a lying header
    says the file ends.
    """

    def __init__(self, data: bytes, max_bytes: int, max_file_bytes: int) -> None:
        self.data = memoryview(data)
        self.left = max_bytes
        self.max_bytes = max_bytes
        self.max_file_bytes = max_file_bytes

    def read(self, info: zipfile.ZipInfo) -> bytes:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ZipRefused(
                [
                    N_(
                        "%(file)s: the file is packed in a way Postwise cannot read; use zip",
                        file=info.filename,
                    )
                ]
            )
        packed = self._packed(info)
        inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        parts: list[bytes] = []
        size, crc = 0, 0
        try:
            for chunk in self._chunks(packed, inflate, info.compress_type):
                size += len(chunk)
                self._check(info, size)
                crc = zlib.crc32(chunk, crc)
                parts.append(chunk)
        except zlib.error as error:
            raise ZipRefused(
                [
                    N_(
                        "%(file)s: the file is damaged in the zip "
                        "(it cannot be inflated: %(error)s); zip it again",
                        file=info.filename,
                        error=str(error),
                    )
                ]
            ) from None
        if info.compress_type == zipfile.ZIP_DEFLATED and not inflate.eof:
            raise _ends_too_soon(info)
        if size != info.file_size:
            raise ZipRefused(
                [
                    N_(
                        "%(file)s: the file is damaged in the zip "
                        "(it holds %(size)s bytes, its header says %(claimed)s); zip it again",
                        file=info.filename,
                        size=f"{size:,}",
                        claimed=f"{info.file_size:,}",
                    )
                ]
            )
        if crc != info.CRC:
            raise ZipRefused(
                [
                    N_(
                        "%(file)s: the file is damaged in the zip "
                        "(its checksum does not match); zip it again",
                        file=info.filename,
                    )
                ]
            )
        self.left -= size
        return b"".join(parts)

    def _packed(self, info: zipfile.ZipInfo) -> memoryview:
        """The member's packed bytes, found from its local header as zipfile finds them."""
        start = info.header_offset
        header = bytes(self.data[start : start + LOCAL_HEADER_SIZE])
        if len(header) < LOCAL_HEADER_SIZE or header[:4] != LOCAL_HEADER:
            raise ZipRefused(
                [
                    N_(
                        "%(file)s: the file is damaged in the zip "
                        "(its header is missing); zip it again",
                        file=info.filename,
                    )
                ]
            )
        name_length, extra_length = struct.unpack_from("<HH", header, 26)
        begin = start + LOCAL_HEADER_SIZE + name_length + extra_length
        packed = self.data[begin : begin + info.compress_size]
        if len(packed) < info.compress_size:
            raise _ends_too_soon(info)
        return packed

    @staticmethod
    def _chunks(packed: memoryview, inflate: Any, method: int) -> Iterator[bytes]:
        for at in range(0, len(packed), CHUNK_BYTES):
            piece = packed[at : at + CHUNK_BYTES]
            if method == zipfile.ZIP_STORED:
                yield bytes(piece)
                continue
            # max_length keeps each step to one chunk, however much the piece inflates to.
            chunk = inflate.decompress(piece, CHUNK_BYTES)
            while chunk:
                yield chunk
                chunk = inflate.decompress(inflate.unconsumed_tail, CHUNK_BYTES)

    def _check(self, info: zipfile.ZipInfo, size: int) -> None:
        if size > self.max_file_bytes:
            raise ZipRefused(
                [
                    N_(
                        "%(file)s: the file unpacks to more than %(size)s; "
                        "a file in a pack may be at most that",
                        file=info.filename,
                        size=_size(self.max_file_bytes),
                    )
                ]
            )
        if size > self.left:
            raise ZipRefused([_too_much(self.max_bytes)])
        if size > CHUNK_BYTES and size > MAX_RATIO * max(info.compress_size, 1):
            raise ZipRefused(
                [
                    N_(
                        "%(file)s: the file unpacks to over %(ratio)d times its packed size, "
                        "as only a zip bomb does; zip the pack again",
                        file=info.filename,
                        ratio=MAX_RATIO,
                    )
                ]
            )


def _ends_too_soon(info: zipfile.ZipInfo) -> ZipRefused:
    return ZipRefused(
        [
            N_(
                "%(file)s: the file is damaged in the zip (its data ends too soon); zip it again",
                file=info.filename,
            )
        ]
    )


def _size(size: int) -> str:
    return f"{size // 1_048_576} MB" if size >= 1_048_576 else f"{size // 1024} KB"


def _safe(name: str) -> bool:
    """A relative path that stays inside the pack: no `..`, no root, no drive, no backslash."""
    path = PurePosixPath(name)
    return (
        bool(name)
        and not path.is_absolute()
        and ".." not in path.parts
        and "\\" not in name
        and ":" not in name
    )


def _inside_one_folder(files: dict[str, bytes]) -> dict[str, bytes]:
    """A zip of the pack folder itself, or of its contents: both read the same."""
    if "course.yaml" in files or not files:
        return files
    tops = {name.split("/", 1)[0] for name in files}
    if len(tops) == 1 and all("/" in name for name in files):
        top = tops.pop() + "/"
        return {name.removeprefix(top): content for name, content in files.items()}
    return files


def pack_from_zip(data: bytes, *, max_bytes: int) -> CoursePack:
    """Check a zipped pack as `lms courses import` checks a folder: same rules, same messages."""
    return read_pack_files(files_from_zip(data, max_bytes=max_bytes))
