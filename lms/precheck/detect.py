"""Where each rule fires in a draft: spans of the text, found with word lists, patterns and
a few well-kept libraries. Pure and deterministic.

Each detector takes the Draft (the text, its sentences, the word lists and the company's
own names) and returns the spans that triggered its rule; lms.precheck.engine turns them
into findings and applies what one rule means for another.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from lms.precheck.profile import CompanyProfile
from lms.precheck.wordlists import Lexicon, Word, phrase_pattern, words_of

Span = tuple[int, int]

# A sentence ends at . ! or ? followed by a space or the end, or at a blank line: "£2.10",
# "v2.10.3", "example.com/x" and a post wrapped over several lines stay whole.
SENTENCE = re.compile(
    r"(?:[^.!?\n]|[.!?]+(?![\s.!?]|$)|\n(?![ \t]*\n))+(?:[.!?]+|\n[ \t]*\n|\n?$)"
)
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")
LABELLED_NUMBER = re.compile(
    r"\b(?:account|acct|patient|record|policy|member(?:ship)?|customer|case|claim|passport"
    r"|ssn|social security|national insurance|tax)"
    r"(?:\s+(?:id|no\.?|number|num|ref(?:erence)?|record))?\s*[#:]?\s*"
    r"(?=[A-Z0-9-]*\d{4})[A-Z0-9][A-Z0-9-]{3,}",
    re.IGNORECASE,
)
URL = re.compile(r"https?://\S+|\bwww\.\S+", re.IGNORECASE)
MONEY = re.compile(r"[$€£¥]\s?\d[\d,.]*\s?(?:[kmb]n?|million|billion)?\b|\b\d+(?:\.\d+)?\s?%", re.I)
HANDLE = re.compile(r"(?<![\w@])@\w{2,}")
HASHTAG = re.compile(r"(?<![\w#])#\w+")
EXCLAIM = re.compile(r"[!?]*![!?]*!+|!\?|\?!")
CAPS_WORD = re.compile(r"\b[A-Z][A-Z']{2,}\b")
# A person an insult can be aimed at (a named person is matched separately).
TARGET = re.compile(
    r"@\w+|\byou(?:'re|r|rs)?\b|\bu\b|\b(?:he|she|him|her)\b"
    r"|\b(?:my|our|this|that|the) (?:manager|boss|colleague|co-?worker|teammate|recruiter|"
    r"guy|man|woman|person|ceo|cto|cfo|director|lead|client|customer|interviewer|hr person)\b",
    re.IGNORECASE,
)
NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\b")
PERSON_VERB = re.compile(
    r"(?:'s|\s+(?:is|was|has|had|just|keeps|kept|never|always|said|says|told|called|thinks|"
    r"from|in|at|slipped|fell|broke|went|will|who|and\s+I))\b",
    re.IGNORECASE,
)
NOT_NAMES = frozenset(
    [
        "I",
        "The",
        "This",
        "That",
        "These",
        "Those",
        "It",
        "What",
        "Why",
        "How",
        "When",
        "Where",
        "Who",
        "Honestly",
        "Frankly",
        "Seriously",
        "Today",
        "Yesterday",
        "Tomorrow",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "My",
        "Our",
        "We",
        "Your",
        "You",
        "And",
        "But",
        "So",
        "Just",
        "Also",
        "Thanks",
        "Thank",
        "Still",
        "Again",
        "Another",
        "Every",
        "Some",
        "Any",
        "No",
        "Yes",
        "Well",
        "Oh",
        "Wow",
        "Hey",
        "Hi",
        "Hello",
        "Dear",
        "Please",
        "Never",
        "Always",
        "Not",
        "Such",
        "Very",
        "Really",
    ]
)
CLIENT_NAMED = re.compile(
    r"\b(?:client|customer|account)s?\s+(?:of ours\s+)?"
    r"(?P<name>[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,2})"
)
CLIENT_SIGNED = re.compile(
    r"\b(?:signed|landed|won|closed)\s+(?:up\s+)?"
    r"(?P<name>[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,2})"
)
CLIENT_IS = re.compile(
    r"(?P<name>\b[A-Z][\w&.-]+(?:\s+[A-Z][\w&.-]+){0,2})\s+"
    r"(?:is|are|will be|is going to be|has become|became)\s+(?:[\w-]+\s+){0,3}"
    r"(?:client|customer)s?\b"
)
CLIENT_ACTING = re.compile(
    r"(?P<name>\b[A-Z][\w&.-]+(?:\s+[A-Z][\w&.-]+){0,2})\s+"
    r"(?:(?:has|have|just|finally|officially)\s+)*"
    r"(?:signed|renewed|extended|agreed|committed|bought|is paying|pays|will pay)\b"
)
FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|i'd|me|myself|my own|mine)\b", re.IGNORECASE)
MY_OWN = re.compile(r"\bmy\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)  # "my (knee) surgery"
EMPLOYER_WORDS = re.compile(
    r"\b(?:my employer|my company|our company|the company|our leadership|leadership here|"
    r"our ceo|our strategy|our management|management here|our board|our roadmap)\b",
    re.IGNORECASE,
)
WE = re.compile(r"\b(?:we|we're|we've|we'll|our|us)\b", re.IGNORECASE)
RETURNS = re.compile(
    r"\bguaranteed?\s+to\s+(?:double|triple|rise|grow|go up)\b|"
    r"\bguaranteed?\s+(?:\w+\s+)?(?:\d+(?:\.\d+)?\s?%|returns?|profits?)|\b\d+(?:\.\d+)?\s?%\s+(?:returns?\s+)?"
    r"guaranteed\b",
    re.IGNORECASE,
)
MIN_PHONE_DIGITS = 9  # shorter runs are tickets, rooms and dates far more often than phones
BURIED_AFTER = 3  # a disclosure tag later than the third of five or more closing tags is buried
NEGATIVE_TONE = -0.7  # VADER's compound score at or below which a post reads as very negative


@cache
def _sentiment() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()  # reads its lexicon from the wheel, once


@cache
def _names(profile: CompanyProfile) -> dict[str, re.Pattern[str]]:
    """The company's own words as patterns, compiled once per profile."""
    ticker = (f"${profile.ticker}", profile.ticker) if profile.ticker else ()
    return {
        "employer": phrase_pattern((*profile.employer_names, *profile.handles, *ticker)),
        "products": phrase_pattern(profile.products),
        "competitors": phrase_pattern(profile.competitors),
        "codenames": phrase_pattern(profile.codenames),
        "approved": phrase_pattern(profile.approved_clients),
        "disclosure_tags": phrase_pattern(profile.disclosure_hashtags),
    }


