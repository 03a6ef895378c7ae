"""The record key (the schema's key_fields): what makes two measurements, of
two platforms or two runs, the same thing measured."""
from run_model import load_schema

KEY_FIELDS = load_schema().key_fields


def key(m):
    return tuple(m[k] for k in KEY_FIELDS)


def counterpart(platform, m):
    """platform's measurement of m's key, or None."""
    scenario, *rest = KEY_FIELDS
    found = platform.find(m[scenario], **{k: m[k] for k in rest})
    return found[0] if found else None
