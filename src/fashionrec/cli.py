"""The ``fashionrec`` command line: thin wrappers that parse options and call the package's verbs."""

from __future__ import annotations

import contextlib
import copy
import inspect
import json
import logging
import os
import re
import shlex
import sys
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import typer
import typer.core
from rich.console import Console
from rich.markup import escape

from fashionrec.errors import FashionrecError
from fashionrec.signals import exit_code, how_stopped, stop_on_sigterm


def _flag_without_a_type(option_class) -> None:
    """Typer 0.2x's help shows each option's type, a flag's too: ``--strict <bool>``, read by a new user's trial
    (stop 68) as "--strict true", which is refused (a flag takes no value). A flag's type is left out; the others
    (``<path>``, ``<int>``) stay. Older typers, which show no types, have no such method and are left as they are."""
    shown = getattr(option_class, "display_type_rich", None)
    if shown is None or getattr(shown, "_flag_without_a_type", False):
        return

    def display_type_rich(self, ctx):
        return None if getattr(self, "is_flag", False) else shown(self, ctx)

    display_type_rich._flag_without_a_type = True
    option_class.display_type_rich = display_type_rich


_flag_without_a_type(typer.core.TyperOption)


class Group(typer.core.TyperGroup):
    """A ``fashionrec`` group (the root, ``data``, ``index``, ``recommend``): each command's line in the group's
    ``--help`` is one line, each argument is said as ``--help`` shows it, and the group alone, without a command,
    is a mistake said on stderr."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for command in self.commands.values():
            _as_help_shows(command)

    def parse_args(self, ctx, args):
        if not args and self.no_args_is_help and not ctx.resilient_parsing:
            # The help on stderr, exit 2: on stdout (click's way), `x=$(fashionrec recommend $KIND)` with $KIND
            # unset got the help as its answer (an operator's trial). Exit 2, as for any command line refused: a
            # script's empty variable is a mistake that `set -e` should stop at, not a success (`fashionrec
            # --help`, asked for, is stdout and 0). Rich prints the help as it formats it.
            with contextlib.redirect_stdout(sys.stderr):
                said = ctx.get_help()
            if said:
                typer.echo(said, err=True)
            raise typer.Exit(2)
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx, args):
        try:
            return super().resolve_command(ctx, args)
        except typer.TyperException as e:
            # "No such command 'bogus'." (click's words): said as the CLI says an unknown option, a typo's match
            # (typer's "Did you mean") kept.
            word = args[0] if args else ""
            if not word or word.startswith("-") or self.get_command(ctx, word) is not None:
                raise
            where = ctx.command_path
            like = _close_match(word, self.list_commands(ctx))
            raise _Refused(f"{word} is not a command of `{where}`: " + (f"did you mean {like}? " if like else "")
                           + f"`{where} --help` lists them", ctx=ctx) from e


def _as_help_shows(command) -> None:
    """``command`` as its group's ``--help`` and its parser say it: a short help of one line (rich keeps a
    docstring's line breaks in the group's command list, where the command's own ``--help`` joins them: `tag`'s
    and `index check`'s line broke mid-sentence), and each argument by an upper-case name, as the docstrings say
    them (ITEM_ID): typer named it in lower case, ``{item_id}`` in the usage and "Invalid value for 'item_id'" in
    a refusal. A list's name in the singular (``{ITEM_ID}...``)."""
    if command.short_help is None and command.help:
        command.short_help = " ".join(inspect.cleandoc(command.help).split("\n\n")[0].split())
    for param in command.params:
        if isinstance(param, typer.core.TyperArgument) and param.metavar is None:
            name = param.name.upper()
            param.metavar = name[:-1] if param.nargs != 1 and name.endswith("S") else name


class _RootGroup(Group):
    """The ``fashionrec`` group: a command line its parser refuses (an unknown option, ``-k abc``, a missing
    argument, an unknown command) is said in the CLI's words, with what to type (:func:`_in_our_words`), and on
    stdout too, as ``{"detail": ...}``, where the command's answer is JSON there (``--json``, ``--json -``): a
    script piping it to ``jq`` read nothing there, where every other failure printed one object (an operator's
    trial). Exit 2 and the usage on stderr as before."""

    def parse_args(self, ctx, args):
        # Each command line's own (one process runs several in tests): an unknown command is refused before the
        # root's callback resets them.
        _JsonOnStdout.wanted = _JsonOnStdout.printed = False
        given = list(args)      # as typed: the parser takes the words it reads off the list
        try:
            return super().parse_args(ctx, args)
        except typer.TyperException as e:
            # The root's own options (`fashionrec --bogus --json`): no command's --json was read there, and no
            # {"detail"} printed (an operator's trial).
            _refuse(e, getattr(e, "ctx", None) or ctx, given, _context_of(ctx, _words(given)))
        except KeyboardInterrupt as e:
            # While the line is read (typer imports pydantic to read its values, some tenths of a second): typer
            # ended it in exit 130 without a word.
            _JsonOnStdout.wanted = _json_asked(_context_of(ctx, _words(given)).command, given)
            stopped(e, _NOTHING_DONE)

    def invoke(self, ctx):
        # The subcommand's words, before they are parsed (click keeps the first apart, in a private list: read
        # without failing where another version names it otherwise).
        given = [*getattr(ctx, "_protected_args", ()), *ctx.args]
        try:
            return super().invoke(ctx)
        except typer.TyperException as e:      # click's (typer's own copy's) errors: UsageError and its kinds
            # The context of the (sub)command whose words were refused; an option given no value names none
            # ("`fashionrec --help` lists the options" was said of `data check --json`, and no usage shown).
            failed = getattr(e, "ctx", None) or _context_of(ctx, given)
            _refuse(e, failed, given, _context_of(ctx, _words(given)))
        except KeyboardInterrupt as e:
            # One the command did not catch (while its modules or the model loaded, or in a command with nothing
            # of its own to say): typer ended it in exit 130 without a word, a SIGTERM too (not 143), and no JSON
            # under --json (an operator's trial).
            stopped(e, "each file a command writes goes in whole or not at all, so none is left half-written: "
                    "run it again")


def _words(given: list[str]) -> list[str]:
    """The words of a command line that may name its command: its options left out (the groups take flags
    alone, so no option's value is among them before the command's name)."""
    return [w for w in given if not w.startswith("-")]


def _refuse(e: Exception, failed, given: list[str], named) -> NoReturn:
    """The parser's refusal ``e`` of the command line ``given`` (the words of ``failed``'s command, or of one
    ``named`` under it), said in the CLI's words where :func:`_in_our_words` has them, and as ``{"detail": ...}``
    on stdout where the command line asks for JSON there."""
    ours = _in_our_words(e, failed, named)
    if _json_asked(named.command, given):
        _JsonOnStdout.wanted = True
        # A refusal without words of ours (a choice, a flag given a value) where the command's --help lists
        # what it takes.
        json_error(ours or f"{e.format_message()} (`{failed.command_path} --help` lists the options)")
    if ours:
        raise _Refused(ours, ctx=failed) from e
    raise e


_NOTHING_DONE = "nothing was done yet (the command had not started): run it again"


class _Refused(typer.BadParameter):
    """A command line refused by the parser, in the CLI's words alone (typer's usage and exit 2 as for any
    refusal), without click's "Invalid value:" before them."""

    def format_message(self) -> str:
        return self.message


def _in_our_words(e: Exception, failed, named=None) -> str | None:
    """The parser's refusal ``e`` (in ``failed``'s context) said in the CLI's words, with what to type: a value
    refused or missing, an unknown option, a missing argument, an argument too many, an unknown command (said by
    :meth:`Group.resolve_command`). None for any other (typer's words then)."""
    if isinstance(e, _Refused):
        return e.message
    return (_value_refused(e) or _no_value(e, failed) or _no_such_option(e, failed, named)
            or _missing_argument(e, failed) or _extra_arguments(e, failed))


def _opts(command) -> list[str]:
    """Every flag of ``command``, as typed (``--json``, ``-k``)."""
    return [o for p in getattr(command, "params", ()) if isinstance(p, typer.core.TyperOption)
            for o in (*p.opts, *p.secondary_opts)]


def _close_match(word: str, choices) -> str | None:
    """The one of ``choices`` ``word`` is a typo of (``--strickt``: ``--strict``), or None. Closer than click's
    cut-off: it offered ``--token`` for ``--json`` ("Possible options: --token", an operator's trial)."""
    from difflib import get_close_matches

    found = get_close_matches(word, list(choices), n=1, cutoff=0.8)
    return found[0] if found else None


def _no_such_option(e: Exception, ctx, named=None) -> str | None:
    """An unknown option ("No such option: --bogus", click's words) said by the command it was given to, with
    its typo's match where it has one and where to read the options; an option of another level of the command
    line (``fashionrec recommend similar 1 -v``, ``fashionrec --json recommend ...``) with where it goes."""
    option = getattr(e, "option_name", None)
    if not option or not hasattr(e, "possibilities"):       # NoSuchOption's (BadOptionUsage has no possibilities)
        return None
    where = ctx.command_path
    if named is not None and named.command is not ctx.command and option in _opts(named.command):
        return f"{option} is an option of `{named.command_path}`, not of `{where}`: put it after " \
               f"`{named.command_path}`"
    parent = ctx.parent
    while parent is not None:
        if option in _opts(parent.command):
            return f"{option} is an option of `{parent.command_path}`, not of `{where}`: put it before the " \
                   f"command, e.g. `{parent.command_path} {option}{where[len(parent.command_path):]} ...`"
        parent = parent.parent
    like = _close_match(option, _opts(ctx.command)) if option.startswith("--") else None
    return f"{option} is not an option of `{where}`: " + (f"did you mean {like}? " if like else "") + \
        f"`{where} --help` lists them"


# What to type for an argument, by its name as --help shows it: for a missing argument's example (the README's).
ARGUMENT_EXAMPLES = {"ITEM_ID": "15970", "QUERY": "'black formal shoes for men'", "PATH": "photo.jpg",
                     "PHOTO|FOLDER": "photo.jpg", "SOURCE": "new-arrivals/", "QUERY_DIR": "runs/subsets/test",
                     "RUN_DIR": "runs/train/shop", "CHECKPOINT": "runs/train/a runs/train/b"}


def _argument_said(param) -> str:
    """An argument as ``--help`` shows it (ITEM_ID)."""
    return param.metavar or param.name.upper()


