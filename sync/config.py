"""The typed, frozen configuration of participa, read from one TOML file.

``load_config(path)`` is the only entry point. Every problem becomes a ``ConfigError`` whose
message names the file, the key and what is expected. Paths in the file are relative to
the file itself. Secrets are never read from the file: only the *names* of environment
variables that hold them (``token_env``, ``password_env``).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from participa.errors import ConfigError
from sync.config_secrets import check_no_secrets, config_warnings

CONFIG_ENV = "PARTICIPA_CONFIG"
DEFAULT_CONFIG_NAME = "config.toml"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class StoreConfig(_Model):
    path: Path = Path("participa.db")


class InstanceConfig(_Model):
    name: str
    url: str
    locale: str = "es"
    timezone: str = "America/Santiago"
    requests_per_minute: Annotated[float, Field(gt=0)] = 60
    max_concurrency: Annotated[int, Field(ge=1, le=16)] = 2
    token_env: str | None = None
    verify_tls: bool = True
    timeout_seconds: Annotated[float, Field(gt=0)] = 30
    max_retries: Annotated[int, Field(ge=0, le=20)] = 5
    refresh_closed_after_days: Annotated[int, Field(ge=0)] = 30
    closed_refresh_days: Annotated[int, Field(ge=0)] = 7

    @field_validator("name")
    @classmethod
    def _name_is_slug(cls, v: str) -> str:
        if not _SLUG.match(v):
            raise ValueError("expected a short name of lowercase letters, digits, '-' or '_'")
        return v

    @field_validator("url")
    @classmethod
    def _url_is_http(cls, v: str) -> str:
        if not re.match(r"^https?://[^\s/]+", v):
            raise ValueError(
                f"expected the instance's http(s) GraphQL endpoint, e.g. "
                f"'https://participa.example.cl/api', got {v!r}"
            )
        return v.rstrip("/")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {v!r}; use an IANA name such as 'America/Santiago'"
            ) from None
        return v

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def base_url(self) -> str:
        """The instance's public web address (the API URL without its trailing ``/api``)."""
        return re.sub(r"/api$", "", self.url)

    def token(self, environ: Mapping[str, str] | None = None) -> str | None:
        """The API bearer token from the environment, if ``token_env`` is set."""
        if not self.token_env:
            return None
        return (environ if environ is not None else os.environ).get(self.token_env) or None


NameList = list[str]


