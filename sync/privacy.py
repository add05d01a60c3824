"""Author keys: participants appear in the store only as a keyed hash of their type and id.

The secret lives beside the store in ``<store>.key`` (32 random bytes, permissions 0600), so
a copy of the database alone cannot be matched back to Decidim user ids.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from participa.errors import StoreError

KEY_BYTES = 32
AUTHOR_KEY_HEX = 32


def key_path(store_path: Path) -> Path:
    """``participa.db`` → ``participa.db.key``."""
    return Path(f"{store_path}.key")


def load_author_key(store_path: Path) -> bytes:
    """The store's author-hash secret, created (0600) on first use."""
    path = key_path(store_path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key(path)
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the author key ({exc.strerror})") from None
    secret = secrets.token_bytes(KEY_BYTES)
    with os.fdopen(fd, "wb") as fh:
        fh.write(secret)
    return secret


def _read_key(path: Path) -> bytes:
    try:
        secret = path.read_bytes()
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the author key ({exc.strerror})") from None
    if len(secret) != KEY_BYTES:
        raise StoreError(
            f"{path}: the author key should be {KEY_BYTES} bytes, found {len(secret)}; "
            "restore it from the backup made with the store"
        )
    return secret


def author_key(secret: bytes, typename: str, author_id: str) -> str:
    """HMAC-SHA256 of ``"<typename>:<id>"`` keyed with ``secret``, as 32 hex characters."""
    message = f"{typename}:{author_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:AUTHOR_KEY_HEX]
