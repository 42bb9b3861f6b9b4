"""Course packs as zip files: the download HR keeps, the upload that becomes a draft. Pure.

A zip holds the pack's files in one folder named after the course, byte for byte what
`lms courses export` writes. An upload is read without extracting anything to disk, and
refused when it is too big, holds too many files or names a path outside its folder.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

from lms.courses.packs import CoursePack, PackError, pack_files, read_pack_files

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the same pack always gives the same zip
MAX_MEMBERS = 500
IGNORED = ("__MACOSX/", ".DS_Store")  # what archivers add on their own


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
    data: bytes, *, max_bytes: int, max_members: int = MAX_MEMBERS
) -> dict[str, bytes]:
    """The files of a zipped pack, by path inside the pack folder; PackError if unsafe."""
    limit_mb = max_bytes // 1_048_576
    if len(data) > max_bytes:
        raise PackError([f"the file is larger than {limit_mb} MB"])
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise PackError(["this is not a zip file; download a course as a zip to see one"]) from None
    with archive:
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir() and not any(part in info.filename for part in IGNORED)
        ]
        if len(members) > max_members:
            raise PackError(
                [f"the zip holds {len(members)} files; a pack has at most {max_members}"]
            )
        problems = [
            f"{info.filename}: this path is not allowed in a pack"
            for info in members
            if not _safe(info.filename)
        ]
        problems += [
            f"{info.filename}: the file is encrypted; upload a zip without a password"
            for info in members
            if info.flag_bits & 0x1
        ]
        if sum(info.file_size for info in members) > max_bytes:
            problems.append(f"the files in the zip come to more than {limit_mb} MB")
        if problems:
            raise PackError(problems)
        try:
            files = {info.filename: archive.read(info) for info in members}
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise PackError([f"the zip file is damaged ({error})"]) from None
    return _inside_one_folder(files)


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