class DepartmentRule(_Model):
    """One ``[[departments]]`` table: a department or section and the rules that reach it.

    See ``sync.tagging`` for how each key matches. ``parent`` makes this rule a section:
    whatever it tags is also tagged with the parent department (rule ``section:<slug>``).
    """

    slug: str
    name: str
    parent: str | None = None
    keywords: NameList = []
    space_slugs: NameList = []
    categories: NameList = []
    scopes: NameList = []
    areas: NameList = []
    taxonomies: NameList = []
    hashtags: NameList = []

    @field_validator("slug")
    @classmethod
    def _slug_ok(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be empty")
        if not _SLUG.match(v):
            raise ValueError("expected lowercase letters, digits, '-' or '_' (e.g. 'diversidades')")
        return v

    @field_validator("name")
    @classmethod
    def _name_ok(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be empty; write the department's name as people know it")
        return v.strip()

    @field_validator("keywords")
    @classmethod
    def _keywords_have_words(cls, v: list[str]) -> list[str]:
        for kw in v:
            if not re.search(r"\w", kw):
                raise ValueError(f"keyword {kw!r} has no letters or digits")
        return v

    @field_validator("space_slugs", "categories", "scopes", "areas", "taxonomies", "hashtags")
    @classmethod
    def _names_not_blank(cls, v: list[str]) -> list[str]:
        for n, name in enumerate(v):
            if not name.strip().lstrip("#").strip():
                raise ValueError(f"entry {n} ({name!r}) is empty; remove it or write the name")
        return v


def _check_department_parents(departments: list[DepartmentRule]) -> None:
    """A section's ``parent`` names another department that is not itself a section."""
    by_slug = {d.slug: d for d in departments}
    for n, dep in enumerate(departments):
        if dep.parent is None:
            continue
        where = f"departments[{n}] ({dep.slug}).parent"
        parent = by_slug.get(dep.parent)
        if parent is None:
            known = ", ".join(sorted(by_slug))
            raise ValueError(f"{where}: unknown department {dep.parent!r}; known: {known}")
        if parent.slug == dep.slug or parent.parent is not None:
            raise ValueError(
                f"{where}: {dep.parent!r} must be a department, not this rule or another section"
            )


class ReportsConfig(_Model):
    templates_dir: Path | None = None
    lang: Literal["es", "en"] = "es"
    unanswered_after_days: Annotated[int, Field(ge=1)] = 30
    upcoming_days: Annotated[int, Field(ge=1)] = 14
    top_n: Annotated[int, Field(ge=1, le=50)] = 5
    trend_periods: Annotated[int, Field(ge=2, le=52)] = 8


class DigestConfig(_Model):
    name: str
    to: list[str]
    departments: list[str] = []
    lang: Literal["es", "en"] = "es"
    instance: str | None = None

    @field_validator("to")
    @classmethod
    def _addresses(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("needs at least one address")
        for addr in v:
            if "@" not in addr or any(c in addr for c in "\r\n"):
                raise ValueError(f"{addr!r} is not an e-mail address")
        return v


class EmailConfig(_Model):
    sender: str = Field(alias="from")
    smtp_host: str = "localhost"
    smtp_port: Annotated[int, Field(ge=1, le=65535)] = 587
    security: Literal["none", "starttls", "ssl"] = "starttls"
    username: str | None = None
    password_env: str | None = None
    reply_to: str | None = None
    timeout_seconds: Annotated[float, Field(gt=0)] = 30
    verify_tls: bool = True
    digests: list[DigestConfig] = []

    def password(self, environ: Mapping[str, str] | None = None) -> str | None:
        if not self.password_env:
            return None
        return (environ if environ is not None else os.environ).get(self.password_env) or None


class ScheduleConfig(_Model):
    """``[schedule]``: cron expressions for ``participa schedule`` and operating limits.

    ``timezone`` (default: the first instance's) is the zone the cron expressions are read in;
    ``lock_timeout_seconds`` is how long a sync waits for another one to finish
    (``sync.lock``) before giving up with ``LockedError``.
    """

    sync: str = "0 */4 * * *"
    digest: str = "0 8 * * mon"
    retention_days: Annotated[int, Field(ge=1)] | None = None
    stale_after_hours: Annotated[float, Field(gt=0)] = 12
    timezone: str | None = None
    lock_timeout_seconds: Annotated[float, Field(ge=0, le=3600)] = 10

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, v: str | None) -> str | None:
        return v if v is None else InstanceConfig._known_timezone(v)


class Config(_Model):
    store: StoreConfig = StoreConfig()
    instances: list[InstanceConfig]
    departments: list[DepartmentRule] = []
    reports: ReportsConfig = ReportsConfig()
    email: EmailConfig | None = None
    schedule: ScheduleConfig = ScheduleConfig()
    source: Path | None = Field(default=None, exclude=True)
    #: one-line warnings about risky settings (``sync.config_secrets``); the CLI prints them
    warnings: tuple[str, ...] = Field(default=(), exclude=True)

    @model_validator(mode="after")
    def _unique_names(self) -> Config:
        _no_duplicates([i.name for i in self.instances], "instances", "name")
        _no_duplicates([d.slug for d in self.departments], "departments", "slug")
        _check_department_parents(self.departments)
        if self.email:
            _no_duplicates([d.name for d in self.email.digests], "email.digests", "name")
            known = {d.slug for d in self.departments}
            for n, digest in enumerate(self.email.digests):
                for slug in digest.departments:
                    if slug not in known:
                        raise ValueError(
                            f"email.digests[{n}].departments: unknown department {slug!r}; "
                            f"known: {', '.join(sorted(known)) or 'none'}"
                        )
        if not self.instances:
            raise ValueError("instances: add at least one [[instances]] table")
        return self

    def instance(self, name: str | None) -> list[InstanceConfig]:
        """The instances to work on: all of them, or the one named."""
        if name is None:
            return list(self.instances)
        for inst in self.instances:
            if inst.name == name:
                return [inst]
        known = ", ".join(i.name for i in self.instances)
        raise ConfigError(f"no instance named {name!r} (configured: {known})", key="instances")

    def department(self, slug: str) -> DepartmentRule:
        for dep in self.departments:
            if dep.slug == slug:
                return dep
        known = ", ".join(d.slug for d in self.departments) or "none"
        raise ConfigError(f"no department {slug!r} (configured: {known})", key="departments")


def _no_duplicates(values: list[str], table: str, key: str) -> None:
    seen: set[str] = set()
    for n, v in enumerate(values):
        if v in seen:
            raise ValueError(f"{table}[{n}].{key}: duplicate {key} {v!r}")
        seen.add(v)


def find_config(path: Path | None, environ: Mapping[str, str] | None = None) -> Path:
    """``--config``, else ``$PARTICIPA_CONFIG``, else ``./config.toml``."""
    env = environ if environ is not None else os.environ
    if path is not None:
        return path
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV])
    return Path(DEFAULT_CONFIG_NAME)


