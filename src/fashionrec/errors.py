"""Exceptions the library raises; only the CLI and the API turn them into exit codes and HTTP errors."""


class FashionrecError(Exception):
    """Base class: the message says what is wrong and how to fix it."""


class CatalogError(FashionrecError):
    """The catalogue folder cannot be used at all (no styles.csv, no images folder, bad header)."""


class ModelError(FashionrecError):
    """A checkpoint is missing, unreadable or does not match what is asked of it."""


class VectorIndexError(FashionrecError):
    """A vector index is missing, unreadable or inconsistent."""


IndexError_ = VectorIndexError      # its name until stop 40, kept for code written against it


class NotFoundError(FashionrecError, LookupError):
    """An item id that is not in the catalogue or index (a LookupError too, for ``except LookupError``).
    ``shopper``: what a shop's web page says instead of the message, where that tells whoever runs the shop
    what to run (a shopper cannot add a photo)."""

    def __init__(self, message: str, shopper: str | None = None):
        super().__init__(message)
        self.shopper = shopper


class BadInputError(FashionrecError, ValueError):
    """Input from a user (an image, a filter, a parameter) that cannot be used as given (a ValueError too, for
    ``except ValueError``)."""


class NoSpaceError(FashionrecError, OSError):
    """A file could not be written whole: its disk (or the account's quota) is full (HTTP 507). What was there
    before is left as it was. An OSError too, as the error it stands for was (``except OSError`` still catches it)."""


class NotWritableError(VectorIndexError):
    """The index folder cannot be written by this process (served read-only): a change is refused with HTTP 503,
    a server's state, not the request's fault (it was a 400, which alerts on 5xx do not see: an operator's
    trial)."""


class ChangedOnDiskError(VectorIndexError):
    """The index folder was written by another process since this one loaded it (HTTP 409)."""


class DamagedFileError(FashionrecError, ValueError):
    """A file fashionrec wrote can no longer be read as what it was (a JSON file cut short or edited)."""


class ConflictError(BadInputError):
    """A request that clashes with what the index holds (a product id already taken): HTTP 409."""


def option(name: str, value: object = None) -> str:
    """A setting as a message names it for both its readers: the Python parameter, then the CLI flag
    (``"batch_size (--batch-size)"``, or with a value ``"batch_size 64 (--batch-size 64)"``); the messages of
    training named the flag alone, which a notebook's user has never typed (an ML engineer's trial)."""
    flag = "--" + name.replace("_", "-")
    return f"{name} ({flag})" if value is None else f"{name} {value} ({flag} {value})"
