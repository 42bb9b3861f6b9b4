"""Zips built to hurt the server: lying sizes, bombs, floods of entries, links. Each is
refused with the entry named, in little memory, and leaves the database as it was."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable

import pytest

from lms import PROJECT_ROOT
from lms.authoring.zips import files_from_zip, pack_zip
from lms.courses.models import Course
from lms.courses.packs import PackError, read_pack
from tests.helpers import csrf_token

MB = 1_048_576
ESSENTIALS = PROJECT_ROOT / "courses" / "social-media-essentials"


def deflated(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def lying(name: str, content: bytes, *, claims: int, crc_of: bytes | None = None) -> bytes:
    """A zip whose headers (local and central) say the file has `claims` bytes; with
    `crc_of`, its checksum is that of the claimed prefix, as a careful attacker writes it."""
    data = bytearray(deflated({name: content}))
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<L", data, local + 22, claims)
    struct.pack_into("<L", data, central + 24, claims)
    if crc_of is not None:
        struct.pack_into("<L", data, local + 14, zlib.crc32(crc_of))
        struct.pack_into("<L", data, central + 16, zlib.crc32(crc_of))
    return bytes(data)


def refusal(data: bytes, max_bytes: int = 20 * MB) -> tuple[str, int]:
    """The refusal's text and the peak memory (bytes) spent reaching it."""
    tracemalloc.start()
    try:
        with pytest.raises(PackError) as refused:
            files_from_zip(data, max_bytes=max_bytes)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return " ".join(refused.value.problems), peak


FIFTY_MB = b"\n" * (50 * MB)


@pytest.fixture(scope="module")
def header_says_ten_bytes() -> bytes:
    return lying("pack/course.yaml", FIFTY_MB, claims=10, crc_of=FIFTY_MB[:10])


def test_an_entry_that_inflates_far_past_its_header_is_refused_in_little_memory(
    header_says_ten_bytes: bytes,
):
    assert len(header_says_ten_bytes) < 100_000  # 50 MB of newlines pack small
    message, peak = refusal(header_says_ten_bytes)
    assert message == (
        "pack/course.yaml: the file unpacks to more than 1 MB; a file in a pack may be at most that"
    )
    assert peak < 4 * MB


def test_a_header_that_claims_a_little_more_than_the_truth_is_refused():
    content = b"slug: x\n" * 100
    message, _ = refusal(lying("course.yaml", content, claims=len(content) + 5))
    assert (
        f"course.yaml: the file is damaged in the zip (it holds {len(content):,} bytes" in message
    )


def test_a_thousand_to_one_bomb_is_refused_by_its_ratio():
    bomb = deflated({"lessons/01-bomb.md": b"0" * (900 * 1024)})  # within every size limit
    message, peak = refusal(bomb, max_bytes=MB)
    assert "lessons/01-bomb.md: the file unpacks to over 200 times its packed size" in message
    assert peak < 4 * MB


def test_a_file_past_the_per_file_limit_is_refused_whatever_its_header_says():
    text = bytes(range(256)) * (5 * 4096)  # 5 MB that does not compress much
    data = lying("lessons/01-long.md", text, claims=1000)
    message, peak = refusal(data)
    assert "lessons/01-long.md: the file unpacks to more than 1 MB" in message
    assert peak < 4 * MB


def test_too_many_entries_are_refused_before_they_are_listed():
    data = deflated({f"x/{n}": b"" for n in range(1200)})
    message, _ = refusal(data)
    assert "the zip lists 1,200 entries; a pack has at most 500 files" in message


def test_links_and_paths_outside_the_pack_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("pack/course.yaml")
        link.external_attr = 0o120777 << 16  # a symbolic link, to /etc/passwd
        archive.writestr(link, "/etc/passwd")
        archive.writestr("pack/../../outside.md", "x")
    message, _ = refusal(buffer.getvalue())
    assert "pack/course.yaml: this is a link; a pack holds only plain files" in message
    assert "pack/../../outside.md: this path is not allowed in a pack" in message


def test_an_honest_pack_still_reads_in_full():
    data = pack_zip(read_pack(ESSENTIALS))
    files = files_from_zip(data, max_bytes=MB)
    assert "quiz.yaml" in files and len(files) > 5


def test_uploading_a_lying_zip_refuses_it_and_writes_nothing(
    shipped_courses, org, login: Callable, db, header_says_ten_bytes: bytes
):
    client = login(org["hr"])
    before = db.query(Course).count()
    token = csrf_token(client, "/admin/courses/upload")
    response = client.post(
        "/admin/courses/upload",
        data={"csrf_token": token, "file": (io.BytesIO(header_says_ten_bytes), "pack.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "pack/course.yaml:" in response.get_data(as_text=True)
    db.rollback()
    assert db.query(Course).count() == before
