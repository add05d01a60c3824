"""Secrets stay out of the config file: checks run by ``sync.config.parse_config``.

A config file is read by more people and copied to more places (backups, tickets, a
repository) than the environment of the service, so participa reads secrets only from
environment variables named in the file (``token_env``, ``password_env``). These checks
catch the usual mistakes, and never repeat the value they suspect is a secret:

- a ``password``/``token``-like key written in ``[email]`` or an ``[[instances]]`` table:
  a ``ConfigError`` (exit 2) saying where the value belongs instead;
- a ``*_env`` value that cannot be a variable name (``hunter2!``): a ``ConfigError``;
- a ``*_env`` value that is a valid name but not in capitals (``Hunter2``): a warning;
- ``verify_tls = false``: a warning (TLS verification is on unless turned off explicitly).

Warnings are returned as one-line strings; the CLI prints them on stderr.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from participa.errors import ConfigError

SECRET_KEYS = frozenset({"password", "passwd", "token", "api_token", "api_key", "secret",
                         "smtp_password", "access_token", "bearer"})
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_WHERE_ENV = {"email": "password_env", "instances": "token_env"}


def _tables(raw: Mapping[str, Any]) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """(dotted name, which ``*_env`` key fits it, table) for ``[email]`` and each instance."""
    email = raw.get("email")
    if isinstance(email, Mapping):
        yield "email", "password_env", email
    instances = raw.get("instances")
    for n, inst in enumerate(instances if isinstance(instances, list) else []):
        if isinstance(inst, Mapping):
            yield f"instances[{n}]", "token_env", inst


def check_no_secrets(raw: Mapping[str, Any], path: str) -> None:
    """``ConfigError`` when a secret seems to be written in the file itself."""
    for where, env_key, table in _tables(raw):
        for key in table:
            if str(key).lower() in SECRET_KEYS:
                raise ConfigError(
                    "secrets do not belong in the config file (whoever reads it or a backup "
                    f"gets them): delete this line, export the value in an environment "
                    f"variable (e.g. in /etc/participa/env, mode 0600) and write that "
                    f"variable's name in {where}.{env_key}",
                    path=path, key=f"{where}.{key}",
                )
        value = table.get(env_key)
        if isinstance(value, str) and value and not _ENV_NAME.match(value):
            raise ConfigError(
                "this is not an environment variable name (letters, digits and '_'); if you "
                "wrote the secret itself here, remove it, change that secret, export it in "
                f"a variable such as {_suggest(env_key)} and write the variable's name here",
                path=path, key=f"{where}.{env_key}",
            )


def config_warnings(raw: Mapping[str, Any], path: str) -> tuple[str, ...]:
    """One line per risky but valid setting: file, key, what to do."""
    out: list[str] = []
    for where, env_key, table in _tables(raw):
        value = table.get(env_key)
        if isinstance(value, str) and value and value != value.upper():
            out.append(
                f"{path}: {where}.{env_key}: the value is not in capitals; it should be the "
                f"*name* of a variable such as {_suggest(env_key)}, not the secret itself"
            )
        if table.get("verify_tls") is False:
            out.append(
                f"{path}: {where}.verify_tls: TLS certificates are NOT verified, so anyone on "
                "the network path can read and change this traffic; use it only for a test "
                "server and remove the line otherwise"
            )
    return tuple(out)


def _suggest(env_key: str) -> str:
    return "PARTICIPA_SMTP_PASSWORD" if env_key == "password_env" else "PARTICIPA_API_TOKEN"
