"""The engine's rules for how findings affect each other, the settings, and the word lists."""

from __future__ import annotations

import pytest

from lms.precheck import wordlists
from lms.precheck.engine import check, highlighted
from lms.precheck.profile import (
    CompanyProfile,
    ProfileProblems,
    dump_profile,
    load_profile,
)

COMPANY = CompanyProfile(
    employer_names=("Example Co",),
    products=("Beacon",),
    competitors=("Rivalsoft",),
    codenames=("Nightjar",),
    email_domains=("example.com",),
    role_mailboxes=("careers",),
    phone_region="GB",
)


def rules(text: str, profile: CompanyProfile = COMPANY) -> dict[str, str]:
    return {finding.rule: finding.severity for finding in check(text, profile)}


def test_protected_speech_silences_tone_and_disclaimer_and_softens_an_insult():
    angry = "I'M SO DONE WITH THIS!!! The pay is a joke and my manager is an idiot. WTF."
    assert rules(angry) == {"TONE-RANT": "warn", "TONE-PROFANITY": "warn", "RESP-TARGETED": "high"}
    protected = (
        "We're understaffed again and nobody is paid for the overtime!!! I'M SO DONE WITH THIS. "
        "My manager is an idiot. WTF. I think Example Co has to hire. Let's talk about it."
    )
    found = check(protected, COMPANY)
    assert {f.rule: f.severity for f in found} == {"RIGHTS-NOTE": "info", "RESP-TARGETED": "info"}
    insult = next(f for f in found if f.rule == "RESP-TARGETED")
    assert "a discussion you may have a right to have" in str(insult.explanation)
    note = next(f for f in found if f.rule == "RIGHTS-NOTE")
    assert "not legal advice" in str(note.explanation)


def test_protected_speech_still_protects_privacy_and_forbids_threats():
    text = (
        "We're understaffed and it's unsafe. Ring Dave on 07700 900123 about it, and tell "
        "the manager to watch your back."
    )
    assert rules(text) == {"RIGHTS-NOTE": "info", "PRIV-CONTACT": "high", "RESP-HARASS": "block"}


def test_harassment_replaces_a_plain_insult():
    assert rules("@sam_writes you idiot, I know where you live.") == {"RESP-HARASS": "block"}
    assert rules("@sam_writes you idiot.") == {"RESP-TARGETED": "high"}


def test_the_industry_raises_severities():
    promise = "Our fund gives guaranteed returns of 12% a year."
    assert rules(promise) == {"FIN-PROMISE": "warn"}
    assert rules(promise, COMPANY.with_changes(industry="finance")) == {"FIN-PROMISE": "block"}
    health = "Our patient in bed 4 was diagnosed with sepsis."
    assert rules(health, COMPANY.with_changes(industry="health")) == {"PRIV-HEALTH": "block"}


def test_the_disclaimer_rule_can_be_switched_off():
    opinion = "I think Example Co is making a mistake with its new strategy."
    assert rules(opinion) == {"DISCLAIMER": "warn"}
    assert rules(opinion + " Views are my own.") == {}
    assert rules(opinion, COMPANY.with_changes(require_disclaimer=False)) == {}


def test_a_new_codename_and_an_extra_word_list_are_caught(tmp_path):
    draft = "The Kestrel beta is going well, and the quarterly party was a blast."
    assert rules(draft) == {}
    assert rules(draft, COMPANY.with_changes(codenames=("Nightjar", "Kestrel"))) == {
        "CONF-MARKER": "block"
    }
    (tmp_path / "secrecy.txt").write_text("# ours\nquarterly party\n")
    found = check(draft, COMPANY, extra_wordlists=tmp_path)
    assert [(f.rule, f.quote) for f in found] == [("CONF-MARKER", "quarterly party")]
    assert "quarterly party" in wordlists.load(tmp_path)["secrecy"]


def test_quotes_and_positions_point_at_the_words():
    text = "Hi all. Email jane.doe@example.com, or careers@example.com for jobs."
    [finding] = check(text, COMPANY)
    assert (finding.rule, finding.quote) == ("PRIV-CONTACT", "jane.doe@example.com")
    assert text[finding.start : finding.end] == finding.quote
    assert finding.lesson == "social-media-guideline/protect-other-peoples-privacy"
    segments = highlighted(text, [finding])
    assert "".join(segment.text for segment in segments) == text
    assert [s.text for s in segments if s.findings] == ["jane.doe@example.com"]


def test_a_masked_swear_word_is_caught_and_feedback_is_not():
    assert rules("What a f*cking week. Thanks for the feedback!") == {"TONE-PROFANITY": "warn"}
    assert rules("Thanks for the feedback on the draft.") == {}


def test_the_settings_file_round_trips_and_reports_every_problem_by_line():
    profile = COMPANY.with_changes(ticker="EXCO", disclosure_hashtags=("#employee",))
    assert load_profile(dump_profile(profile), where="s.yaml") == profile
    broken = "products: Beacon\nphone_region: Atlantis\nindustry: retail\nnope: 1\n"
    with pytest.raises(ProfileProblems) as problems:
        load_profile(broken, where="s.yaml")
    assert problems.value.problems == [
        "s.yaml:1: products: must be a list of words or phrases, for example "
        "[Example Co, ExampleCo]",
        "s.yaml:2: phone_region: 'ATLANTIS' is not a two-letter country code such as GB, US or DE",
        "s.yaml:3: industry: 'retail' is not one of general, finance, health",
        "s.yaml:4: nope: is not a setting (the settings are employer_names, handles, products, "
        "competitors, codenames, email_domains, role_mailboxes, disclosure_hashtags, "
        "approved_clients, ticker, phone_region, industry, require_disclaimer)",
    ]
    with pytest.raises(ProfileProblems, match=r"s.yaml:2: this is not valid YAML"):
        load_profile("products: [a\nx: ]", where="s.yaml")


def test_slurs_a_company_adds_are_harassment(tmp_path):
    """Postwise ships no slurs; a company lists the ones to catch, and they block."""
    draft = "@sam_writes you absolute zorblat."
    assert rules(draft) == {}
    (tmp_path / "slurs.txt").write_text("zorblat\n")
    found = check(draft, COMPANY, extra_wordlists=tmp_path)
    assert [(f.rule, f.severity, f.quote) for f in found] == [("RESP-HARASS", "block", "zorblat")]


def test_a_settings_file_that_would_expand_to_billions_is_refused():
    bomb = 'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]\n'
    for n in range(1, 9):
        bomb += f"{chr(97 + n)}: &{chr(97 + n)} [{', '.join([f'*{chr(96 + n)}'] * 9)}]\n"
    with pytest.raises(ProfileProblems, match=r"s.yaml:2: aliases \(\*name\) are not allowed"):
        load_profile(bomb, where="s.yaml")
