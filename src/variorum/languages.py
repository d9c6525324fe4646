"""The languages variorum segments and parses figures for."""

from variorum.errors import VariorumError

SUPPORTED: dict[str, str] = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "ru": "Russian",
    "ar": "Arabic",
}


def check_lang(code: str) -> str:
    """Return the canonical code for ``code`` or raise a user-facing error."""
    canon = code.strip().lower().replace("_", "-").split("-")[0]
    if canon not in SUPPORTED:
        known = ", ".join(sorted(SUPPORTED))
        raise VariorumError(f"unknown language code {code!r} (supported: {known})")
    return canon
