"""The same-run physical references every time is also expressed in: spin
and futex round trips between two threads, found under the backend names
each file's header gives them (none where a platform measures none)."""

# The header's `references` keys, in the order the report lists them, and
# what the report calls each one's median.
ROUND_TRIPS = {"spin": "spin round trip", "futex": "futex round trip"}


def round_trip(p, unit):
    """Median of platform p's reference of that unit ('spin', 'futex'), or None."""
    backend = (p.header.get("references") or {}).get(unit)
    return p.reference(backend) if backend else None


def spin_rt(p):
    return round_trip(p, "spin")


def futex_rt(p):
    return round_trip(p, "futex")