def _missing_argument(e: Exception, ctx) -> str | None:
    """A missing argument ("Missing argument 'QUERY'.", click's words) said with an example of what to type."""
    param = getattr(e, "param", None)
    if not hasattr(e, "param_type") or not isinstance(param, typer.core.TyperArgument):    # MissingParameter's
        return None
    where, name = ctx.command_path, _argument_said(param)
    example = ARGUMENT_EXAMPLES.get(name)
    several = " (one or more)" if param.nargs == -1 else ""
    return f"`{where}` needs {name}{several}: " + (f"e.g. `{where} {example}`; " if example else "") + \
        f"`{where} --help` says what it takes"


def _extra_arguments(e: Exception, ctx) -> str | None:
    """Words a command takes no argument for ("Got unexpected extra argument(s) (dress)", click's words) said with
    what it takes; words with spaces not in quotes (``recommend text red dress``) with the command line quoted."""
    found = re.fullmatch(r"Got unexpected extra arguments?(?:\(s\))? \((.*)\)", str(getattr(e, "message", "")),
                         re.DOTALL)
    if not found:
        return None
    extra, where = found.group(1), ctx.command_path
    arguments = [p for p in ctx.command.params if isinstance(p, typer.core.TyperArgument)]
    # An id, text since stop 73 (a Handle), is one word: `similar 1 2` is an argument too many, not "1 2" unquoted.
    words = [p for p in arguments if p.nargs == 1 and p.type_descriptor.annotation is str and p.name != "item_id"]
    given = ctx.params.get(words[0].name) if len(arguments) == 1 and words else None
    if isinstance(given, str):
        return f"`{where}` takes one {_argument_said(words[0])}: put words with spaces in quotes, e.g. " \
               f"`{where} {shlex.quote(f'{given} {extra}')}`"
    takes = ", ".join(("one " if p.required else "at most one ") + _argument_said(p) if p.nargs == 1 else
                      f"{_argument_said(p)}..." for p in arguments) or "no arguments"
    return f"{extra} {'are' if ' ' in extra else 'is'} more than `{where}` takes ({takes}; a value with spaces " \
           f"goes in quotes): `{where} --help` says what it takes"


def _context_of(ctx, given: list[str]):
    """The context of the (sub)command ``given`` names under ``ctx``'s group (the group's own where it names
    none), made for its usage line and command path: not parsed."""
    for word in given:
        command = getattr(ctx.command, "commands", {}).get(word)
        if command is None:
            break
        ctx = typer.Context(command, info_name=word, parent=ctx)
    return ctx


def _no_value(e: Exception, ctx) -> str | None:
    """An option given no value ("Option '-k' requires an argument.", click's words, at the end of a command line),
    said with what to type, as :func:`_value_refused` says a value refused."""
    option = getattr(e, "option_name", None)
    if not option or "requires" not in str(getattr(e, "message", "")):
        return None
    param = next((p for p in ctx.command.params if option in getattr(p, "opts", ())), None)
    what = _what_to_type(param, option) if param is not None else None
    if option == "--json":      # a file option's (a flag's takes none)
        what = "the file to write the JSON to, or - for stdout"
    return f"{option} needs a value after it: " + (f"give {what}" if what else
                                                    f"`{ctx.command_path} --help` says what it takes")


def _what_to_type(param, flag: str) -> str | None:
    """What ``param`` (a number's) takes, as ``flag`` is given: "a whole number from 1900 to 2100", "a number,
    e.g. --diversity 0"; None for a parameter of another type."""
    annotation = param.type_descriptor.annotation
    base = typing.get_args(annotation)[0] if typing.get_origin(annotation) in (list, tuple) else annotation
    kind = {int: "whole number", float: "number"}.get(base)
    if kind is None:
        return None
    said = {int: str, float: lambda x: f"{x:g}"}[base]
    low, high = param.min, param.max
    span = (f" from {said(low)} to {said(high)}" if low is not None and high is not None else
            f" of at least {said(low)}" if low is not None else f" of at most {said(high)}" if high is not None
            else "")
    if param.name in ("item_id", "item_ids"):
        return "a product's id (a whole number)"
    if isinstance(param, typer.core.TyperOption) and isinstance(param.default, int | float) \
            and not isinstance(param.default, bool):
        return f"a {kind}{span}, e.g. {flag} {said(param.default)}"      # its default: a value it takes
    return f"a {kind}{span}"


def _value_refused(e: Exception) -> str | None:
    """A number the parser refused, said by the flag or argument as ``--help`` shows it and with what to type
    ("--year 3000 is out of range: give a whole number from 1900 to 2100"), where typer said pydantic's words of
    its parameter ("Invalid value for '--year': Input should be less than or equal to 2100", "Invalid value for
    'item_id': Input should be a valid integer, unable to parse string as an integer": an operator's trial).
    None for any other refusal (an unknown option, a missing argument), said as typer says it."""
    from pydantic import ValidationError

    param, cause = getattr(e, "param", None), e.__cause__
    if param is None or not isinstance(cause, ValidationError) or not cause.errors():
        return None
    error = cause.errors()[0]
    flag = max(param.opts, key=len) if isinstance(param, typer.core.TyperOption) else param.metavar or param.name
    what = _what_to_type(param, flag)
    if what is None:
        return None
    given = shlex.quote(str(error.get("input", "")))
    failed = getattr(e, "ctx", None)
    source = failed.get_parameter_source(param.name) if failed is not None else None
    if source is not None and source.name == "ENVIRONMENT" and param.envvar:
        named = f"{param.envvar}={given} (for {flag})"
    else:
        named = f"{flag} {given}"
    kind = "whole number" if "whole number" in what else "number"
    wrong = "is out of range" if error["type"] in ("less_than_equal", "greater_than_equal", "less_than",
                                                   "greater_than") else f"is not a {kind}"
    return f"{named} {wrong}: give {what}"


def _json_asked(command, given: list[str]) -> bool:
    """Whether ``given`` asks ``command`` for JSON on stdout: its ``--json`` flag, or ``--json -`` where
    ``--json`` takes a file; ``--json`` where the command has none (a script that wants JSON gets the refusal so)."""
    option = next((p for p in getattr(command, "params", ()) if "--json" in getattr(p, "opts", ())), None)
    for i, word in enumerate(given):
        if word == "--":
            break
        # (`--json` last, its file left out: JSON on stdout is what a pipe after it reads.)
        if word == "--json=-" or (word == "--json" and (option is None or getattr(option, "is_flag", False)
                                                        or given[i + 1:i + 2] in (["-"], []))):
            return True
    return False


app = typer.Typer(help="Tag a fashion catalogue from its photos and recommend similar items and outfits.",
                  no_args_is_help=True, pretty_exceptions_enable=False, cls=_RootGroup)
data_app = typer.Typer(help="Check a catalogue folder, map a shop's own column names to its columns, and make "
                       "train/val/test splits.", no_args_is_help=True, cls=Group)
app.add_typer(data_app, name="data")
# Table width when output goes to a file or a pipe, where rich would otherwise wrap everything at 80 columns.
PIPED_WIDTH = 200


def _console(stderr: bool = False) -> Console:
    """A terminal's console as rich sets it up; piped or redirected, one that leaves lines whole (the commands
    a message suggests broke across lines, "`fashionrec \\n index build`", and reasons ran to six lines).
    Text is printed as written, not read as rich markup (``markup=True`` where a message styles itself): a path or
    a product name with brackets lost them ("runs/index[v2]" printed as "runs/index")."""
    terminal = Console(stderr=stderr, markup=False)
    if terminal.is_terminal or os.environ.get("COLUMNS"):
        return terminal
    return Console(stderr=stderr, soft_wrap=True, width=PIPED_WIDTH, markup=False)


console = _console()
err_console = _console(stderr=True)

DataDir = typer.Argument(None, help="Catalogue folder (styles.csv + images/, or the table and photo folder its "
                         "columns.json names). Default: $FASHIONREC_DATA "
                                    "or ../shared/datasets/fashion-product-images-small (from the working "
                                    "folder, else from this checkout)")


# `--json -`: the JSON on stdout, for a pipe (`recommend --json` prints its JSON there; an ML engineer's trial
# looked for the same in `data check` and `evaluate`).
STDOUT = Path("-")


class _JsonOnStdout:
    """Whether the running command's answer is JSON on stdout (``recommend --json``, ``data check --json -``), and
    whether it has printed it: a failure is then said there too, once, as one JSON object."""

    wanted = False
    printed = False


def json_wanted(_ctx, _param, value):
    """``--json``'s callback (a flag, or ``-`` for a file option): remembered when it is parsed, before the command
    runs, so that every way a command fails (``fail``, a Ctrl-C, an error ``main`` catches) finds it."""
    _JsonOnStdout.wanted = value is True or value == STDOUT
    return value


def print_json(payload: dict) -> None:
    """``payload`` on stdout, the only thing there (what ``--json`` promises a pipe)."""
    sys.stdout.write(json.dumps(payload, indent=2, default=str) + "\n")
    sys.stdout.flush()
    _JsonOnStdout.printed = True


def json_error(message: str) -> None:
    """A failed ``--json`` command's one JSON object on stdout, as the API answers an error (``{"detail": ...}``,
    ``schemas.Error``): a pipe read nothing there and had to parse stderr's line (an integrator's trial). Nothing
    where the command's JSON is out already, or its answer is not JSON on stdout."""
    if _JsonOnStdout.wanted and not _JsonOnStdout.printed:
        print_json({"detail": message})


@contextlib.contextmanager
def json_on_stdout(json_out: Path | None) -> Iterator[None]:
    """With ``--json -``, every line the command prints goes to stderr, so that stdout holds the JSON alone."""
    if json_out != STDOUT:
        yield
        return
    console.stderr = True
    try:
        yield
    finally:
        console.stderr = False


def emit_json(json_out: Path, payload: dict, what: str) -> None:
    """``payload`` to ``json_out`` (written atomically, and said), or on stdout for ``-``."""
    from fashionrec.artifacts import write_json

    if json_out == STDOUT:
        print_json(payload)
        return
    try:
        write_json(json_out, payload)
    except FashionrecError as e:
        fail(f"--json: {e}")
    console.print(f"{what} written to {json_out}", highlight=False)


def check_json_out(json_out: Path | None) -> None:
    """Refuse a ``--json`` file that cannot be written before the command's work (a file inside /proc failed after
    a whole evaluation, its metrics lost; a folder; the catalogue's own styles.csv, which was written over)."""
    from fashionrec.artifacts import check_writable

    if json_out is None or json_out == STDOUT:
        return
    try:
        check_writable(json_out)
    except FashionrecError as e:
        fail(f"--json {e}" + (f" (e.g. {json_out / 'report.json'}), or - for stdout" if json_out.is_dir() else ""))


