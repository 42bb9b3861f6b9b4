"""What each pre-check rule is called, how serious it is, what to say and which lesson
teaches it. Pure: the words on screen live here, the detection in lms.precheck.detect."""

from __future__ import annotations

from dataclasses import dataclass

from lms.messages import N_, Message

BLOCK, HIGH, WARN, INFO = "block", "high", "warn", "info"
SEVERITIES = (BLOCK, HIGH, WARN, INFO)  # most serious first
SEVERITY_LABELS = {
    BLOCK: N_("Do not post"),
    HIGH: N_("Fix before posting"),
    WARN: N_("Think twice"),
    INFO: N_("Good to know"),
}

GUIDELINE, ESSENTIALS = "social-media-guideline", "social-media-essentials"
PRIVACY = (GUIDELINE, "protect-other-peoples-privacy")
CONFIDENTIAL = (GUIDELINE, "keep-confidential-information-private")
RESPECT = (GUIDELINE, "respect-colleagues-customers-and-competitors")
SPEAKING = (GUIDELINE, "who-speaks-for-example-co")
DISCLOSING = (GUIDELINE, "say-who-you-work-for")
RIGHTS = (GUIDELINE, "about-this-guideline")
PITFALLS = (ESSENTIALS, "pitfalls")
CREDIT = (ESSENTIALS, "conversation-and-recognition")


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    title: Message
    explanation: Message  # why it matters and what to do instead, in one or two sentences
    lesson: tuple[str, str]  # course slug, lesson slug

    @property
    def lesson_path(self) -> str:
        course, lesson = self.lesson
        return f"{course}/{lesson}"


RULES = {
    rule.id: rule
    for rule in (
        Rule(
            "PRIV-CONTACT",
            HIGH,
            N_("Someone's contact details"),
            N_(
                "An email address or phone number lets strangers reach a person who did not ask "
                "for it. Share a role mailbox or a link to the company's contact page instead."
            ),
            PRIVACY,
        ),
        Rule(
            "PRIV-IDNUM",
            BLOCK,
            N_("An account, card or record number"),
            N_(
                "Card, bank and record numbers are how fraud and identity theft start. Take the "
                "number out; if something needs fixing, use the system it belongs to."
            ),
            PRIVACY,
        ),
        Rule(
            "PRIV-HEALTH",
            HIGH,
            N_("Someone else's health"),
            N_(
                "A person's health is theirs to share, not ours: posting it can hurt them and "
                "break the law. Talk about your own experience, or leave the person out."
            ),
            PRIVACY,
        ),
        Rule(
            "PRIV-RECORDING",
            HIGH,
            N_("A photo or video taken without consent"),
            N_(
                "People have a right to decide whether their picture or voice goes online. Ask "
                "first, or leave out the photo or recording."
            ),
            PRIVACY,
        ),
        Rule(
            "CONF-CLIENT",
            HIGH,
            N_("A client with deal terms"),
            N_(
                "Naming a client together with prices, discounts or contract terms can break our "
                "agreement with them. Celebrate the work without the terms, or ask whether the "
                "client may be named."
            ),
            CONFIDENTIAL,
        ),
        Rule(
            "CONF-MARKER",
            BLOCK,
            N_("Confidential or internal information"),
            N_(
                "Words like these, or an internal codename, mean the information is not for the "
                "public. Wait until it is published, then share the public version."
            ),
            CONFIDENTIAL,
        ),
        Rule(
            "CONF-MNPI",
            BLOCK,
            N_("Unreleased company financials or deals"),
            N_(
                "News about results, deals or mergers before they are announced can move markets "
                "and break insider-trading law. Wait for the announcement and link to it."
            ),
            CONFIDENTIAL,
        ),
        Rule(
            "RESP-TARGETED",
            HIGH,
            N_("An insult aimed at a person"),
            N_(
                "Insulting someone by name or handle turns a point into an attack and reflects on "
                "you and the company. Criticise the idea or the decision, not the person."
            ),
            RESPECT,
        ),
        Rule(
            "RESP-HARASS",
            BLOCK,
            N_("A threat, slur or harassment"),
            N_(
                "Threats, slurs and harassment are never acceptable and can be unlawful. Do not "
                "post this; if someone is harassing you, report it to HR."
            ),
            RESPECT,
        ),
        Rule(
            "TONE-PROFANITY",
            WARN,
            N_("Profanity"),
            N_(
                "Swearing reads worse in public and lasts longer than the moment. Say the same "
                "thing in words you would use in a meeting."
            ),
            PITFALLS,
        ),
        Rule(
            "TONE-RANT",
            WARN,
            N_("A rant"),
            N_(
                "Posting in anger is the pitfall people regret most. Save the draft, wait a day, "
                "and post the calm version, or raise it with the person directly."
            ),
            PITFALLS,
        ),
        Rule(
            "OVEREXPOSE",
            WARN,
            N_("Partying next to work"),
            N_(
                "Nights out next to your work life can cost trust with clients and colleagues. "
                "Keep those posts for friends, or leave work out of them."
            ),
            PITFALLS,
        ),
        Rule(
            "SPEAK-OFFICIAL",
            HIGH,
            N_("Speaking for the company"),
            N_(
                "Only the company's spokespeople may state its position or make promises for it. "
                "Say what you think as yourself, and point to the official channel."
            ),
            SPEAKING,
        ),
        Rule(
            "DISCLAIMER",
            WARN,
            N_("An opinion about the company without a disclaimer"),
            N_(
                "When you give your view of the company, readers may take it as the company's. "
                "Add a line such as \u201cviews are my own\u201d."
            ),
            DISCLOSING,
        ),
        Rule(
            "ENDORSE-DISCLOSE",
            HIGH,
            N_("Promoting our product without saying you work here"),
            N_(
                "Advertising law expects readers to know when a fan is an employee. Say clearly, "
                "near the start, that you work for the company (a vague tag does not count)."
            ),
            DISCLOSING,
        ),
        Rule(
            "COMPETITOR",
            WARN,
            N_("Running down a competitor"),
            N_(
                "Disparaging a competitor, or comparing without evidence, invites complaints and "
                "legal claims. Talk about what our work does well, and cite a source for "
                "comparisons."
            ),
            RESPECT,
        ),
        Rule(
            "INCIDENT",
            HIGH,
            N_("Speculating about an incident"),
            N_(
                "Guesses about an outage, a breach or a lawsuit spread faster than the facts and "
                "can harm the response. Point people to the official update instead."
            ),
            SPEAKING,
        ),
        Rule(
            "FIN-PROMISE",
            WARN,
            N_("Promised investment returns"),
            N_(
                "Nobody can promise returns, and in many countries doing so breaks financial "
                "promotion rules. Describe the product without promising gains."
            ),
            SPEAKING,
        ),
        Rule(
            "IP-REUSE",
            WARN,
            N_("Reposting someone else's work"),
            N_(
                "Photos, charts and articles belong to whoever made them. Link to the original, or "
                "ask and credit the author by name."
            ),
            CREDIT,
        ),
        Rule(
            "RIGHTS-NOTE",
            INFO,
            N_("You may have a right to discuss this"),
            N_(
                "In many places employees may lawfully discuss pay, hours, staffing, safety and "
                "organising with each other, and the guideline does not stop that. This is general "
                "information, not legal advice; privacy and respect still apply."
            ),
            RIGHTS,
        ),
    )
}

# An insult inside a protected discussion is shown at info level, with this explanation.
PROTECTED_INSULT = N_(
    "This is part of a discussion you may have a right to have, so it is not flagged as a "
    "problem; attacking a person still weakens your point. Name the decision, not the person."
)