def load_config(path: Path) -> Config:
    """Read, validate and resolve the config file at ``path``."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            "file not found; create one with 'participa init' or pass --config PATH",
            path=str(path),
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the file: {exc}", path=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", path=str(path)) from None
    return parse_config(raw, source=path)


def parse_config(raw: Mapping[str, Any], *, source: Path | None = None) -> Config:
    """Validate an already-parsed TOML mapping; relative paths resolve against ``source``."""
    name = str(source) if source else "config"
    check_no_secrets(raw, name)
    try:
        config = Config.model_validate({**raw, "source": source, "warnings": ()})
    except ValidationError as exc:
        raise ConfigError(_describe(exc.errors()[0], raw), path=name) from None
    config = config.model_copy(update={"warnings": config_warnings(raw, name)})
    return _resolve_paths(config, source.parent if source else Path.cwd())


def _describe(err: Any, raw: Mapping[str, Any]) -> str:
    loc = _dotted(err.get("loc", ()), raw)
    msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    if err.get("type") == "extra_forbidden":
        return f"{loc}: unknown key; check its spelling against config.example.toml"
    if err.get("type") == "missing":
        return f"{loc}: required key is missing"
    return f"{loc}: {msg}" if loc else msg


def _dotted(loc: tuple[Any, ...], raw: Mapping[str, Any]) -> str:
    out = ""
    node: Any = raw
    for part in loc:
        if isinstance(part, int):
            label = ""
            if isinstance(node, list) and part < len(node) and isinstance(node[part], dict):
                names = (node[part].get("slug"), node[part].get("name"))
                ident = next((str(n).strip() for n in names if str(n or "").strip()), "")
                label = f" ({ident})" if ident else ""
            out += f"[{part}]{label}"
            node = node[part] if isinstance(node, list) and part < len(node) else None
        else:
            key = "from" if part == "sender" else str(part)
            out += f".{key}" if out else key
            node = node.get(key) if isinstance(node, dict) else None
    return out


def _resolve_paths(config: Config, base: Path) -> Config:
    store = config.store.model_copy(update={"path": _under(base, config.store.path)})
    reports = config.reports
    if reports.templates_dir is not None:
        reports = reports.model_copy(update={"templates_dir": _under(base, reports.templates_dir)})
    return config.model_copy(update={"store": store, "reports": reports})


def _under(base: Path, path: Path) -> Path:
    path = path.expanduser()
    return path if path.is_absolute() else base / path
