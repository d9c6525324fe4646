"""Turn the bytes of a source into text (placeholder)."""

from variorum.errors import InputError


def decode_bytes(data: bytes, name: str = "<input>") -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"{name}: cannot decode as text ({e.reason})") from e
