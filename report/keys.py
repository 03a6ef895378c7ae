"""The record key (records.KEY_FIELDS): what makes two measurements, of two
platforms or two runs, the same thing measured."""
import records


def key(m):
    return tuple(m[k] for k in records.KEY_FIELDS)


def counterpart(platform, m):
    """platform's measurement of m's key, or None."""
    scenario, *rest = records.KEY_FIELDS
    found = platform.find(m[scenario], **{k: m[k] for k in rest})
    return found[0] if found else None
