"""`lms precheck`: the same engine from the command line."""

from __future__ import annotations

import json

from lms.precheck.profile import CompanyProfile
from lms.precheck.services import save_profile

SETTINGS = "employer_names: [Example Co]\ncodenames: [Nightjar]\nphone_region: GB\n"


def test_text_gives_a_readable_report(runner, shipped_courses):
    result = runner.invoke(args=["precheck", "This is strictly confidential, do not share."])
    assert result.exit_code == 0, result.output
    assert "1 likely problem:" in result.output
    assert "BLOCK CONF-MARKER: Confidential or internal information" in result.output
    assert "\u201cstrictly confidential\u201d (characters 8\u201329)" in result.output
    assert "\u201cdo not share\u201d (characters 31\u201343)" in result.output
    assert (
        "Lesson: http://postwise.test/courses/social-media-guideline/lessons/"
        "keep-confidential-information-private" in result.output
    )
    clean = runner.invoke(args=["precheck", "Proud of my team today."])
    assert "No likely problems found." in clean.output


def test_json_from_standard_input_with_a_settings_file(runner, tmp_path):
    settings = tmp_path / "company.yaml"
    settings.write_text(SETTINGS)
    result = runner.invoke(
        args=["precheck", "--settings", str(settings), "--json", "-"],
        input="Nightjar ships soon. Call 07700 900123.",
    )
    assert result.exit_code == 0, result.output
    findings = json.loads(result.output)
    assert [(f["rule"], f["severity"], f["start"], f["end"]) for f in findings] == [
        ("CONF-MARKER", "block", 0, 8),
        ("PRIV-CONTACT", "high", 26, 38),
    ]
    assert set(findings[0]) == {"rule", "severity", "start", "end", "quote", "explanation",
                                "lesson"}  # fmt: skip
    assert findings[1]["lesson"] == "social-media-guideline/protect-other-peoples-privacy"


def test_without_a_file_it_uses_the_settings_hr_saved(runner, db):
    draft = "The Osprey launch is on track."
    assert json.loads(runner.invoke(args=["precheck", "--json", draft]).output) == []
    save_profile(db, CompanyProfile(codenames=("Osprey",)), actor_id=None)
    db.commit()
    found = json.loads(runner.invoke(args=["precheck", "--json", draft]).output)
    assert [f["quote"] for f in found] == ["Osprey"]


def test_bad_input_is_named_and_nothing_is_checked(runner, tmp_path):
    settings = tmp_path / "company.yaml"
    settings.write_text("industry: retail\n")
    result = runner.invoke(args=["precheck", "--settings", str(settings), "hello"])
    assert result.exit_code == 2
    assert f"{settings}:1: industry: 'retail' is not one of general, finance, health" in (
        result.output
    )
    long = runner.invoke(args=["precheck", "x" * 3001])
    assert long.exit_code == 2
    assert "the draft is 3,001 characters long; the pre-check reads at most 3,000" in long.output


def test_a_note_alone_is_not_called_a_problem(runner):
    draft = "Let's compare salaries openly, so nobody is underpaid."
    result = runner.invoke(args=["precheck", draft])
    assert result.output.startswith("No likely problems found; good to know:")
    assert "INFO  RIGHTS-NOTE: You may have a right to discuss this" in result.output
