"""The participa command line: the one place that wires config, client, store and reports.

Each ``*_cmd`` module registers its commands on ``app``. Library code never prints and never
exits; this package turns a ``ParticipaError`` into one line on stderr and an exit code.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click
import typer

from participa.cli.common import tr
from participa.errors import ParticipaError
from participa.messages import error_lang, localize

_CLICK_ERRORS: tuple[type[Exception], ...] = (click.exceptions.ClickException,)
try:  # typer >= 0.29 vendors its own click; catch both copies' exceptions
    from typer._click.exceptions import ClickException as _TyperClickException

    _CLICK_ERRORS += (_TyperClickException,)
except ImportError:  # pragma: no cover - older typer uses click itself
    pass
_ABORTS = (click.exceptions.Abort, typer.Abort)

app = typer.Typer(
    name="participa",
    help=tr(
        "Conector de participación de Decidim: sincroniza, etiqueta por departamento, genera "
        "informes y envía resúmenes por correo.",
        "Decidim participation connector: sync, tag by department, report and e-mail digests.",
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

# Command modules register themselves on `app` when imported.

from participa.cli import (  # noqa: E402,F401
    demo_cmd,
    departments_cmd,
    digest_cmd,
    ops_cmd,
    report_cmd,
    simulator_cmd,
    sync_cmd,
)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``participa`` console script; returns the exit code."""
    command = typer.main.get_command(app)
    try:
        result = command.main(
            args=list(argv) if argv is not None else sys.argv[1:],
            prog_name="participa",
            standalone_mode=False,
        )
    except ParticipaError as exc:  # Spanish unless PARTICIPA_LANG=en (participa.messages)
        print(f"Error: {localize(str(exc), error_lang(os.environ))}", file=sys.stderr)
        return exc.exit_code
    except _ABORTS:
        print("Interrumpido.", file=sys.stderr)
        return 130
    except _CLICK_ERRORS as exc:  # a mistake on the command line: usage, hint, the error
        _show_usage_error(exc, error_lang(os.environ))
        return int(exc.exit_code)  # type: ignore[attr-defined]
    except KeyboardInterrupt:
        print("Interrumpido.", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not a user's mistake: one line unless debugging
        if os.environ.get("PARTICIPA_DEBUG"):
            raise
        advice = ("set PARTICIPA_DEBUG=1 for the traceback and report it"
                  if error_lang(os.environ) == "en"
                  else "define PARTICIPA_DEBUG=1 para ver la traza y repórtalo")
        print(f"Error interno: {type(exc).__name__}: {exc} ({advice})", file=sys.stderr)
        return 70
    return result if isinstance(result, int) else 0


def _show_usage_error(exc: Exception, lang: str) -> None:
    """click's usage error (its usage line, the ``--help`` hint, the error) in ``lang``."""
    if lang == "en":
        exc.show()  # type: ignore[attr-defined]  # click's and typer's ClickException
        return
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        usage = ctx.get_usage().replace("Usage:", "Uso:", 1)
        print(f"{usage}\nPrueba '{ctx.command_path} --help' para ver la ayuda.\n",
              file=sys.stderr)
    message = exc.format_message()  # type: ignore[attr-defined]
    print(f"Error: {localize(message, lang)}", file=sys.stderr)


def run() -> None:
    sys.exit(main())
