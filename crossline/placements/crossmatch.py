"""Does a force already hold a record of the placed child? The matcher behind the match alerts.

A deliberately simple stand-in for the linkage engine that will replace it: candidates are the
people in forces' current national returns born on the child's date of birth or on the same date
with day and month transposed (a common slip: 05/01 for 01/05); a candidate matches when the names
agree, exactly or nearly (a typing slip, a short form), in either order, or through an alias.
Only `crossmatch_child` is called from outside, so the engine can replace this module whole.
"""

from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher

from crossline.placements.models import MatchStrength, PlacementNotification
from crossline.reference.models import PoliceForce
from crossline.returns.models import Person
from crossline.returns.normalise import name_key

# Names are similar when one typing slip apart ("jai"/"jay", "smyth"/"smith", "jya"/"jay"), or, for
# longer names, close by SequenceMatcher's ratio ("mohammed"/"muhammad" 0.875).
SIMILAR = 0.85
SHORTEST_FOR_A_SLIP = 3


@dataclass(frozen=True)
class Match:
    person_id: int
    force: PoliceForce
    record_ref: str
    strength: str  # MatchStrength


def crossmatch_child(notification: PlacementNotification) -> list[Match]:
    """The records in current national returns that may be the notification's child, best first."""
    born = notification.date_of_birth
    surname, forenames = name_key(notification.child_surname), name_key(notification.child_forenames)
    if not surname or not forenames:
        return []
    candidates = (
        Person.objects.filter(national_return__is_current=True, date_of_birth__in=_birth_dates(born))
        .select_related("national_return__force")
        .only("id", "ref", "surname_key", "forenames_key", "alias_keys", "date_of_birth", "national_return__force")
    )
    matches = []
    for person in candidates:
        strength = _strength(surname, forenames, born, person)
        if strength is not None:
            matches.append(Match(person_id=person.pk, force=person.national_return.force, record_ref=person.ref,
                                 strength=strength))
    return sorted(matches, key=lambda m: (m.strength != MatchStrength.EXACT, m.force.code, m.record_ref))


def _birth_dates(born: date) -> list[date]:
    dates = [born]
    if born.day != born.month and born.day <= 12:
        try:
            dates.append(born.replace(month=born.day, day=born.month))
        except ValueError:
            pass
    return dates


def _first(key: str) -> str:
    return key.split(" ", 1)[0] if key else ""


def _one_slip_apart(a: str, b: str) -> bool:
    """One letter changed, added, dropped, or two neighbours swapped."""
    if min(len(a), len(b)) < SHORTEST_FOR_A_SLIP or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        differ = [i for i in range(len(a)) if a[i] != b[i]]
        return len(differ) == 1 or (len(differ) == 2 and differ[1] == differ[0] + 1
                                    and a[differ[0]] == b[differ[1]] and a[differ[1]] == b[differ[0]])
    shorter, longer = sorted((a, b), key=len)
    return any(longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))


def _similar(a: str, b: str) -> bool:
    return bool(a and b) and (a == b or _one_slip_apart(a, b) or SequenceMatcher(None, a, b).ratio() >= SIMILAR)


def _strength(surname: str, forenames: str, born: date, person: Person) -> str | None:
    if not person.surname_key and not person.alias_keys:
        return None
    same_day = person.date_of_birth == born
    first = _first(forenames)
    their_first = _first(person.forenames_key)
    if same_day and person.surname_key == surname and (their_first == first or person.forenames_key == forenames):
        return MatchStrength.EXACT
    names_agree = (
        (_similar(person.surname_key, surname) and _similar(their_first, first))
        or (person.surname_key == first and their_first == surname)  # written the other way round
        or any(_similar(alias, f"{first} {surname}") or _similar(alias, f"{forenames} {surname}")
               for alias in person.alias_keys or [])
    )
    return MatchStrength.PROBABLE if names_agree else None