def stopped(e: KeyboardInterrupt, left: str) -> NoReturn:
    """A Ctrl-C or SIGTERM said with what it left (``left``), ending with the signal's exit code: click's own word
    was "Aborted!", which did not say whether a report or a split was left half-written (a code review)."""
    err_console.print(f"{how_stopped(e)}: {left}", highlight=False)
    json_error(f"{how_stopped(e)}: {left}")
    raise typer.Exit(exit_code(e)) from None


def _left_as_it_was(existing: list[Path], what: str) -> str:
    """What a stop leaves of a command that puts its ``what`` in place whole, at its end: the ``existing`` paths
    as they were, or nothing ("holds the split of before" was said of a path that had none: a code review)."""
    if not existing:
        return f"nothing was written (the {what} is put in place whole, at the end): run the command again"
    held = " and ".join(str(p) for p in existing) + (" hold" if len(existing) > 1 else " holds")
    return f"{held} the {what} of before (put in place whole, at the end; stopped as it was put there, the new " \
        "one): run the command again"


def splits_of_another_catalogue(data_dir: Path, out: Path, folders: Path | None) -> list[tuple[Path, str]]:
    """The splits at ``out`` (its .json sidecar) and ``folders`` (their split.json) that another catalogue folder
    than ``data_dir`` made, each with that folder. A split that records no catalogue (made before it was kept) or
    whose sidecar cannot be read is not counted: the same catalogue's is replaced as before (a re-split, a new seed)."""
    from fashionrec.artifacts import read_json

    here = str(Path(data_dir).resolve())
    found = []
    for path in (out.with_suffix(".json"), *((folders / "split.json",) if folders is not None else ())):
        try:
            other = (read_json(path).get("catalogue") or {}).get("data_dir") if path.is_file() else None
        except (FashionrecError, ValueError, OSError):
            other = None
        if other and other != here:
            found.append((path.with_suffix(".csv") if path.parent != folders else folders, other))
    return found


def _data_dir(path: Path | None) -> Path:
    from fashionrec.catalog import default_data_dir

    return path if path is not None else default_data_dir()


def say_error(message: str) -> None:
    # On stderr: with --json or a pipe, stdout holds only the results. The message is text, not markup: read as
    # markup, "pip install 'fashionrec[milvus]'" lost its extra and pymilvus's "[unix, http, https, tcp]" vanished.
    err_console.print(f"[bold red]error:[/] {escape(message)}", markup=True)
    json_error(message)


def fail(message: str) -> NoReturn:
    say_error(message)
    raise typer.Exit(code=2)


def _print_version(asked: bool) -> None:
    if asked:
        from fashionrec.artifacts import version_said

        console.print(f"fashionrec {version_said()}", highlight=False)
        raise typer.Exit()


TIMED_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


