"""Exceptions raised by the library; the CLI turns them into one-line errors."""


class VariorumError(Exception):
    """Base class: the message is meant for the user, on one line."""


class InputError(VariorumError):
    """A source cannot be read as an article (binary, undecodable, empty, too large)."""


class ManifestError(VariorumError):
    """A corpus folder's manifest is missing or malformed."""


class CorpusError(VariorumError):
    """A request conflicts with what the database holds (duplicate label, unknown version)."""
