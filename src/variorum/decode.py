"""Turn the bytes of a source into text, or refuse them with a one-line reason.

UTF-8 (with or without BOM) and UTF-16/UTF-32 with a BOM are decoded directly.
Anything else that is not UTF-8 is handed to charset-normalizer, except a file that
is UTF-8 apart from a few bad bytes: guessing a legacy encoding for it would turn
all its good characters into mojibake, so the bad spot is reported instead.
Line endings come out as ``\\n``; other control characters are kept.
"""

from __future__ import annotations

import codecs

from variorum.errors import InputError

# (prefix, description); checked in order, so longer prefixes come first.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a DOCX/ODT/EPUB document)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\x1f\x8b", "a GZIP archive"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"BZh", "a BZIP2 archive"),
    (b"\xfd7zXZ\x00", "an XZ archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x28\xb5\x2f\xfd", "a Zstandard archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "an executable (ELF)"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x00asm", "a WebAssembly module"),
    (b"OggS", "an Ogg media file"),
    (b"fLaC", "a FLAC audio file"),
    (b"ID3", "an MP3 audio file"),
    (b"wOFF", "a WOFF font"),
    (b"wOF2", "a WOFF2 font"),
    (b"{\\rtf", "an RTF document"),
)

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)

_SAMPLE = 64 * 1024
# Legacy code pages of the supported languages (en, de, fr, es, ru, ar), most
# widespread first: charset-normalizer scores cp1250 and cp1252 alike on Spanish.
_PREFERRED: dict[str, int] = {
    enc: i
    for i, enc in enumerate(
        [
            "cp1252",
            "cp1251",
            "cp1256",
            "koi8_r",
            "iso8859_15",
            "latin_1",
            "iso8859_5",
            "iso8859_6",
            "cp866",
            "mac_cyrillic",
            "koi8_u",
            "mac_roman",
            "cp850",
            "cp1250",
            "iso8859_2",
        ]
    )
}
# charset-normalizer looks at a sample; legacy files are small enough in practice, but a
# 20 MB one must not make it crawl.
_DETECT_SAMPLE = 512 * 1024


def decode_bytes(data: bytes, name: str = "<input>") -> str:
    """Decode ``data`` to text with ``\\n`` line endings, or raise InputError."""
    kind = _magic(data)
    if kind:
        raise InputError(f"{name}: looks like {kind}, not text")
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as e:
                raise InputError(
                    f"{name}: starts with a {label} byte order mark but is not valid {label} "
                    f"(byte offset {e.start + len(bom)})"
                ) from e
            return _newlines(text)
    if b"\x00" in data:
        raise InputError(_nul_message(data, name))
    try:
        return _newlines(data.decode("utf-8"))
    except UnicodeDecodeError as e:
        first_bad = e.start
    if _mostly_utf8(data):
        line = data.count(b"\n", 0, first_bad) + 1
        raise InputError(
            f"{name}: invalid UTF-8 at line {line}, byte offset {first_bad} "
            f"(byte 0x{data[first_bad]:02x}); the rest is UTF-8, so fix that spot "
            "or re-save the file as UTF-8"
        )
    return _newlines(_legacy(data, name))


def _magic(data: bytes) -> str | None:
    for prefix, kind in _MAGIC:
        if data.startswith(prefix):
            return kind
    if data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return {b"WEBP": "a WebP image", b"WAVE": "a WAV audio file"}.get(
            data[8:12], "an AVI video"
        )
    if data[4:8] == b"ftyp":
        return "an MP4/MOV media file"
    return None


def _nul_message(data: bytes, name: str) -> str:
    sample = data[:_SAMPLE]
    half = max(1, len(sample) // 2)
    even = sample[0::2].count(0) / half
    odd = sample[1::2].count(0) / half
    # ASCII-range text in UTF-16 has a NUL in every other byte, on one side only.
    if max(even, odd) > 0.3 and min(even, odd) < 0.05:
        order = "big-endian" if even > odd else "little-endian"
        return (
            f"{name}: looks like UTF-16 ({order}) text without a byte order mark; "
            "re-save it as UTF-8, or as UTF-16 with a BOM"
        )
    return f"{name}: looks like binary data (it contains NUL bytes), not text"


def _mostly_utf8(data: bytes) -> bool:
    """True when the data has real multi-byte UTF-8 sequences and no more bad bytes."""
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd")
    bad = replaced - data.count("\ufffd".encode())
    good = len(text) - len(text.encode("ascii", errors="ignore")) - replaced
    return good > 0 and good >= bad


def _legacy(data: bytes, name: str) -> str:
    encoding = _detect(data[:_DETECT_SAMPLE])
    if encoding is None:
        raise InputError(
            f"{name}: cannot decode as text (not UTF-8 and no known encoding fits); "
            "re-save it as UTF-8"
        )
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as e:
        raise InputError(
            f"{name}: cannot decode as text (not UTF-8, and not valid {encoding} "
            "throughout); re-save it as UTF-8"
        ) from e


def _detect(sample: bytes) -> str | None:
    """The legacy encoding of ``sample``: first among the code pages of the supported
    languages, then any; ties go to the most widespread code page."""
    from charset_normalizer import from_bytes

    for isolation in (list(_PREFERRED), None):
        matches = list(from_bytes(sample, cp_isolation=isolation))
        if not matches:
            continue
        best = matches[0]
        # Code pages that decode the sample identically are grouped in one match.
        tied = [
            enc
            for m in matches
            if m.chaos == best.chaos and m.coherence == best.coherence
            for enc in m.could_be_from_charset
        ]
        ranked = sorted(tied, key=lambda enc: _PREFERRED.get(enc, len(_PREFERRED)))
        return ranked[0]
    return None


def _newlines(text: str) -> str:
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")