@app.callback()
def _main(ctx: typer.Context,
          verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug messages."),
          version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    _JsonOnStdout.wanted = _JsonOnStdout.printed = False     # each command's own (one process runs several in tests)
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(levelname)s %(name)s: %(message)s")
    ctx.call_on_close(stop_on_sigterm())     # this command's handler, gone with it
    from fashionrec.artifacts import SECRET_OPTIONS, redacted, source_revision

    # The commit is read now, once: read at the first artefact or /health, it named a commit pulled while a
    # server or a training ran the one before (a code review).
    source_revision()

    # A token on the command line is in the process list, where every account on the machine reads it (a
    # security review); the variable is not.
    given = [a.split("=", 1)[0] for a in sys.argv[1:] if a.split("=", 1)[0] in SECRET_OPTIONS]
    if given or any(redacted([a]) != [a] for a in sys.argv[1:]):      # a --token, or a URI's password
        logging.getLogger("fashionrec.cli").warning(
            "%s on the command line is seen by every account on this machine (the process list): set "
            "FASHIONREC_MILVUS_TOKEN instead", given[0] if given else "a password in a URI")


@data_app.command("check")
def data_check(
    data_dir: Path | None = DataDir,
    json_out: Path | None = typer.Option(None, "--json", callback=json_wanted, help="Also write the full report "
                                         "as JSON here (- : on stdout, the report's lines then on stderr; on a "
                                         "failure {\"detail\": ...} there)."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 when any row gives no usable product (rejected, "
                                "no image, unreadable image) or any photo has no row: for CI."),
) -> None:
    """Validate the table and every image; print the data report."""
    with json_on_stdout(json_out):
        _data_check(data_dir, json_out, strict)


def _data_check(data_dir: Path | None, json_out: Path | None, strict: bool) -> None:
    from fashionrec.artifacts import provenance
    from fashionrec.catalog import load_catalog

    check_json_out(json_out)        # before minutes of reading photos
    try:
        # No "run data check to list them" warning first: the report that lists them follows.
        catalog = load_catalog(_data_dir(data_dir), warn=False)
    except FashionrecError as e:
        fail(str(e))
    report = catalog.report
    for line in report.summary_lines():
        console.print(line, highlight=False)
    lacks = _types_the_shipped_model_lacks(report.class_counts)
    like = {t["value"]: t["like"] for t in report.possible_typos.get("articleType", [])}

    def typo_of(label: str) -> str:     # a typo is no type to train: said where it is listed as one
        return f", a possible typo of {like[label]!r}" if label in like else ""

    if lacks:       # `tag` and `evaluate` named them; the check a shop runs first did not (a shop's trial)
        console.print(f"new types        {len(lacks)} the shipped model has no class for: "
                      + ", ".join(f"{t!r} ({n}{typo_of(t)})" for t, n in list(lacks.items())[:10])
                      + (" ..." if len(lacks) > 10 else "") + "; it tags them as the nearest type it knows "
                      "(README: a shop's own types, train --init shipped)", highlight=False, soft_wrap=True)
    if json_out:
        # Self-describing: which folder (absolute, as the report may be read from elsewhere), by which version.
        emit_json(json_out, {**report.to_dict(), "data_dir": str(Path(catalog.root).resolve()),
                             "types_the_shipped_model_lacks": lacks, **provenance()}, "report")
    if report.rows == 0:
        # A header alone warned and exited 0 (stop 74, h74exit): a CI step took an empty export for a good one. Exit 2
        # as where every row is left out, the last line what to fix (stop 75).
        fail(f"{catalog.root / report.table_name} has a header but no product rows: nothing to check, train on, "
             "index or evaluate (an export of no products, or a filter that matched none?): export the products "
             f"again and run `fashionrec data check {data_dir or catalog.root}`")
    if report.rows and not report.with_image:
        # Every row left out was exit 0 (stop 74's new user: 250 rows rejected), a catalogue of nothing passed a CI
        # step as a good one: exit 2 as for other input the CLI cannot use, the last line what to fix.
        from fashionrec.none_usable import nothing_usable_said

        fail(nothing_usable_said(report, str(data_dir or catalog.root)))
    if strict and (report.left_out() or report.images_without_row):
        err_console.print("--strict: " + (report.left_out() or f"{report.rows} rows, "
                                      f"{len(report.images_without_row)} images without a row"), highlight=False)
        raise typer.Exit(1)


def _types_the_shipped_model_lacks(class_counts: dict[str, int]) -> dict[str, int]:
    """{type: usable photos} of the catalogue's types the shipped model has no class for, most first; none where
    its JSON cannot be read."""
    from fashionrec.catalog import shipped_description

    known = set((shipped_description().get("classes") or {}).get("articleType") or [])
    if not known:
        return {}
    return dict(sorted(((t, n) for t, n in class_counts.items() if t not in known), key=lambda kv: -kv[1]))


@data_app.command("columns")
def data_columns(
    data_dir: Path = typer.Argument(..., help="Catalogue folder (styles.csv + images/, or the table and "
                                 "photo folder its columns.json names) whose columns to map."),
    mapping: list[str] | None = typer.Argument(None, help="HEADER=COLUMN pairs, such as Title=productDisplayName "
                                               "'Product Type=articleType' 'Variant Price=price' (or one argument, "
                                               "the pairs separated by commas). None: show the mapping."),
    clear: bool = typer.Option(False, "--clear", help="Forget the mapping there was (with pairs: start from them)."),
    table: str | None = typer.Option(None, "--table", help="The folder's table where it is not styles.csv (a shop's "
                                     "products.csv)."),
    images: str | None = typer.Option(None, "--images", help="The folder's photo folder where it is not images/ (a "
                                      "shop's photos)."),
) -> None:
    """Map a shop's own column names to the catalogue's, once: written to columns.json beside the folder's table, which
    every command (data check, tag, index build, index add, train, eda) and load_catalog read; with --table and
    --images, the table and photo folder to read in place of styles.csv and images/."""
    from fashionrec.artifacts import write_with
    from fashionrec.catalog import MAPPABLE_COLUMNS, check_catalogue_folder, styles_header, styles_table
    from fashionrec.column_map import (
        COLUMN_MAP_FILE,
        IMAGES_KEY,
        PLACES,
        TABLE_KEY,
        check_header_names,
        checked_place,
        parse_map,
        read_column_map,
        read_places,
        save_column_map,
    )
    from fashionrec.errors import CatalogError

    # All of it or none (stop 72): the table, photo folder and pairs are each checked before columns.json is
    # written once; the table and photo folder were written first, and a pair naming no header exited 2 with them
    # in the file. Its bytes as they were are put back where the loader refuses what was written.
    file = data_dir / COLUMN_MAP_FILE
    try:
        was = file.read_bytes() if file.is_file() else None
        places = read_places(data_dir)      # (the defaults where columns.json cannot be read)
        said = {TABLE_KEY: table, IMAGES_KEY: images}
        places.update({k: checked_place(data_dir, k, v) for k, v in said.items() if v is not None})
        for key, kind in ((TABLE_KEY, "file"), (IMAGES_KEY, "folder")):
            path = data_dir / places[key]
            if said[key] is not None and not (path.is_file() if kind == "file" else path.is_dir()):
                raise CatalogError(f"{path} is no {kind}: give the {kind} in {data_dir} that holds the "
                                   + ("catalogue's rows" if kind == "file" else "catalogue's photos"))
        root = check_catalogue_folder(data_dir, places)
        given = parse_map(mapping or [], MAPPABLE_COLUMNS)
        broken = False      # an unreadable columns.json, which a table, a photo folder or pairs replace
        try:
            before = read_column_map(root, MAPPABLE_COLUMNS)
        except CatalogError:
            # Its error advises this command, or --clear: they failed on the same file (stop 69's review).
            if not (given or clear or table is not None or images is not None):
                raise
            before, broken = {}, True
        header = styles_header(root, mapped=not broken, places=places)
    except FashionrecError as e:
        asked = mapping or clear or table is not None or images is not None
        fail(f"{e} (nothing written to {COLUMN_MAP_FILE})" if asked else str(e))
    try:
        check_header_names(given, header, root / places[TABLE_KEY])
    except CatalogError as e:
        fail(f"{e} (nothing written to {COLUMN_MAP_FILE})")
    merged = {} if clear else {k: v for k, v in before.items() if v not in given.values()}
    merged.update(given)
    if merged != before or broken or places != read_places(root):
        path = save_column_map(root, merged, places, check=False)
        try:
            styles_table(root)      # the mapping must leave a catalogue the loader reads: else the file as it was
        except FashionrecError as e:
            if was is None:
                path.unlink(missing_ok=True)
            else:
                write_with(path, lambda tmp: Path(tmp).write_bytes(was))
            fail(f"{e} (with the mapping {merged}; {COLUMN_MAP_FILE} left as it was)")
        where = f": table {places[TABLE_KEY]}, photos {places[IMAGES_KEY]}/" if places != PLACES else ""
        console.print(f"{'wrote' if path.is_file() else 'removed'} {path}{where}"
                      + (" (in place of the unreadable one)" if broken else ""), highlight=False)
    from fashionrec.catalog import DataReport

    report = DataReport(data_dir=str(root))
    try:
        styles_table(root, report)
    except FashionrecError as e:
        fail(str(e))
    # (with the columns a WooCommerce export's attributes give, row by row: its colour, stop 71)
    said = ("columns mapped", "columns read as", "attributes", "absent columns", "ignored columns")
    for line in report.summary_lines():
        if line.startswith(said):
            console.print(line, highlight=False, soft_wrap=True)
    if not report.column_map:
        console.print(f"no {COLUMN_MAP_FILE}: the header's names are read as they are", highlight=False)


@data_app.command("split")
def data_split(
    data_dir: Path | None = DataDir,
    out: Path = typer.Option(Path("runs/split.csv"), help="Where to write id,split (and a .json sidecar)."),
    seed: int = typer.Option(0, help="Random seed: the same seed gives the same split."),
    val_frac: float = typer.Option(0.1, help="Share of each class for validation (rounded half to even: of 25 "
                                   "products 2, of 35 4; at least 1)."),
    test_frac: float = typer.Option(0.1, help="Share of each class for test (rounded as --val-frac)."),
    copies: str = typer.Option("apart", metavar="[apart|together]",
                               help="apart: each id drawn on its own (the shipped model's split); together: the ids "
                               "of one photo, byte for byte, go to one part, so no test product is a copy of a train "
                               "or val one (photos are drawn, not ids: another split than apart's, even where no "
                               "photo has copies)."),
    folders: Path | None = typer.Option(
        None, "--folders", help="Also write each split as a catalogue folder here (train/, val/, test/ and "
        "trainval/: styles.csv + links to the photos), for `index build` and `evaluate-recs` on held-out products."),
    force: bool = typer.Option(False, "--force", help="Replace a split of another catalogue at --out or --folders "
                               "(refused without it: a run or an index may be built on it)."),
    model: Path | None = typer.Option(None, help="The model whose training products are counted among the test "
                                      "products (checkpoint or run folder; default: the shipped model)."),
) -> None:
    """Make a reproducible stratified train/val/test split by articleType."""
    from fashionrec.artifacts import check_replaceable, check_writable
    from fashionrec.catalog import load_catalog
    from fashionrec.errors import ModelError
    from fashionrec.splits import (
        COPIES,
        SPLIT_FOLDERS,
        SplitConfig,
        check_split_out,
        check_split_path,
        make_split,
        write_split_folders,
    )
    from fashionrec.tagger import resolve_checkpoint

    existing = [p for p in (out, folders) if p is not None and p.exists()]      # what a stop leaves as it was
    try:
        if copies not in COPIES:        # "copies 'yes'" did not name the flag (an ML engineer's trial)
            raise FashionrecError(f"--copies {copies!r}: choose {' or '.join(COPIES)}")
        config = SplitConfig(seed=seed, val_frac=val_frac, test_frac=test_frac, copies=copies)
        config.check()                      # before a minute of loading the catalogue
        checkpoint = resolve_checkpoint(model)      # a wrong --model said before the split is written
        if out.suffix.lower() != ".csv":
            raise FashionrecError(f"--out {out}: the split is a CSV of id,split with a .json sidecar beside it; "
                                  "give a path ending in .csv, e.g. runs/split.csv")
        for path in (out, out.with_suffix(".json")):
            check_writable(path)
        check_split_path(out)               # a file of one's own is not replaced by the split
        if folders is not None and folders.exists() and not folders.is_dir():
            raise FashionrecError(f"--folders {folders} is a file: give a folder for the split's catalogue folders")
        if folders is not None:
            check_split_out(folders, out)       # before the minute of loading the catalogue
            # So is a folder of other files (the catalogue itself), refused after the load before.
            check_replaceable(folders, "split.json", SPLIT_FOLDERS, option="--folders")
        others = splits_of_another_catalogue(_data_dir(data_dir), out, folders)
        if others and not force:
            # A shop's `data split --folders runs/subsets` replaced the shared catalogue's folders (and its
            # runs/split.csv the last split written) without a word (stop 64, a new user's trial).
            named = "; ".join(f"{p} is the split of {d}" for p, d in others)
            raise FashionrecError(f"{named}: writing this catalogue's split there would replace it (a model or an "
                                  "index may be built on it): choose another --out / --folders, e.g. "
                                  "runs/split_shop.csv, or add --force to replace it")
        catalog = load_catalog(_data_dir(data_dir))
        split = make_split(catalog.usable, config)
        # With the folders, and before they are put in place: refused there, the split written before it replaced
        # the earlier one (a trial); written after, a stop in between left the folders of another split than it.
        written = write_split_folders(catalog, split, folders, split_csv=out) if folders else {}
        if not folders:
            split.save(out, catalog)
    except (FashionrecError, ModelError, ValueError) as e:
        fail(str(e))
    except KeyboardInterrupt as e:
        stopped(e, _left_as_it_was(existing, "split"))
    s = split.summary()
    for path, other in others:      # with --force: said, not replaced without a word
        console.print(f"replaced {path}, the split of {other}")
    console.print(f"train {s['counts']['train']}, val {s['counts']['val']}, test {s['counts']['test']} -> {out}")
    for name, n in written.items():
        console.print(f"  {folders / name}: {n:,} products")
    from fashionrec.artifacts import read_json
    from fashionrec.catalog import first_few
    from fashionrec.tagger import SHIPPED_MODEL

    meta = SHIPPED_MODEL.with_suffix(".json")
    shipped = read_json(meta).get("split", {}) if meta.exists() else {}
    if model is None and shipped.get("test_ids_sha256") == s["test_ids_sha256"]:
        console.print("This is the shipped model's split: the model did not train on its test products.")
    elif s["counts"]["test"]:
        _say_test_trained_on(catalog.usable, split.ids("test"), checkpoint, model)
    # The catalogue lists some photos under several ids; a split by id can put one photo on both sides.
    in_test, in_val = split.copies_across(catalog.report.shared_photos)
    if in_test:
        console.print(f"{len(in_test)} test product{'s have' if len(in_test) != 1 else ' has'}, byte for byte, "
                      "the photo of a train or val product "
                      f"(ids {first_few(in_test, 10)}; `fashionrec data "
                      "check` lists such photos): a model trained on this split has seen them, and `fashionrec "
                      "evaluate` reports its numbers with and without them; --copies together keeps each photo's "
                      "ids in one part", highlight=False)
    if in_val:      # they lift validation scores, and so the epoch early stopping picks (an analyst's trial)
        console.print(f"{len(in_val)} val product{'s have' if len(in_val) != 1 else ' has'}, byte for byte, the "
                      f"photo of a train product (ids {first_few(in_val, 10)})", highlight=False)
    if config.copies == "together" and catalog.report.shared_photos:
        # Said, where the lines above are left out (an ML engineer's trial: nothing confirmed it).
        n = len(catalog.report.shared_photos)
        console.print(f"{n:,} photo{'s' if n != 1 else ''} under several ids, each photo's ids in one part: no "
                      "test or val product is a copy of a train photo", highlight=False)
    if split.train_only_classes:
        n = len(split.train_only_classes)
        console.print(f"{n} class{'es' if n != 1 else ''} too small to stratify (under {split.needed()}), train "
                      "only: " + split.train_only_listed())
    empty = [name for name in ("val", "test") if not s["counts"][name]]
    if empty:       # exit 0 with empty splits and no word (a one-product catalogue, an analyst's trial)
        console.print(f"[yellow]{' and '.join(empty)} {'are' if len(empty) > 1 else 'is'} empty: no type has the "
                      f"{split.needed()} a stratified split needs; a model trained on this "
                      "split cannot be validated or tested[/yellow]", markup=True)
    if split.unlabelled_ids:
        # In no split: said, not only in the sidecar (a data engineer's trial counted 59 of 60 usable rows).
        n = len(split.unlabelled_ids)
        console.print(f"{n} usable product{'s' if n != 1 else ''} without an articleType, in no split (ids "
                      f"{first_few(split.unlabelled_ids, 10)}): give {'them' if n != 1 else 'it'} a type to split "
                      f"{'them' if n != 1 else 'it'}", highlight=False)


def _say_test_trained_on(usable, test_ids, checkpoint: Path, model: Path | None) -> None:
    """Say how many of a new split's test products (``test_ids``, among the catalogue's ``usable`` rows) the model
    (``checkpoint``; ``model`` as ``--model`` named it) or one it was started from trained or was validated on, or
    has seen as a photo copy: what `evaluate` and `train --init` count (:func:`fashionrec.evaluate.seen_by_model`),
    said before a model is trained or measured on the split. A shop's 20 test products held 17 of the shipped
    model's, and only `train --init shipped` and `evaluate` said so, afterwards (stop 65, a new user's trial)."""
    from fashionrec.artifacts import read_json
    from fashionrec.evaluate import seen_by_model, why_seen_unknown

    whose = "the shipped model" if model is None else f"the model {model}"
    meta = read_json(checkpoint.with_suffix(".json"))
    in_test = usable["id"].isin(test_ids).to_numpy()
    n = int(in_test.sum())
    # Over the whole catalogue: the model's own catalogue then re-makes its split without reading another.
    found = seen_by_model(usable, meta, checkpoint=checkpoint)
    if found is None:
        console.print(f"Whether {whose} trained on some of these {n:,} test products cannot be told "
                      f"({why_seen_unknown(meta, checkpoint)}).", highlight=False)
        return
    trained, copies = (int(seen[in_test].sum()) for seen in found)
    if not trained + copies:
        console.print(f"None of the {n:,} test products is one {whose} trained or was validated on, by id and name "
                      "or by photo.", highlight=False)
        return
    have = "has" if copies == 1 else "have"
    said = (f"{trained:,} of the {n:,} test products {'is' if trained == 1 else 'are'} training or validation products "
            f"of {whose} (or of a model it was started from)"
            + (f", and {copies:,} more {have}, byte for byte, the photo of one of those" if copies else "")
            if trained else f"{copies:,} of the {n:,} test products {have}, byte for byte, the photo of a training or "
            f"validation product of {whose}")
    console.print(f"[yellow]{said}: measured on this split's test products, it reads better than on new ones, and a "
                  "model trained on this split from it (`train --init`) has seen them too; `fashionrec evaluate` and "
                  "`train` count them and give the numbers without them.[/yellow]", markup=True, highlight=False)


@app.command("eda")
def eda(
    data_dir: Path | None = DataDir,
    out: Path = typer.Option(Path("runs/eda"), "--out", help="Folder for the PNGs, report.json and report.html."),
) -> None:
    """Plot the catalogue (categories, colours, long tail, image sizes, samples) into an HTML report."""
    from fashionrec.eda import write_eda_report

    had = (out / "report.html").exists()
    try:
        html_path = write_eda_report(_data_dir(data_dir), out)     # it checks --out before reading the photos
    except FashionrecError as e:
        fail(str(e))
    except KeyboardInterrupt as e:
        stopped(e, _left_as_it_was([out] if had else [], "report"))
    console.print(f"EDA report written to {html_path}")


@app.command("train")
def train_cmd(
    data_dir: Path | None = DataDir,
    model: str | None = typer.Option(None, help="seed-cnn, fashion-cnn, efficientnet-lite0 or efficientnet-lite2."),
    profile: str | None = typer.Option(None, help="Preset: cpu (about 30 min on 2 cores), gpu, tiny."),
    epochs: int | None = typer.Option(None, help="Maximum epochs (early stopping may end sooner)."),
    batch_size: int | None = typer.Option(None, help="Photos per training step, split across --nproc processes "
                                          "(default: the profile's; 128 without one)."),
    lr: float | None = typer.Option(None, help="Peak learning rate of the one-cycle schedule."),
    balance: str | None = typer.Option(None, help="Class imbalance: sqrt (weighted loss), sampler, none."),
    patience: int | None = typer.Option(None, help="Epochs without val macro-F1 gain before stopping."),
    freeze_backbone: bool | None = typer.Option(None, "--freeze-backbone/--fine-tune",
                                                help="Train only the heads on frozen features."),
    freeze_blocks: int | None = typer.Option(None, help="Freeze the weights of the stem and the first N "
                                             "EfficientNet blocks (a CPU step about 20% cheaper at 3); 0: none."),
    max_minutes: float | None = typer.Option(None, help="Training budget, validation included: the learning "
                                             "rate anneals to zero by then and the run stops (the last "
                                             "validation and the test run after it; under --nproc, checked "
                                             "after each epoch)."),
    device: str | None = typer.Option(None, help="auto, cpu or cuda."),
    seed: int | None = typer.Option(None, help="Random seed of the weights' start, the batches and their "
                                    "augmentation (default: 0; the split has its own)."),
    workers: int | None = typer.Option(None, min=0, help="DataLoader processes augmenting batches (default: "
                                       "0 on CPU, up to 8 on CUDA)."),
    split_copies: str | None = typer.Option(None, "--split-copies", help="apart (default: each id drawn on its "
                                            "own, as the shipped model's split) or together: the ids of one photo, "
                                            "byte for byte, go to one part, so no test product is a copy of a "
                                            "training one."),
    init: Path | None = typer.Option(None, help="Start from this checkpoint's weights (same model), or 'shipped': "
                                     "the shipped model's member of --model; classes the catalogue has and the "
                                     "checkpoint lacks (a shop's own types) start fresh."),
    input_size: str | None = typer.Option(None, help="Network input HEIGHTxWIDTH, e.g. 192x144 (default: "
                                          "the model's own; seed-cnn is fixed at 80x60)."),
    out: Path = typer.Option(Path("runs/train/exp"), help="Run folder."),
    resume: bool = typer.Option(False, help="Continue an interrupted run in --out."),
    nproc: int = typer.Option(1, "--nproc", min=1, help="Data-parallel processes on this machine (torchrun, DDP): "
                              "one per GPU, or gloo on CPU."),
) -> None:
    """Train the product-photo tagger (articleType and the other attributes)."""
    from fashionrec.distributed import RELAUNCHED, launched_by_torchrun, relaunch_with_torchrun
    from fashionrec.tagger import resolve_device
    from fashionrec.train import check_start, make_config, parse_size, train

    def resume_hint(processes: int, e: KeyboardInterrupt) -> None:
        # Every finished epoch is saved (weights/last, state.pt): say how to go on rather than exit silently.
        again = f" --nproc {processes}" if processes > 1 else ""
        if (out / "state.pt").exists():
            said = f"{how_stopped(e)}: `fashionrec train {data_dir or ''} --out {out}{again} --resume` continues " \
                "the run after its last finished epoch (the other flags are the run's own)"
        else:
            # Stopped in its first epoch: `--resume` would find no state.pt (an ML engineer's trial).
            said = f"{how_stopped(e)} before its first epoch ended: nothing was saved to resume; run the same " \
                "command again to start over"
        err_console.print(said.replace("  ", " "))

    relaunch = nproc > 1 and not launched_by_torchrun()     # this process starts the others through torchrun
    try:
        cfg = make_config(profile, model=model, epochs=epochs, batch_size=batch_size, lr=lr, balance=balance,
                          patience=patience, freeze_backbone=freeze_backbone, freeze_blocks=freeze_blocks,
                          max_minutes=max_minutes, input_size=parse_size(input_size) if input_size else None,
                          device=device, seed=seed, workers=workers, init=str(init) if init else None,
                          split_copies=split_copies)
        if relaunch:
            # Said once, here, before the processes start: each found it and torchrun's traceback followed.
            resolve_device(cfg.device)
            check_start(_data_dir(data_dir), out, resume, cfg, nproc)
    except FashionrecError as e:
        fail(str(e))
    ignored = [flag for flag, value in (("--model", model), ("--profile", profile), ("--epochs", epochs),
                                        ("--batch-size", batch_size), ("--lr", lr), ("--balance", balance),
                                        ("--patience", patience), ("--input-size", input_size), ("--seed", seed),
                                        ("--init", init), ("--freeze-blocks", freeze_blocks),
                                        ("--split-copies", split_copies),
                                        ("--freeze-backbone/--fine-tune", freeze_backbone))
               if value is not None]
    if resume and ignored and not launched_by_torchrun():
        # The stored config wins on --resume (same model, schedule and split): --epochs was dropped unsaid.
        err_console.print(f"note: {', '.join(ignored)} ignored on --resume: the run keeps its own (its "
                          "config.json); only --max-minutes, --device and --workers change it", highlight=False)
    if relaunch:
        # `fashionrec train ARGS`, or `python -m fashionrec.train ARGS`, whose arguments are all the command's.
        args = sys.argv[1:]
        argv = args if Path(sys.argv[0]).name == "train.py" else args[args.index("train") + 1:]
        argv = [a for i, a in enumerate(argv) if a != "--nproc" and not a.startswith("--nproc=")
                and (i == 0 or argv[i - 1] != "--nproc")]
        try:
            code = relaunch_with_torchrun(nproc, argv)
        except KeyboardInterrupt as e:
            resume_hint(nproc, e)
            raise typer.Exit(exit_code(e)) from None
        raise typer.Exit(code)

    try:
        result = train(_data_dir(data_dir), cfg, out, resume=resume)
    except FashionrecError as e:
        fail(str(e))
    except KeyboardInterrupt as e:
        # Said once: by `fashionrec train --nproc`, which started the processes, or by the first of them.
        if not launched_by_torchrun() or (os.environ.get("RANK") == "0" and not os.environ.get(RELAUNCHED)):
            resume_hint(int(os.environ.get("WORLD_SIZE", "1")), e)
        raise typer.Exit(exit_code(e)) from None
    m = result.test_metrics
    if not m:             # a torchrun worker other than rank 0: rank 0 reports
        return
    from fashionrec.evaluate import top5_said
    console.print(f"best epoch {result.best_epoch}, {result.train_seconds / 60:.1f} min; test top-1 "
                  f"{m['accuracy']:.4f}, top-5 {top5_said(m)}, "
                  f"macro-F1 {m['macro_f1']:.4f} -> {result.run_dir}")
    if m.get("trained_on"):
        # Said beside the numbers it qualifies, as `evaluate` says it (the log's warning scrolled away).
        from fashionrec.evaluate import caveats

        # With the photo copies' line, which carries the numbers without all of them where there are copies too.
        for line in caveats(m):
            if line.startswith((f"{m['trained_on']:,} of these",
                                f"{m.get('test_photo_copies_of_training', 0):,} more of these")):
                err_console.print(f"note: {line}", highlight=False)


@app.command("evaluate")
def evaluate_cmd(
    data_dir: Path | None = DataDir,
    model: Path | None = typer.Option(None, help="Checkpoint or run folder (default: the shipped model)."),
    split: str = typer.Option("all", help="all: every usable image of DATA_DIR; test: the model's test split."),
    json_out: Path | None = typer.Option(None, "--json", callback=json_wanted, help="Write the metrics here (- : "
                                         "on stdout, the printed lines then on stderr; on a failure "
                                         "{\"detail\": ...} there)."),
    out: Path | None = typer.Option(None, help="Write report.md, metrics.json, per_class.csv (every head's "
                                    "classes), confusion.png and confusions.csv (articleType's), reliability.png and "
                                    "predictions.csv (one row per product; with --split all, the rows without a usable "
                                    "photo too, with why) here."),
    device: str = typer.Option("cpu", help="cpu, cuda or auto (cuda when there is a GPU); on cpu the model "
                               "runs through ONNX Runtime."),
) -> None:
    """Evaluate a tagger on a catalogue folder: accuracy, top-5, precision/recall/F1 per class."""
    with json_on_stdout(json_out):
        _evaluate(data_dir, model, split, json_out, out, device)


def _evaluate(data_dir: Path | None, model: Path | None, split: str, json_out: Path | None, out: Path | None,
              device: str) -> None:
    from fashionrec.calibration import lean_said
    from fashionrec.evaluate import (
        ORIGINAL_STUDY,
        caveats,
        compares_with_study,
        evaluate_model,
        interval_said,
        macro_f1_spread,
        read_from_note,
        span,
        top5_said,
    )

    check_json_out(json_out)        # before the evaluation
    try:
        # And its report folder (it failed after the evaluation, an ML engineer's trial); a file there is said by
        # evaluate_model itself ("is a file: give a folder").
        if out is not None and not out.is_file():
            from fashionrec.artifacts import check_writable

            check_writable(out / "metrics.json")
        m = evaluate_model(_data_dir(data_dir), model, split=split, out_dir=out, device=device)
    except (FashionrecError, ValueError) as e:
        fail(str(e))
    except KeyboardInterrupt as e:
        stopped(e, f"the report in {out} is written at the end, file by file (each one whole): run the command "
                "again for a whole report" if out is not None else "nothing was written")
    console.print(f"{m['model']} on {m['data']} ({m['split']}, n={m['n']})")
    console.print(f"articleType top-1 {m['accuracy']:.4f}  top-5 {top5_said(m)}  "
                  f"macro-F1 {m['macro_f1']:.4f}  weighted-F1 {m['weighted_f1']:.4f}  "
                  f"macro-P {m['macro_precision']:.4f}  macro-R {m['macro_recall']:.4f}"
                  + (f"  (original study: top-1 {ORIGINAL_STUDY['test_accuracy']})" if compares_with_study(m) else ""))
    # How far these could be from the model's on such products: on a few hundred, further than a reader guesses
    # (a maintainer's 297 held-out products read 0.8653 beside a claimed 0.9030, nothing said whether that was
    # the draw).
    if spread := interval_said(m):
        console.print(spread, highlight=False)
    for h, a in m["attributes"].items():
        if a.get("n"):
            # Each head's own 95% intervals beside its numbers (only articleType's had one, a stop 62 check).
            within = lambda key, a=a: f" ({span(a[key])})" if key in a else ""  # noqa: E731
            f1 = f" ({macro_f1_spread(a)})" if macro_f1_spread(a) else ""
            console.print(f"  {h:<15} top-1 {a['accuracy']:.4f}{within('accuracy_interval_95')}  macro-F1 "
                          f"{a['macro_f1']:.4f}{f1}  (n={a['n']})" + read_from_note(a),
                          highlight=False)
    main = (m.get("calibration") or {}).get("articleType")
    if main and main.get("n"):
        # An ECE alone read high on a small folder (0.0705 on 297 test products, 0.0258 on the 3,988).
        floor = (f" (a model exactly as sure as it is right would read {main['ece_floor']:.4f} on these products)"
                 if "ece_floor" in main else "")
        console.print(f"calibration of the probabilities shown: articleType ECE {main['ece']:.4f}{floor}, NLL "
                      f"{main['nll']:.4f} (n={main['n']:,})" + ("" if main.get("temperature_fitted") else
                                                               "; no temperature fitted: "
                                                               + (lean_said(main) or "read them as surer than "
                                                                  "the model is")), highlight=False)
    if m.get("auto_accept"):
        from fashionrec.auto_accept import auto_accept_line

        console.print(auto_accept_line([r for r in m["auto_accept"] if r["threshold"] in (0.5, 0.8, 0.9, 0.95)]),
                      highlight=False, soft_wrap=True)
    for line in caveats(m):
        console.print(line, highlight=False)
    if out is not None:     # said, as --json's file is: the run's last lines named the JSON alone (stop 75)
        console.print(f"report written to {out / 'report.md'}, with metrics.json, per_class.csv, confusions.csv, "
                      "predictions.csv and the plots beside it", highlight=False, soft_wrap=True)
    if json_out:
        emit_json(json_out, m, "metrics")


@app.command("compare-models")
def compare_models_cmd(
    a: str = typer.Argument(..., help="A: an `evaluate --out` folder (its predictions.csv gives the paired tests) or "
                            "--json file; with --data, a checkpoint or run folder (shipped: the shipped model)."),
    b: str = typer.Argument(..., help="B, as A: the differences are B - A."),
    data_dir: Path | None = typer.Option(None, "--data", help="Evaluate the models A and B on this catalogue folder "
                                         "first (each into --out/a and --out/b where given)."),
    split: str = typer.Option("all", help="With --data: all (every usable product) or test (the models' test "
                              "split)."),
    json_out: Path | None = typer.Option(None, "--json", callback=json_wanted, help="Write the comparison here (- : "
                                         "on stdout, the printed lines then on stderr)."),
    out: Path | None = typer.Option(None, help="Write comparison.md and comparison.json here (and, with --data, each "
                                    "model's evaluation under a/ and b/)."),
    device: str = typer.Option("cpu", help="With --data: cpu, cuda or auto."),
) -> None:
    """Compare two taggers on the same products: per head, top-1, top-5 and macro P/R/F1 with their 95% intervals,
    B - A, and a paired test (McNemar's on top-1, a paired bootstrap on the macro averages); refused for
    evaluations of different products or labels (other class lists are compared, and said)."""
    from fashionrec.model_comparison import compare_models, comparison_rows

    with json_on_stdout(json_out):
        check_json_out(json_out)
        models = [None if data_dir is not None and m == "shipped" else Path(m) for m in (a, b)]
        try:
            result = compare_models(*models, data_dir=data_dir, out_dir=out, split=split, device=device)
        except (FashionrecError, ValueError) as e:
            fail(str(e))
        console.print(f"A: {result['a']['model']} ({result['a']['source']})\nB: {result['b']['model']} "
                      f"({result['b']['source']})\non {result.get('data')} ({result.get('split')}, "
                      f"{result.get('n_products')} products); differences are B - A", highlight=False, soft_wrap=True)
        for note in result["notes"]:
            console.print(f"note: {note}", highlight=False)
        for head, row in result["heads"].items():
            console.print("", highlight=False)
            for line in comparison_rows(head, row):
                console.print(line, highlight=False, soft_wrap=True)
        if out is not None:
            console.print(f"\ncomparison written to {out / 'comparison.md'}, with comparison.json beside it",
                          highlight=False, soft_wrap=True)
        if json_out:
            emit_json(json_out, result, "comparison")


@app.command("ensemble")
def ensemble_cmd(
    checkpoints: list[Path] = typer.Argument(..., help="Two or more checkpoints or train run folders, trained "
                                             "on the same split of the same catalogue."),
    data_dir: Path | None = typer.Option(None, "--data", help="The catalogue they were trained on (default: "
                                         "$FASHIONREC_DATA or ../shared/datasets/fashion-product-images-small)."),
    weights: list[float] | None = typer.Option(None, "--weight", help="One per checkpoint, in order "
                                               "(default: chosen on the validation split)."),
    step: float = typer.Option(0.05, help="Grid step of the weights tried on validation."),
    half: bool = typer.Option(False, "--half", help="Store the weights as float16 (half the file size)."),
    out: Path = typer.Option(Path("runs/ensemble"), help="Run folder (weights/best.*, results.csv, test/)."),
) -> None:
    """Combine trained taggers into one model, weighted on the validation split, tested on the test split."""
    from fashionrec.ensemble import combine

    try:
        result = combine(checkpoints, _data_dir(data_dir), out, weights=weights or None, step=step, half=half)
    except FashionrecError as e:
        fail(str(e))
    console.print(f"articleType weights {result.weights['articleType']}: "
                  f"{_val_and_test(result.val_metrics, result.test_metrics)} -> {result.run_dir}")


def _val_and_test(v: dict, m: dict) -> str:
    """One line of articleType numbers for a command that chose on validation and tested once."""
    from fashionrec.evaluate import top5_said

    return (f"val top-1 {v['accuracy']:.4f}, macro-F1 {v['macro_f1']:.4f}, top-5 {top5_said(v)}; "
            f"test top-1 {m['accuracy']:.4f}, top-5 {top5_said(m)}, macro-F1 {m['macro_f1']:.4f}")


@app.command("probe")
def probe_cmd(
    model: Path | None = typer.Argument(None, help="An ensemble: run folder or checkpoint (default: the shipped "
                                        "model)."),
    data_dir: Path | None = typer.Option(None, "--data", help="The catalogue it was trained on (default: "
                                         "$FASHIONREC_DATA or ../shared/datasets/fashion-product-images-small)."),
    heads: list[str] | None = typer.Option(None, "--head", help="Head to fit a probe for (repeatable; default: "
                                           "articleType)."),
    c: float = typer.Option(30.0, "--c", help="Inverse L2 strength of the logistic regression."),
    out: Path = typer.Option(Path("runs/probe"), help="Run folder (weights/best.*, probe.csv, test/)."),
) -> None:
    """Fit a class-balanced linear head on an ensemble's embedding, blend it in (weight chosen on validation)."""
    from fashionrec.probe import fit_probe

    try:
        result = fit_probe(model, _data_dir(data_dir), out, heads=tuple(heads or ("articleType",)), c=c)
    except FashionrecError as e:
        fail(_model_argument(e))
    console.print(f"probe blend weights {result.weights}: "
                  f"{_val_and_test(result.val_metrics, result.test_metrics)} -> {result.run_dir}")


@app.command("tag")
def tag_cmd(
    sources: list[Path] = typer.Argument(..., help="Catalogue folders (styles.csv + images/, or those its "
                                         "columns.json names: its labels are checked too), folders of photos "
                                         "(subfolders included) or image files."),
    out: Path = typer.Option(Path("tags.csv"), help="The CSV (or .jsonl) to write (one row per photo), or an "
                             "existing folder to write tags.csv (tags.jsonl) in; its description goes beside it, "
                             "tags.json (tags.jsonl.json). '-': the table on standard output (no description; "
                             "everything else on standard error)."),
    fmt: str | None = typer.Option(None, "--format", help="csv or jsonl (JSON Lines: one record a photo with every "
                                   "head's label, probability and top-k, the flags, a catalogue's labels; "
                                   "default: --out's ending, csv otherwise)."),
    top_k: int | None = typer.Option(None, "--top-k", min=1, help="Labels per head a JSON Lines record lists, "
                                     "likeliest first (default 5; the CSV gives articleType's top 3 and says "
                                     "--top-k is not used)."),
    model: Path | None = typer.Option(None, help="Checkpoint or run folder (default: the shipped model)."),
    review_below: float = typer.Option(0.8, min=0.0, max=1.0, help="Flag photos whose article type is less "
                                       "likely than this (calibrated probability; the default was chosen on "
                                       "the validation split, see docs/tagger.md)."),
    show: int = typer.Option(10, min=0, help="How many rows with labels to check to print."),
    index: Path | None = typer.Option(None, "--index", help="Read each photo as photo search does, with this "
                                      "index and the model it was built with (a --model must be that one): for "
                                      "photos not on a plain white background or turned on their side (a "
                                      "shopper's, a supplier's); slower."),
    batch_size: int = typer.Option(256, min=1, help="Photos the model reads at a time (fewer: less memory; the "
                                   "Python call's batch_size)."),
    workers: int | None = typer.Option(None, min=1, help="Threads decoding photos beside the model (default: "
                                       "twice the cores, at most 8; the Python call's workers)."),
    as_is: bool = typer.Option(False, "--as-is", help="Read every photo as it is: none cropped to a small product "
                               "or turned upright where it does not read as a catalogue photo (the Python call's "
                               "views=False)."),
) -> None:
    """Tag photos in bulk: every attribute with its probability, unsure ones flagged, a catalogue's own
    labels checked against the model."""
    from fashionrec.artifacts import check_writable
    from fashionrec.tagging import FORMATS, TOP_K, describe, description_path, table_out, tag

    with json_on_stdout(out):       # `--out -`: stdout holds the CSV alone, as a pipe to `cut` or `grep` expects
        try:
            written: list[Path] = []
            whole = True
            if fmt is not None and fmt not in FORMATS:
                fail(f"--format {fmt}: give one of {', '.join(FORMATS)}")
            if out != STDOUT:
                target, fmt = table_out(out, fmt)
                written = [target, description_path(target)]
            # Said before the tagging: `--top-k 2` with a CSV was dropped without a word (stop 75, an ML engineer's
            # trial), and the engineer read articleType_top3 as the two asked for.
            if top_k is not None and fmt != "jsonl":
                err_console.print(f"note: --top-k {top_k} is not used for a CSV (its articleType_top3 column gives "
                                  "the likeliest type and up to two runners-up); every head's top k is in JSON "
                                  "Lines: --format jsonl", highlight=False)
            top_k = TOP_K if top_k is None else top_k
            # Said now, not after minutes of tagging (and never the catalogue's own styles.csv, written over once).
            for path in written:
                check_writable(path)
            result = tag(sources, model=model, review_below=review_below, batch_size=batch_size,
                         skip=written, index=index, workers=workers, views=not as_is)
            if written:
                result.write(written[0], fmt, top_k=top_k if fmt == "jsonl" else None)
            elif fmt == "jsonl":
                whole = _to_stdout(lambda: sys.stdout.writelines(result.jsonl_lines(top_k)))
            else:       # no byte-order mark: the first column's name would start with it for `cut` and `csvkit`
                whole = _to_stdout(lambda: result.table.to_csv(sys.stdout, index=False))
        except (FashionrecError, OSError) as e:
            fail(str(e))
        # Not wrapped at the terminal's width: a log or a pipe gets one line per row, as grep expects.
        for line in describe(result, shown=show):
            console.print(line, highlight=False, markup=False, soft_wrap=True)
        console.print(f"written {written[0]} and {written[1]}" if written else
                      f"{len(result.table)} rows written to standard output (no description: give --out FILE.csv "
                      "for tags.json)" if whole else "standard output was closed before the whole table was "
                      "written (a `head`?)", highlight=False, soft_wrap=True)
    _say_untagged(result.summary)


def _say_untagged(summary: dict) -> None:
    """Exit 2 where no photo could be tagged, said on stderr (the table is written all the same: its error column
    says why each one was not); a few not tagged, said there too, exit 0 for the rest. "0 of 1 rows tagged" ended
    in exit 0, and a script found out from the CSV alone (an operator's trial)."""
    rows, tagged = summary["rows"], summary["tagged"]
    if tagged == rows:
        return
    if not tagged:
        say_error(("the one row could not" if rows == 1 else f"none of the {rows:,} rows could") + " be tagged (the "
                  "table's error column says why)")
        raise typer.Exit(2)
    missed = rows - tagged
    err_console.print(f"note: {missed:,} of {rows:,} rows could not be tagged (the table's error column says why; "
                      f"they have no labels); the other {tagged:,} {'is' if tagged == 1 else 'are'} tagged",
                      highlight=False)


def _to_stdout(write: Callable[[], None]) -> bool:
    """The table on stdout, by ``write()`` (CSV or JSON Lines). A reader that stops early (`| head`) is no failure:
    the rest is dropped, said on stderr, and the summary still printed there (Python would end in a
    BrokenPipeError otherwise)."""
    try:
        write()
        sys.stdout.flush()
        return True
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())     # Python's exit flush fails otherwise
        return False


def _model_argument(e: FashionrecError) -> str:
    """A checkpoint's refusal said of ``calibrate``'s and ``probe``'s MODEL argument: the tagger's words, "omit
    --model", named a flag these commands do not have (an operator's trial)."""
    return (str(e).replace("omit --model", "leave MODEL out").replace("omit the model (--model; Python: model=None)",
                                                                        "leave MODEL out"))


@app.command("calibrate")
def calibrate_cmd(
    model: Path | None = typer.Argument(None, help="Checkpoint or train run folder (default: the shipped model)."),
    data_dir: Path | None = typer.Option(None, "--data", help="The catalogue it was trained on (default: "
                                         "$FASHIONREC_DATA or ../shared/datasets/fashion-product-images-small)."),
) -> None:
    """Fit one temperature per head on the validation split so shown probabilities mean what they say."""
    from fashionrec.calibration import calibrate_checkpoint

    try:
        record = calibrate_checkpoint(model, _data_dir(data_dir))
    except FashionrecError as e:
        fail(_model_argument(e))
    except ValueError as e:
        fail(str(e))
    console.print("on the test split, before -> after:")
    console.print(f"{'head':<15} {'T':>6}  {'ECE':>14}  {'NLL':>14}  {'median top p':>14}", highlight=False)
    for head, t in record["temperature"].items():
        b, a = record["checks"][head]["test_before"], record["checks"][head]["test_after"]
        if not b.get("n"):
            continue
        console.print(f"{head:<15} {t:6.3f}  " + "  ".join(f"{b[k]:6.3f} -> {a[k]:.3f}" for k in
                                                          ("ece", "nll", "median_top_prob")), highlight=False)
    console.print("temperatures written to the checkpoint's JSON (calibration)")


@app.command("export")
def export_cmd(
    run_dir: Path = typer.Argument(..., help="A train, ensemble or probe run folder (holds weights/best.safetensors)."),
    dest: Path | None = typer.Option(None, help="Where to write the checkpoint (default: the shipped model)."),
) -> None:
    """Make a run's best checkpoint the shipped default model, with its model card."""
    from fashionrec.modelcard import export_model
    from fashionrec.tagger import SHIPPED_MODEL

    for name in ("best.safetensors", "best.json"):      # the weights and what they are (the JSON beside them)
        if not (run_dir / "weights" / name).exists():
            fail(f"{run_dir}/weights/{name} not found: pass a folder written by `fashionrec train` (or `ensemble`, "
                 "`probe`)")
    try:
        path = export_model(run_dir, dest or SHIPPED_MODEL)
    except FashionrecError as e:        # a damaged best.json, a --dest that cannot be written
        fail(str(e))
    console.print(f"exported {run_dir} -> {path} (+ .json, MODEL_CARD.md)")


# The settings no flag gives, named in `serve --help` (FASHIONREC_API_KEY was in the README alone: an
# integrator's trial); a test holds this list to api.settings.Settings.
ENV_ONLY_SETTINGS = {
    "api_key": "the key POST and DELETE /api/items ask for (header X-API-Key); unset, they are refused",
    "max_upload_mb": "the largest upload (10)", "max_pixels": "the largest photo, width x height (40,000,000)",
    "large_photo_pixels": "a photo over this many pixels waits while large_photos_at_once others are read (16,000,000)",
    "large_photos_at_once": "how many such large photos are read and searched at once (1)",
    "reload_s": "seconds between looks at the index folder for another process's changes (10; 0: none)",
    "cors_origins": "origins whose pages may call the API from a browser (comma-separated, or *)",
    "frame_ancestors": "pages that may show the web UI in a frame ('self')",
    "keep_alive_s": "seconds an idle connection stays open (30)",
    "header_timeout_s": "seconds a connection may take to send a request's headers before it is closed (20)",
    "reports_dir": "where the EDA and test reports it links to are (runs)",
}


@app.command("serve", epilog="Set as environment variables only: " + "; ".join(
    f"FASHIONREC_{name.upper()}: {said}" for name, said in ENV_ONLY_SETTINGS.items()) + ".")
def serve(
    # The service's settings are FASHIONREC_* variables (api.settings); these four are flags too. The host, port
    # and root path are the server's (uvicorn's), flags with variables of their own.
    index: Path = typer.Option(Path("runs/index"), "--index", envvar="FASHIONREC_INDEX_DIR",
                               help="Index folder from `fashionrec index build`."),
    model: Path | None = typer.Option(None, "--model", envvar="FASHIONREC_MODEL",
                                      help="Checkpoint for uploads; default: the index's model."),
    host: str = typer.Option("127.0.0.1", envvar="FASHIONREC_HOST", help="Address to listen on."),
    port: int = typer.Option(8000, envvar="FASHIONREC_PORT", min=1, max=65535, help="Port to listen on."),
    backend: str | None = typer.Option(None, "--backend", help="faiss | milvus; default: as the index was built."),
    uri: str | None = typer.Option(None, "--uri", help="Milvus: Lite file or http://host:19530 (default: as built)."),
    token: str | None = typer.Option(None, "--token", envvar="FASHIONREC_MILVUS_TOKEN", help="Milvus token."),
    root_path: str = typer.Option("", "--root-path", envvar="FASHIONREC_ROOT_PATH",
                                  help="The path a reverse proxy serves this server under (/recs for "
                                  "https://shop.example/recs/ proxied to http://HOST:PORT/): every link, "
                                  "redirect and image address starts with it. Default: none."),
) -> None:
    """Serve the JSON API (/docs) and the web UI on http://HOST:PORT, loading the model and index once."""
    from fashionrec.signals import exit_code, how_stopped

    try:
        application, options, sock, starting = _server_to_start(index, model, host, port, backend, uri, token,
                                                                 root_path)
    except KeyboardInterrupt as e:      # Ctrl-C, or SIGTERM (signals.Terminated); uvicorn handles both from now
        # A SIGTERM in a start-up's first seconds ended in exit 130 without a word (an operator's trial).
        say_error(f"{how_stopped(e)} before the server started (while the index and models loaded)")
        raise typer.Exit(code=exit_code(e)) from None
    try:
        run_server(application, sock, starting=starting, **options)
    except FashionrecError as e:
        fail(str(e))
    finally:
        starting.stop()
        sock.close()


def run_server(application, sock, starting=None, **options) -> None:
    """uvicorn's server on ``sock``, the socket bound before the index loaded (api/starting.py), with uvicorn's
    ``options``; as ``uvicorn.run`` does it otherwise: a Ctrl-C ends it quietly, a start-up failure is exit 3.
    ``starting`` (:class:`~fashionrec.api.starting.StartingAnswer`), answering on ``sock``, goes on until the
    app's start-up is done."""
    import uvicorn

    if starting is not None:
        application = starting.until_started(application)
    server = uvicorn.Server(uvicorn.Config(application, **options))
    with contextlib.suppress(KeyboardInterrupt):
        server.run(sockets=[sock])
    if not server.started:
        raise typer.Exit(code=3)


def _server_to_start(index: Path, model: Path | None, host: str, port: int, backend: str | None, uri: str | None,
                     token: str | None, root_path: str):
    """``serve``'s checks and loads: the app to run, uvicorn's options for it, and the socket it listens on."""
    from fashionrec.cli_recs import index_dir

    try:
        # With an API key the server adds and removes products: never in this checkout's index by default.
        index = index_dir(index, writes=bool(os.environ.get("FASHIONREC_API_KEY")))
    except FashionrecError as e:
        fail(str(e))
    if not (index.is_dir() and any(index.iterdir())):
        fail(f"no index at {index}: build one first with `fashionrec index build` (or pass --index DIR)")
    # Said here, not in uvicorn's start-up traceback (a trial).
    if not (index / "manifest.json").is_file():
        from fashionrec.column_map import table_path

        if table_path(index).is_file():     # styles.csv, or the table its columns.json names
            from fashionrec.recommend import catalogue_not_index

            fail(catalogue_not_index(index))
        fail(f"no index at {index} (it holds no manifest.json): build one there with `fashionrec index build "
             f"DATA_DIR --out {index}`, or pass the folder an index was built into")
    if model is not None and not model.exists():
        fail(f"--model {model}: no such checkpoint or run folder")
    root_path = root_path.rstrip("/")
    # It goes into every page's links and script addresses: a path of plain segments, never another host
    # ("//elsewhere.example") nor a relative one.
    if root_path and not re.fullmatch(r"(/[A-Za-z0-9._~-]+)+", root_path):
        fail(f"--root-path {root_path!r}: give the path the proxy serves this server under, like /recs or "
             "/shop/recs (letters, digits, '.', '_', '~' and '-' between the slashes)")
    import socket

    try:    # before the index loads (uvicorn said so after it, in a traceback, exit 3: a trial)
        # An IPv6 address ("::", "::1") on an IPv6 socket: "--host ::" was refused, "Address family for hostname
        # not supported" (a review).
        sock = socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET)
    except OSError as e:
        fail(f"cannot listen on {host}:{port} ({e.strerror or e}): another server may be using it; choose "
             "another --port (or FASHIONREC_PORT)")
    from fashionrec.api.starting import StartingAnswer

    # Answered "starting" (503) while it loads: the port was closed for the load's 15 s, "connection refused"
    # as for a server that is down (an operator's trial). Until the app's start-up is done (run_server).
    starting = StartingAnswer(sock).start()
    try:
        return (*_loaded_app(index, model, backend, uri, token, root_path, host, port), sock, starting)
    except BaseException:
        starting.stop()
        sock.close()
        raise


