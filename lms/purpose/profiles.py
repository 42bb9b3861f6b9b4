"""The five purposes, what each means, tips for it and the lessons to revisit. Pure.

Professionals use LinkedIn and networks like it for a mix of reasons, and the mix changes
over a career: someone who loses their job may find most of their points move to job
seeking overnight. The self-assessment asks for that mix as 10 points.
"""

from __future__ import annotations

from dataclasses import dataclass

from lms.messages import N_, Message

ESSENTIALS = "social-media-essentials"
POINTS = 10
MAIN_FROM = 3  # a purpose with this many points or more is one of a person's main ones


@dataclass(frozen=True)
class Purpose:
    key: str  # the column it is stored in
    name: Message
    meaning: Message
    tips: tuple[Message, ...]
    lessons: tuple[str, ...]  # lesson slugs in the essentials course


PURPOSES = (
    Purpose(
        "business",
        N_("Business driven"),
        N_(
            "You are here to find and grow business: leads, clients and "
            "partners. Done well it is a patient, helpful conversation over "
            "months; done badly it is a stream of pitches nobody asked for."
        ),
        (
            N_("Keep your contact details and what you do easy to find and up to date."),
            N_("Connect with the clients you already work with, and take part in their posts."),
            N_("Give before you ask: useful answers and shared wins earn the right to a pitch."),
        ),
        ("set-up-your-profile", "sharing-opportunity", "conversation-and-recognition"),
    ),
    Purpose(
        "community",
        N_("Community spirit"),
        N_(
            "You are here to give: to share what you know with as many people "
            "as it helps, without looking for a sale, and to back other "
            "people's work."
        ),
        (
            N_(
                "Use every format there is (a short video, a carousel, a "
                "write-up) so more people can take in what you share."
            ),
            N_("When you help someone for free, ask them for a recommendation you can show."),
            N_("Thank and credit the people whose ideas you build on."),
        ),
        ("adding-value", "conversation-and-recognition"),
    ),
    Purpose(
        "learning",
        N_("Learning sponge"),
        N_(
            "You are here to learn: the network is one of the places you go "
            "for how-tos, research and the views of people who do your job "
            "well."
        ),
        (
            N_("Follow the hashtags and join the groups of the subjects you care about."),
            N_(
                "Connect with people you can learn from, whatever their title "
                "or country, and say why when you ask."
            ),
            N_("Ask your question in a comment or a message: most experts like to answer."),
        ),
        ("why-professionals-post", "daily-routine"),
    ),
    Purpose(
        "job_seeking",
        N_("Job seeking"),
        N_(
            "You are here for the next role, as a candidate looking or as "
            "someone hiring. Either way your profile is the first thing the "
            "other side reads."
        ),
        (
            N_(
                "Read your profile with a stranger's eyes, and ask someone "
                "you trust to check the spelling, the detail and the story it "
                "tells."
            ),
            N_("Look at the profiles of people already in the job you want, and learn from them."),
            N_("Share opportunities you hear of: the people you help will remember you."),
        ),
        ("set-up-your-profile", "sharing-opportunity"),
    ),
    Purpose(
        "vanity",
        N_("Vanity project"),
        N_(
            "You are here to be seen: followers and likes matter more than "
            "the conversation. It is honest to say so, and it is a good "
            "moment to ask what you want those numbers for."
        ),
        (
            N_("Pick one subject you know well and share something useful about it each week."),
            N_(
                "Reply to the people who comment on your posts: an audience "
                "grows into a community that way."
            ),
            N_("Watch for the pitfalls that chasing attention invites, such as posting in anger."),
        ),
        ("five-purposes", "adding-value", "pitfalls"),
    ),
)
KEYS = tuple(purpose.key for purpose in PURPOSES)
BY_KEY = {purpose.key: purpose for purpose in PURPOSES}


def main_purposes(split: dict[str, int]) -> list[Purpose]:
    """The purposes that carry most of a split, largest first (always at least one)."""
    ranked = sorted(PURPOSES, key=lambda purpose: (-split[purpose.key], KEYS.index(purpose.key)))
    main = [purpose for purpose in ranked if split[purpose.key] >= MAIN_FROM]
    return main or [ranked[0]]


def is_even(split: dict[str, int]) -> bool:
    """Points spread evenly (2 each): no purpose stands out."""
    return len(set(split.values())) == 1


def lessons_to_revisit(split: dict[str, int]) -> list[str]:
    """The lessons of the main purposes, each once, in the order of the purposes."""
    return list(dict.fromkeys(slug for p in main_purposes(split) for slug in p.lessons))