@dataclass
class Draft:
    text: str
    profile: CompanyProfile
    lists: Lexicon
    sentences: list[Span] = field(init=False)
    _found: dict[str, list[Span]] = field(init=False, default_factory=dict)
    _sentences_with: dict[str, set[Span]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.sentences = [m.span() for m in SENTENCE.finditer(self.text) if m.group().strip()]
        self._sentence_set = set(self.sentences)
        self._people: dict[Span, list[Span]] = {}
        self._matched: dict[re.Pattern[str], list[Span]] = {}

    @cached_property
    def words(self) -> list[Word]:
        return words_of(self.text)

    @cached_property
    def names(self) -> dict[str, re.Pattern[str]]:
        return _names(self.profile)

    def find(self, name: str, within: Span | None = None) -> list[Span]:
        """Spans of a word list's (or the company's own) entries, in the text or a part.

        Every list is matched against the whole text at once; parts filter those matches.
        """
        if name not in self._found:
            if name in self.names:
                self._found[name] = [m.span() for m in self.names[name].finditer(self.text)]
            else:
                self._found.update(self.lists.scan(self.words))
        found = self._found[name]
        if within is None:
            return found
        start, end = within
        first = bisect_left(found, (start, -1))  # spans come sorted by where they start
        return [span for span in found[first : bisect_right(found, (end, end))] if span[1] <= end]

    def has(self, name: str, within: Span | None = None) -> bool:
        if within is None:
            return bool(self.find(name))
        if name not in self._sentences_with:
            # Which sentences hold an entry of this list, worked out once per list.
            starts = [start for start, _ in self.sentences]
            holding = set()
            for start, end in self.find(name):
                index = bisect_right(starts, start) - 1
                if index >= 0 and end <= self.sentences[index][1]:
                    holding.add(self.sentences[index])
            self._sentences_with[name] = holding
        if within in self._sentences_with[name]:
            return True
        return within not in self._sentence_set and bool(self.find(name, within))

    def regex(self, pattern: re.Pattern[str], within: Span | None = None) -> list[Span]:
        """Spans of a pattern's matches, found in the whole text once, then filtered."""
        if pattern not in self._matched:
            self._matched[pattern] = [m.span() for m in pattern.finditer(self.text)]
        found = self._matched[pattern]
        if within is None:
            return found
        start, end = within
        first = bisect_left(found, (start, -1))
        return [span for span in found[first : bisect_right(found, (end, end))] if span[1] <= end]

    def sentences_with(self, *names: str) -> Iterable[Span]:
        """The sentences in which every one of these lists has an entry."""
        return (s for s in self.sentences if all(self.has(name, s) for name in names))

    @cached_property
    def about_employer(self) -> bool:
        """The post names the company, its products, or speaks as "we"."""
        return self.has("employer") or self.has("products") or bool(self.regex(WE))


Detector = Callable[[Draft], list[Span]]


def contact(draft: Draft) -> list[Span]:
    spans = []
    for start, end in draft.regex(EMAIL):
        address = draft.text[start:end]
        try:
            validate_email(address, check_deliverability=False)
        except EmailNotValidError:
            continue
        local, _, domain = address.lower().rpartition("@")
        if local in draft.profile.role_mailboxes and domain in draft.profile.email_domains:
            continue
        spans.append((start, end))
    # POSSIBLE, not VALID: the numbers films and examples use (07700 900…, 555-…) are
    # someone's number to a reader too. Short digit runs, dates and the digits of a card or
    # account number found by id_numbers are not phone numbers.
    numbers = id_numbers(draft)
    matcher = phonenumbers.PhoneNumberMatcher(
        draft.text, draft.profile.phone_region, leniency=phonenumbers.Leniency.POSSIBLE
    )
    for match in matcher:
        digits = [ch for ch in match.raw_string if ch.isdigit()]
        if len(digits) < MIN_PHONE_DIGITS or len(set(digits)) == 1:
            continue
        if any(start < match.end and match.start < end for start, end in numbers):
            continue
        spans.append((match.start, match.end))
    return spans


def id_numbers(draft: Draft) -> list[Span]:
    spans = [span for span in draft.regex(CARD) if _luhn(draft.text[span[0] : span[1]])]
    spans += [span for span in draft.regex(IBAN) if _iban_valid(draft.text[span[0] : span[1]])]
    return spans + draft.regex(LABELLED_NUMBER)


def _luhn(number: str) -> bool:
    digits = [int(d) for d in number if d.isdigit()]
    if not 13 <= len(digits) <= 19:
        return False
    doubled = (
        d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(reversed(digits))
    )
    total = sum(doubled)
    return total % 10 == 0


def _iban_valid(iban: str) -> bool:
    compact = iban.replace(" ", "")
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return len(compact) >= 15 and int(digits) % 97 == 1


def health(draft: Draft) -> list[Span]:
    """A health term whose nearest person in the sentence is someone other than the author."""
    spans = []
    for sentence in draft.sentences:
        for term in draft.find("health", sentence):
            if MY_OWN.search(draft.text, sentence[0], term[0]):
                continue
            people = [(s, "other") for s in draft.find("third_party", sentence)]
            people += [(s, "other") for s in _people_named(draft, sentence)]
            people += [(s, "self") for s in draft.regex(FIRST_PERSON, sentence)]
            before = [p for p in people if p[0][1] <= term[0]]
            after = [p for p in people if p[0][0] >= term[1]]
            nearest = max(before, default=None) or min(after, default=None)
            if nearest is not None and nearest[1] == "other":
                spans.append(term)
    return spans


def recording(draft: Draft) -> list[Span]:
    """Phrases of recording people unawares, or doing anything covertly with a camera."""
    spans = list(draft.find("recording"))
    for sentence in draft.sentences_with("covert", "media"):
        spans += draft.find("covert", sentence)
    return spans


def client_terms(draft: Draft) -> list[Span]:
    """A named client (not an approved one) in a sentence that also gives deal terms."""
    spans = []
    own = ("employer", "products", "competitors", "approved")
    for index, sentence in enumerate(draft.sentences):
        # The terms may follow in the next sentence: "X is our first customer. They pay…"
        following = draft.sentences[index : index + 2]
        if not any(
            draft.find("deal_terms", part) or draft.regex(MONEY, part) for part in following
        ):
            continue
        for pattern in (CLIENT_NAMED, CLIENT_ACTING, CLIENT_SIGNED, CLIENT_IS):
            for match in pattern.finditer(draft.text, *sentence):
                name = match.group("name")
                if name in NOT_NAMES or any(draft.names[n].fullmatch(name) for n in own):
                    continue
                if draft.names["approved"].search(name):
                    continue
                spans.append(match.span("name"))
    return spans


def secrecy(draft: Draft) -> list[Span]:
    return draft.find("secrecy") + draft.find("codenames")


def unreleased_financials(draft: Draft) -> list[Span]:
    """Company financials or deals in a sentence that says they are not public yet."""
    if draft.has("public_release"):
        return []
    return [
        span
        for sentence in draft.sentences
        if draft.has("not_public", sentence) or draft.has("secrecy", sentence)
        for span in draft.find("financials", sentence)
    ]


def insults(draft: Draft) -> list[Span]:
    """An insult in a sentence that names or addresses a person."""
    spans = []
    for index, sentence in enumerate(draft.sentences):
        found = draft.find("insults", sentence)
        # "He called me in the middle of a meeting. What a moron." aims at him too.
        around = draft.sentences[max(index - 1, 0) : index + 1]
        if found and any(
            draft.regex(TARGET, part) or _named_person(draft, part) for part in around
        ):
            spans.extend(found)
    return spans


def _named_person(draft: Draft, sentence: Span) -> bool:
    return bool(_people_named(draft, sentence))


def _people_named(draft: Draft, sentence: Span) -> list[Span]:
    """Capitalised words that look like a person's name (not a company's own words)."""
    if sentence not in draft._people:
        own = [draft.names[n] for n in ("employer", "products", "competitors")]
        draft._people[sentence] = [
            (start, end)
            for start, end in draft.regex(NAME, sentence)
            if draft.text[start:end].split()[0] not in NOT_NAMES
            and not any(pattern.search(draft.text, start, end) for pattern in own)
            and not _just_capitalised(draft, sentence, start, end)
        ]
    return draft._people[sentence]


def _just_capitalised(draft: Draft, sentence: Span, start: int, end: int) -> bool:
    """A single capitalised word that opens a sentence ("Sick and tired…") is a name only
    when a verb of a person follows it ("Kevin is…", "Priya slipped…")."""
    opening = draft.text[sentence[0] : start].strip(" \t\n\"'(-*") == ""
    if not opening or " " in draft.text[start:end]:
        return False
    return not PERSON_VERB.match(draft.text, end)


def harassment(draft: Draft) -> list[Span]:
    return draft.find("threats") + draft.find("slurs")


def profanity(draft: Draft) -> list[Span]:
    return draft.find("profanity")


def rant(draft: Draft) -> list[Span]:
    """Two signals of four: shouting, !!, venting phrases, a very negative tone."""
    signals: list[list[Span]] = []
    shouted = [
        span
        for span in draft.regex(CAPS_WORD)
        if draft.text[span[0] : span[1]] not in draft.lists["acronyms"]
        and not draft.names["employer"].fullmatch(draft.text[span[0] : span[1]])
    ]
    if len(shouted) >= 3:
        signals.append(shouted)
    for found in (draft.regex(EXCLAIM), draft.find("venting")):
        if found:
            signals.append(found)
    # The tone is the slowest signal to measure, and only decides when one other is there.
    if len(signals) == 1 and (negative := _most_negative_sentence(draft)) is not None:
        signals.append([negative])
    return [span for signal in signals for span in signal] if len(signals) >= 2 else []


def _most_negative_sentence(draft: Draft) -> Span | None:
    """The most negative sentence if the draft as a whole reads as very negative.

    VADER scores sentence by sentence (its cost grows with the square of a text's length),
    and the draft's tone is the mean of its sentences' scores.
    """
    if not draft.sentences:
        return None
    scored = [
        (_sentiment().polarity_scores(draft.text[start:end])["compound"], (start, end))
        for start, end in draft.sentences
    ]
    if sum(score for score, _ in scored) / len(scored) > NEGATIVE_TONE:
        return None
    return min(scored)[1]


def overexposure(draft: Draft) -> list[Span]:
    return draft.find("partying") if draft.has("work_context") else []


def speaking_officially(draft: Draft) -> list[Span]:
    spans = []
    for sentence in draft.sentences:
        concerns_company = draft.has("employer", sentence) or bool(
            draft.regex(EMPLOYER_WORDS, sentence)
        )
        if concerns_company or draft.has("customers", sentence):
            spans += draft.find("official", sentence)
        if concerns_company:
            spans += draft.find("official_weak", sentence)
    return spans


def missing_disclaimer(draft: Draft) -> list[Span]:
    if not draft.profile.require_disclaimer or draft.has("disclaimers"):
        return []
    spans = []
    for sentence in draft.sentences:
        about = draft.has("employer", sentence) or draft.has("products", sentence)
        if about or draft.regex(EMPLOYER_WORDS, sentence):
            spans += draft.find("opinion", sentence)
    return spans


def undisclosed_endorsement(draft: Draft) -> list[Span]:
    """A product named in a sentence that promotes it, by someone who does not say they
    work for the company."""
    promoted = [
        span
        for sentence in draft.sentences_with("products", "promotion")
        for span in draft.find("products", sentence)
    ]
    return [] if not promoted or _discloses(draft) else promoted


def _discloses(draft: Draft) -> bool:
    if draft.has("disclosure"):
        return True
    tags = draft.regex(HASHTAG)
    closing = _closing_tags(draft.text, tags)
    for span in draft.find("disclosure_tags"):
        if span in closing and len(closing) >= 5 and closing.index(span) >= BURIED_AFTER:
            continue  # buried at the end of a long run of tags
        return True
    return False


def _closing_tags(text: str, tags: list[Span]) -> list[Span]:
    """The hashtags that end the post with nothing but space between them."""
    closing: list[Span] = []
    end = len(text.rstrip())
    for span in reversed(tags):
        if text[span[1] : end].strip():
            break
        closing.insert(0, span)
        end = span[0]
    return closing


def competitor(draft: Draft) -> list[Span]:
    """Running a competitor down (in the sentence naming them or the next), or comparing
    with them without a source (a cited study, or a link in the same sentence)."""
    spans = []
    sourced = draft.has("sources")
    for index, sentence in enumerate(draft.sentences):
        named = draft.find("competitors", sentence)
        if not named:
            continue
        following = draft.sentences[index : index + 2]
        if any(draft.has("disparaging", part) for part in following):
            spans += named
        elif draft.has("comparisons", sentence) and not (sourced or draft.regex(URL, sentence)):
            spans += draft.find("comparisons", sentence)
    return spans


def incident(draft: Draft) -> list[Span]:
    if draft.has("public_release") or not draft.about_employer:
        return []
    if any("status" in draft.text[s:e].lower() for s, e in draft.regex(URL)):
        return []
    return draft.find("incident") if draft.has("speculation") else []


def promised_returns(draft: Draft) -> list[Span]:
    return draft.find("returns") + draft.regex(RETURNS)


def reuse(draft: Draft) -> list[Span]:
    return draft.find("reuse")


def protected_topic(draft: Draft) -> list[Span]:
    """A topic of protected.txt discussed (discussion.txt) in its sentence or the next."""
    spans = list(draft.find("protected_strong"))
    for index, sentence in enumerate(draft.sentences):
        around = draft.sentences[max(index - 1, 0) : index + 2]
        if any(draft.has("discussion", part) for part in around):
            spans += draft.find("protected", sentence)
    return spans


DETECTORS: dict[str, Detector] = {
    "PRIV-CONTACT": contact,
    "PRIV-IDNUM": id_numbers,
    "PRIV-HEALTH": health,
    "PRIV-RECORDING": recording,
    "CONF-CLIENT": client_terms,
    "CONF-MARKER": secrecy,
    "CONF-MNPI": unreleased_financials,
    "RESP-TARGETED": insults,
    "RESP-HARASS": harassment,
    "TONE-PROFANITY": profanity,
    "TONE-RANT": rant,
    "OVEREXPOSE": overexposure,
    "SPEAK-OFFICIAL": speaking_officially,
    "DISCLAIMER": missing_disclaimer,
    "ENDORSE-DISCLOSE": undisclosed_endorsement,
    "COMPETITOR": competitor,
    "INCIDENT": incident,
    "FIN-PROMISE": promised_returns,
    "IP-REUSE": reuse,
    "RIGHTS-NOTE": protected_topic,
}