def _loaded_app(index: Path, model: Path | None, backend: str | None, uri: str | None, token: str | None,
                root_path: str, host: str, port: int):
    """``serve``'s app and uvicorn's options for it, its index and models loaded."""
    import uvicorn

    from fashionrec.api import Settings, create_app
    from fashionrec.artifacts import read_json
    from fashionrec.index_build import index_backend

    try:
        if (index / "manifest.json").is_file():     # damaged: said here, not in uvicorn's start-up failure
            read_json(index / "manifest.json")
        if backend is not None and backend != index_backend(index):
            fail(f"{index} holds a {index_backend(index)} index, not {backend}: rebuild it with "
                 f"`fashionrec index build --backend {backend}`")
    except FashionrecError as e:
        fail(str(e))
    from pydantic import ValidationError

    extra = {"model": model, "milvus_uri": uri, "milvus_token": token}
    try:
        settings = Settings(index_dir=index, **{k: v for k, v in extra.items() if v is not None})
    except ValidationError as e:    # a FASHIONREC_* variable that is no number (its traceback before)
        fail("; ".join(f"FASHIONREC_{'_'.join(map(str, err['loc'])).upper()}={err.get('input')!r}: {err['msg']}"
                       for err in e.errors()))
    if root_path:
        # Its pages and /docs work through the proxy only: "/docs" on this port loads {root_path}/openapi.json,
        # which is there only through it (an integrator's trial).
        console.print(f"serving {index} on http://{host}:{port} for a proxy serving it under {root_path}: its "
                      f"links, and the API docs at {root_path}/docs, work through the proxy", highlight=False)
    else:
        console.print(f"serving {index} on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    # A server's lines say when: "now serving 40330 items" did not, and an operator could not tell how soon a
    # batch's products were served (a trial).
    from fashionrec.api.access_log import RequestIdFilter

    for handler in logging.getLogger().handlers:
        handler.setFormatter(logging.Formatter(TIMED_LOG_FORMAT))
        handler.addFilter(RequestIdFilter())
    log_config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    for formatter in log_config["formatters"].values():
        formatter["fmt"] = "%(asctime)s " + formatter["fmt"]
    from fashionrec.recommend import Recommender

    # Loaded here, not in the app's start-up: an index that cannot be loaded (a data file cut short) was said at
    # the end of a 60-line traceback from uvicorn's start-up, exit 3, and a SIGTERM while it loaded waited for
    # the load, then logged "Uvicorn running on ..." before it stopped (an operator's trial).
    logging.getLogger("fashionrec.api.app").info("loading index %s", index)
    try:
        rec = Recommender.load(index, model=settings.model, uri=settings.milvus_uri, token=settings.milvus_token)
        # The models' first run (ONNX sessions, MiniLM), the most of a start-up's 15 s: the app's start-up does it
        # again, at once.
        from fashionrec.text_encoder import encode_text

        rec.tagger.warm_up()
        encode_text(["warm up"])
    except FashionrecError as e:
        fail(str(e))
    from fashionrec.api.header_timeout import protocol_with_header_timeout

    # uvicorn puts the root path in each request's scope (and in front of its path), as the ASGI spec has it.
    # The app logs each request itself, with its time and id (api/access_log.py): uvicorn's line had neither.
    return create_app(settings, recommender=rec), {
        "host": host, "port": port, "log_level": "info", "root_path": root_path,
        "timeout_keep_alive": settings.keep_alive_s, "log_config": log_config, "access_log": False,
        "http": protocol_with_header_timeout(settings.header_timeout_s)}


# Recommender commands (index, recommend, evaluate-recs) live in their own module.
import fashionrec.cli_edit  # noqa: E402,F401  (`index edit`)
import fashionrec.cli_recs  # noqa: E402,F401  (registers its commands on `app`)


def main() -> None:
    """The ``fashionrec`` command: :data:`app`, with a last word for an error no command caught itself (a file
    that cannot be read or written, a damaged artefact): one line and exit 2, as ``fail`` says it, rather than a
    traceback. A bug still shows its traceback."""
    try:
        app()
    except KeyboardInterrupt as e:
        # While typer builds the commands, before it reads the line: Python's traceback, and no exit code of ours.
        err_console.print(f"{how_stopped(e)}: {_NOTHING_DONE}", highlight=False)
        sys.exit(exit_code(e))
    except FashionrecError as e:
        say_error(str(e))
        sys.exit(2)
    except OSError as e:
        from fashionrec.artifacts import out_of_space

        said = (f"{e.filename}: " if e.filename else "") + (e.strerror or str(e))
        if out_of_space(e):
            # numpy's short write said "1049600 requested and 822240 written" alone (an operator's trial).
            # Each file, not each command: a training run's folder keeps the epochs it had written (a review).
            said = (f"no space left on the disk ({said}): free some space and run it again; each file a command "
                    "writes (a checkpoint, an index, a report) goes in whole or not at all, so none is left "
                    "half-written")
        say_error(said)
        sys.exit(2)
    except Exception as e:
        # A bug: its traceback as before, and on stdout what the API answers for one (its 500's detail).
        json_error(f"internal error ({type(e).__name__}): {e}")
        raise
    finally:
        _quiet_torch_at_exit()
        _skip_exit_collection()


def _skip_exit_collection() -> None:
    """Leave the objects alive now out of the garbage collections the interpreter's exit runs: after a command's
    last line those walked torch's, transformers' and the index's whole object graph, most of the 1-6 s a
    ``recommend``/``serve`` process took to exit here, and 11-13 s on a machine at load 23 (stop 64). Objects are
    still freed by their reference counts; only reference cycles are left to the operating system, and every file
    a command writes is closed (written whole, then renamed) before it returns, so nothing it wrote is lost.
    Not ``os._exit``: atexit handlers and the flushing of stdout and stderr still run."""
    import gc

    gc.disable()
    gc.freeze()


def _quiet_torch_at_exit() -> None:
    """Quiet torch's FakeTensor logger for the interpreter's exit, where torch's own logging was never set up:
    a Ctrl-C in the middle of ``import torch`` left its atexit dump ("INFO torch._subclasses.fake_tensor:
    FakeTensor cache stats:" and two lines more) to the root logger's INFO, under the "interrupted" line (an
    operator's trial). Set up (torch imported whole), torch's loggers keep to themselves, above INFO; not
    imported, no such dump is registered."""
    if logging.getLogger("torch").propagate:
        logging.getLogger("torch._subclasses.fake_tensor").setLevel(logging.WARNING)


if __name__ == "__main__":
    # Run as `python -m fashionrec.cli`, this module is __main__, a second copy of fashionrec.cli: the commands
    # cli_recs registers go on fashionrec.cli's app, and this copy's had no index, recommend or embed (a review).
    from fashionrec.cli import main as registered_main

    registered_main()
