"""The post pre-check: a draft in, findings out, the same for the web page and the CLI. Pure.

It is a coach, not a censor: it never blocks, stores or sends anything. Findings come from
the detectors in lms.precheck.detect; here the rules' effects on each other are applied:

- harassment replaces a plain insult (RESP-HARASS over RESP-TARGETED);
- a protected discussion (RIGHTS-NOTE: pay, hours, staffing, safety, organising) silences
  the tone rules and the disclaimer rule, and shows an insult in it at info level, with
  why; privacy, harassment and confidential financials still apply;
- the industry raises severities: promised returns block at a finance firm, someone's
  health at a health one.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from lms.messages import Message
from lms.precheck import wordlists
from lms.precheck.detect import DETECTORS, Draft
from lms.precheck.profile import CompanyProfile
from lms.precheck.rules import BLOCK, INFO, PROTECTED_INSULT, RULES, SEVERITIES

MAX_LENGTH = 3000
SILENCED_BY_RIGHTS = frozenset({"TONE-PROFANITY", "TONE-RANT", "DISCLAIMER"})
RAISED_BY_INDUSTRY = {"finance": {"FIN-PROMISE": BLOCK}, "health": {"PRIV-HEALTH": BLOCK}}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    start: int
    end: int
    quote: str
    title: Message  # in English until the page translates it
    explanation: Message
    lesson: str  # "course-slug/lesson-slug"

    def as_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "explanation": str(self.explanation),
            "lesson": self.lesson,
        }


def check(
    text: str, profile: CompanyProfile, *, extra_wordlists: Path | None = None
) -> list[Finding]:
    """Every likely guideline problem in a draft, most serious first, then in text order."""
    draft = Draft(text[:MAX_LENGTH], profile, wordlists.load(extra_wordlists))
    spans = {rule: _merged(detect(draft)) for rule, detect in DETECTORS.items()}
    spans = {rule: found for rule, found in spans.items() if found}
    if "RESP-HARASS" in spans:
        spans.pop("RESP-TARGETED", None)
    protected = "RIGHTS-NOTE" in spans
    if protected:
        for rule in SILENCED_BY_RIGHTS:
            spans.pop(rule, None)
    raised = RAISED_BY_INDUSTRY.get(profile.industry, {})
    findings = []
    for rule_id, found in spans.items():
        rule = RULES[rule_id]
        severity, explanation = raised.get(rule_id, rule.severity), rule.explanation
        if protected and rule_id == "RESP-TARGETED":
            severity, explanation = INFO, PROTECTED_INSULT
        findings.extend(
            Finding(
                rule_id,
                severity,
                start,
                end,
                draft.text[start:end],
                rule.title,
                explanation,
                rule.lesson_path,
            )
            for start, end in found
        )
    return sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), f.start, f.rule))


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans in order, overlapping ones joined, so each quote appears once."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(set(spans)):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True)
class Segment:
    """A stretch of the draft: plain, or marked with the findings that quote it."""

    text: str
    findings: tuple[int, ...] = ()  # indexes into the findings list
    severity: str | None = None  # the most serious of them
    starts: tuple[int, ...] = ()  # the findings whose quote begins here


def highlighted(text: str, findings: list[Finding]) -> list[Segment]:
    """The draft cut where findings start and end, so a page can mark each quoted part."""
    cuts = sorted({0, len(text), *(f.start for f in findings), *(f.end for f in findings)})
    segments = []
    for start, end in pairwise(cuts):
        covering = tuple(i for i, f in enumerate(findings) if f.start <= start and end <= f.end)
        severity = min((findings[i].severity for i in covering), key=SEVERITIES.index, default=None)
        starts = tuple(i for i in covering if findings[i].start == start)
        segments.append(Segment(text[start:end], covering, severity, starts))
    return segments


@dataclass(frozen=True)
class RuleFindings:
    """One rule's findings together, for reading: the explanation once, every quote."""

    first: Finding
    quotes: tuple[tuple[int, Finding], ...]  # (index in the findings list, finding)

    @property
    def is_note(self) -> bool:
        """Information (such as the right to discuss pay), not a problem to fix."""
        return self.first.severity == INFO


def by_rule(findings: list[Finding]) -> list[RuleFindings]:
    """Findings grouped by rule, in the order their rules first appear (most serious first)."""
    groups: dict[tuple[str, str], list[tuple[int, Finding]]] = {}
    for index, finding in enumerate(findings):
        groups.setdefault((finding.rule, finding.severity), []).append((index, finding))
    return [RuleFindings(quotes[0][1], tuple(quotes)) for quotes in groups.values()]
