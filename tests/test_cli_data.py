"""`fashionrec data check`, `data split` and `eda` as a user runs them."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import fashionrec
from fashionrec.cli import app

runner = CliRunner()
REQUIRED_KEYS = {"rows", "rows_recovered", "rows_rejected", "with_image", "missing_image",
                 "unreadable_image", "classes", "class_counts"}


def flat(output: str) -> str:
    """CLI output with rich's line wrapping undone, so long paths can be searched for."""
    return output.replace("\n", "")


def test_data_check_writes_the_json_report(fixture_dir: Path, expected: dict, tmp_path: Path, caplog) -> None:
    out = tmp_path / "report" / "check.json"
    with caplog.at_level("WARNING"):
        result = runner.invoke(app, ["data", "check", str(fixture_dir), "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "lists them" not in caplog.text      # not told to run the command it is running
    report = json.loads(out.read_text())
    assert set(report) >= REQUIRED_KEYS
    # Which folder, wherever the report is read from, and by which release and command.
    assert Path(report["data_dir"]).is_absolute() and report["fashionrec_version"] and report["created"]
    assert report["command"]      # the program that ran it: CliRunner is no command line, so pytest's
    assert report["rows"] == expected["rows"]
    assert report["rows_recovered"] == expected["rows_recovered"]
    assert [r["line"] for r in report["rows_rejected"]] == [r["line"] for r in expected["rows_rejected"]]
    assert report["with_image"] == expected["with_image"]
    assert report["missing_image"] == expected["missing_image"]
    assert sorted(p["id"] for p in report["unreadable_image"]) == sorted(
        int(i) for i in expected["unreadable_image_ids"])
    assert report["classes"] == expected["classes"]
    assert report["class_counts"] == expected["class_counts"]
    # The printed summary names the problems too.
    assert "line 173" in result.output and "id 44333" in result.output
    # `--json -`: the report alone on stdout, for a pipe; the summary on stderr.
    piped = runner.invoke(app, ["data", "check", str(fixture_dir), "--json", "-"])
    assert piped.exit_code == 0, piped.output
    assert json.loads(piped.stdout)["rows_rejected"] == report["rows_rejected"]
    assert "line 173" in piped.stderr and "written to" not in piped.output
    # A folder for the file is refused before the photos are read.
    refused = runner.invoke(app, ["data", "check", str(fixture_dir), "--json", str(tmp_path)])
    assert refused.exit_code != 0 and "is a folder: give a file name" in refused.stderr
    assert refused.stdout == ""     # --json FILE: stdout is no JSON channel, so nothing there


def test_a_failing_json_on_stdout_command_prints_the_apis_error_object(tmp_path: Path) -> None:
    # A pipe read nothing on stdout when `--json -` failed (the message on stderr alone): now one JSON object,
    # {"detail": ...} as the API answers an error, beside the message and the exit code.
    for args in (["data", "check", str(tmp_path / "none"), "--json", "-"],
                 ["evaluate", str(tmp_path / "none"), "--json", "-"],
                 ["evaluate-recs", str(tmp_path / "none"), "--index", str(tmp_path / "none"), "--json", "-"]):
        res = runner.invoke(app, args)
        assert res.exit_code == 2, (args, res.output)
        said = json.loads(res.stdout)
        assert list(said) == ["detail"] and said["detail"] in " ".join(res.stderr.split()), (args, res.stderr)


def test_a_command_line_the_parser_refuses_prints_the_apis_error_object_under_json(tmp_path: Path) -> None:
    # An unknown option, a bad value or a missing argument was refused by the parser with its usage on stderr
    # alone: a script piping `--json` to jq read nothing on stdout, where every other failure printed one object.
    none = str(tmp_path / "none")
    for args, said in ((["recommend", "similar", "1", "--json", "--bogus"], "--bogus is not an option of "
                        "`fashionrec recommend similar`: `fashionrec recommend similar --help` lists them"),
                       (["recommend", "text", "--json"], "`fashionrec recommend text` needs QUERY"),
                       (["index", "remove", "--json", "--index", none], "`fashionrec index remove` needs ITEM_ID"),
                       (["data", "check", none, "--json", "-", "--strickt"], "--strickt is not an option"),
                       (["evaluate", none, "--json=-", "--split", "test", "--nope"], "--nope is not an option"),
                       (["eda", none, "--json"], "--json is not an option of `fashionrec eda`"),
                       # The root's own options: no command's --json was read there (an operator's trial).
                       (["--bogus", "--json"], "--bogus is not an option of `fashionrec`: `fashionrec --help`"),
                       (["--bogus", "recommend", "similar", "1", "--json"], "--bogus is not an option of "
                                                                            "`fashionrec`"),
                       (["recomend", "similar", "1", "--json"], "recomend is not a command of `fashionrec`")):
        res = runner.invoke(app, args, prog_name="fashionrec")
        assert res.exit_code == 2, (args, res.output)
        detail = json.loads(res.stdout)["detail"]       # one object, nothing else on stdout
        assert list(json.loads(res.stdout)) == ["detail"] and said in detail and "--help" in detail, (args, detail)
        shown = " ".join(res.stderr.replace("│", " ").split())
        assert said in shown and "Usage: fashionrec" in shown, (args, shown)    # the usage as before
    # A value refused is said in the command's words, the same on stdout and stderr.
    res = runner.invoke(app, ["recommend", "outfit", "1", "--json", "-k", "x"])
    detail = json.loads(res.stdout)["detail"]
    assert res.exit_code == 2 and detail == "-k x is not a whole number: give a whole number, e.g. -k 4", detail
    assert detail in " ".join(res.stderr.replace("│", " ").split())
    # Without JSON on stdout asked (no --json, or --json FILE), stdout stays empty.
    for args in (["recommend", "similar", "1", "--bogus"], ["data", "check", none, "--json", none, "--bogus"],
                 ["--bogus"], ["--bogus", "data", "check", none, "--json", none]):
        res = runner.invoke(app, args)
        assert res.exit_code == 2 and res.stdout == "", (args, res.stdout)


def test_a_value_the_parser_refuses_is_said_by_its_name_in_help_with_what_to_type(monkeypatch) -> None:
    # Typer said pydantic's words of its parameter: "Invalid value for 'item_id': Input should be a valid integer,
    # unable to parse string as an integer", an argument `--help` shows as {item_id}; "Invalid value for '--year':
    # Input should be less than or equal to 2100" (an operator's trial).
    # (An id argument is read as typed since stop 73, a Handle too: "abc" is said by the index as no product.)
    for args, said in ((["recommend", "similar", "1", "-k", ""], "-k '' is not a whole number: give a whole number, "
                                                                 "e.g. -k 10"),
                       (["index", "add", "p.jpg", "--year", "3000"], "--year 3000 is out of range: give a whole "
                                                                     "number from 1900 to 2100"),
                       (["recommend", "text", "q", "--min-similarity", "2"], "--min-similarity 2 is out of range: "
                                                                            "give a number from -1 to 1, e.g. "
                                                                            "--min-similarity 0.35"),
                       (["recommend", "similar", "1", "--diversity", "x"], "--diversity x is not a number"),
                       (["tag", "p.jpg", "--batch-size", "0"], "--batch-size 0 is out of range: give a whole number "
                                                               "of at least 1"),
                       # Given no value: click's "Option '-k' requires an argument.", without the usage line.
                       (["recommend", "similar", "1", "-k"], "-k needs a value after it: give a whole number, e.g. "
                                                             "-k 10")):
        res = runner.invoke(app, args)
        shown = " ".join(res.stderr.replace("│", " ").split())
        assert res.exit_code == 2 and said in shown and "Invalid value" not in shown, (args, shown)
    # `--json` last, its file left out: "`fashionrec --help` lists the options" was said of `data check`.
    res = runner.invoke(app, ["data", "check", "--json"])
    assert json.loads(res.stdout)["detail"] == "--json needs a value after it: give the file to write the JSON to, " \
        "or - for stdout" and "data check [OPTIONS] [DATA_DIR]" in res.stderr, res.output
    # And the usage line and the missing argument by the name --help shows.
    res = runner.invoke(app, ["recommend", "similar"])
    assert "{ITEM_ID}" in res.stderr and "needs ITEM_ID: e.g." in res.stderr, res.stderr
    assert "{ITEM_ID}..." in runner.invoke(app, ["recommend", "profile", "--help"]).stdout
    monkeypatch.setenv("FASHIONREC_PORT", "0")      # a variable's value said as the variable
    res = runner.invoke(app, ["serve"])
    assert "FASHIONREC_PORT=0 (for --port) is out of range" in " ".join(res.stderr.replace("│", " ").split())


def test_a_command_line_refused_is_said_with_what_to_type() -> None:
    # An unknown option, a missing argument or an unknown command was said in click's words ("No such option:
    # --bogus", "Missing argument 'QUERY'."), with a close match beside the point ("No such option: --json
    # (Possible options: --token)"): an operator's trial. Exit 2, on stderr, the usage above it, as before.
    for args, said in ((["recommend", "similar", "1", "--bogus"], "--bogus is not an option of `fashionrec "
                        "recommend similar`: `fashionrec recommend similar --help` lists them"),
                       (["serve", "--json"], "--json is not an option of `fashionrec serve`: `fashionrec serve "
                                             "--help` lists them"),
                       (["data", "check", "--strickt"], "--strickt is not an option of `fashionrec data check`: "
                                                        "did you mean --strict? `fashionrec data check --help`"),
                       (["recommend", "text"], "`fashionrec recommend text` needs QUERY: e.g. `fashionrec recommend "
                                               "text 'black formal shoes for men'`; `fashionrec recommend text "
                                               "--help` says what it takes"),
                       (["recommend", "profile"], "`fashionrec recommend profile` needs ITEM_ID (one or more): e.g. "
                                                  "`fashionrec recommend profile 15970`"),
                       (["recommend", "simlar", "1"], "simlar is not a command of `fashionrec recommend`: did you "
                                                      "mean similar? `fashionrec recommend --help` lists them"),
                       (["bogus"], "bogus is not a command of `fashionrec`: `fashionrec --help` lists them"),
                       # Words with spaces not in quotes, an argument too many.
                       (["recommend", "text", "red", "dress"], "`fashionrec recommend text` takes one QUERY: put "
                                                               "words with spaces in quotes, e.g. `fashionrec "
                                                               "recommend text 'red dress'`"),
                       (["recommend", "similar", "1", "2"], "2 is more than `fashionrec recommend similar` takes "
                                                            "(one ITEM_ID;"),
                       # An option of another level of the command line, with where it goes.
                       (["recommend", "similar", "1", "-v"], "-v is an option of `fashionrec`, not of `fashionrec "
                                                             "recommend similar`: put it before the command, e.g. "
                                                             "`fashionrec -v recommend similar ...`"),
                       (["--json", "recommend", "similar", "1"], "--json is an option of `fashionrec recommend "
                                                                 "similar`, not of `fashionrec`: put it after")):
        res = runner.invoke(app, args, prog_name="fashionrec")
        shown = " ".join(res.stderr.replace("│", " ").split())
        assert res.exit_code == 2 and said in shown, (args, shown)
        assert res.stdout == "" if "--json" not in args else said in json.loads(res.stdout)["detail"], res.stdout
        assert "Usage: fashionrec" in shown and not re.search("No such|Missing|Possible|Got unexpected", shown), shown


def test_a_group_without_a_command_is_a_mistake_said_on_stderr() -> None:
    # Its help on stdout and exit 2: `x=$(fashionrec recommend $KIND)` with $KIND unset took the help for the answer.
    for args in ([], ["recommend"], ["index"], ["data"]):
        res = runner.invoke(app, args)
        assert res.exit_code == 2 and res.stdout == "" and "Usage:" in res.stderr and "Commands" in res.stderr, args
    asked = runner.invoke(app, ["recommend", "--help"])      # asked for: stdout, exit 0
    assert asked.exit_code == 0 and "Usage:" in asked.stdout and asked.stderr == ""


def test_a_stop_no_command_caught_is_said_with_its_signals_exit_code(monkeypatch, tmp_path: Path) -> None:
    # A Ctrl-C or SIGTERM while a command's modules or the model loaded (before its own `except KeyboardInterrupt`)
    # ended in exit 130 without a word, a SIGTERM too (not 143), and nothing on stdout under --json.
    import fashionrec.cli_recs
    from fashionrec.signals import Terminated

    for stop, code, word in ((KeyboardInterrupt(), 130, "interrupted"), (Terminated(), 143, "terminated")):
        def loading(*_a, _stop=stop, **_k):
            raise _stop

        monkeypatch.setattr(fashionrec.cli_recs, "_load", loading)
        res = runner.invoke(app, ["recommend", "similar", "1", "--index", str(tmp_path), "--json"])
        assert res.exit_code == code, res.output
        assert json.loads(res.stdout)["detail"].startswith(f"{word}: ") and res.stderr.startswith(f"{word}: ")
        res = runner.invoke(app, ["recommend", "outfit", "1", "--index", str(tmp_path)])
        assert res.exit_code == code and res.stdout == "" and word in res.stderr, res.output


def test_a_stop_before_the_command_starts_is_said_with_its_signals_exit_code(monkeypatch, capsys) -> None:
    # While typer read the command line (it imports pydantic then): exit 130 without a word; while it built the
    # commands, before that: Python's traceback.
    import typer.core

    import fashionrec.cli as cli
    from fashionrec.signals import Terminated

    def reading(*_a, **_k):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(typer.core.TyperGroup, "parse_args", reading)
        res = runner.invoke(app, ["recommend", "similar", "1", "--json"])
    said = "interrupted: nothing was done yet (the command had not started): run it again"
    assert res.exit_code == 130 and res.stderr.strip() == said and json.loads(res.stdout) == {"detail": said}
    for stop, code, word in ((KeyboardInterrupt(), 130, "interrupted"), (Terminated(), 143, "terminated")):
        def building(_stop=stop):
            raise _stop

        monkeypatch.setattr(cli, "app", building)
        with pytest.raises(SystemExit) as stopped:
            cli.main()
        assert stopped.value.code == code and capsys.readouterr().err.startswith(f"{word}: nothing was done yet")


def test_a_stop_while_torch_imports_leaves_no_torch_lines_on_stderr(tmp_path: Path) -> None:
    # A Ctrl-C in the middle of `import torch`, after torch._subclasses.fake_tensor registered its atexit dump and
    # before torch set its logging up, added "INFO torch._subclasses.fake_tensor: FakeTensor cache stats:" and two
    # lines more under the "interrupted" one (an operator's trial). The Ctrl-C here comes at the next import after.
    import subprocess
    import sys

    photo = next((Path(__file__).parent / "fixtures" / "catalog" / "images").iterdir())
    code = """
import sys

class Interrupt:
    def find_spec(self, name, path=None, target=None):
        done = sys.modules.get("torch._subclasses.fake_tensor")
        if done is not None and hasattr(done, "dump_cache_stats"):
            sys.meta_path.remove(self)
            raise KeyboardInterrupt

sys.meta_path.insert(0, Interrupt())
from fashionrec.cli import main

sys.argv = ["fashionrec", *sys.argv[1:]]
main()
"""
    res = subprocess.run([sys.executable, "-c", code, "tag", str(photo), "--out", str(tmp_path / "tags.csv")],
                         capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(Path(fashionrec.__file__).parents[1])})
    assert res.returncode == 130 and res.stderr.startswith("interrupted: "), res.stderr
    assert "torch" not in res.stderr and res.stdout == "", res.stderr


def test_data_split_names_the_flags_of_fractions_it_refuses(tmp_path: Path) -> None:
    # "val_frac 0.9 and test_frac 0.5: ..." named Python's parameters, which `data split` has no flag of.
    res = runner.invoke(app, ["data", "split", str(tmp_path), "--out", str(tmp_path / "s.csv"), "--val-frac", "0.9",
                              "--test-frac", "0.5"])
    said = " ".join(res.stderr.split())
    assert res.exit_code == 2 and "--val-frac 0.9" in said and "--test-frac 0.5" in said, said


def test_a_choice_of_index_build_or_embed_is_refused_by_its_flag_before_the_catalogue_loads(monkeypatch,
                                                                                          fixture_dir: Path,
                                                                                          tmp_path: Path) -> None:
    # "unknown index backend 'x'", "index kind 'x' is not one of ..." and "unknown engine 'x'" named no flag, and
    # came after the catalogue and the model loaded (a minute and more on 40k products).
    def loading(*_a, **_k):
        raise AssertionError("the catalogue was loaded")

    monkeypatch.setattr("fashionrec.catalog.load_catalog", loading)
    out = str(tmp_path / "out")
    for args, said in ((["index", "build", str(fixture_dir), "--out", out, "--kind", "ivf"],
                        "--kind 'ivf': choose auto, flat or hnsw"),
                       (["index", "build", str(fixture_dir), "--out", out, "--backend", "qdrant"],
                        "--backend 'qdrant': choose faiss or milvus"),
                       (["embed", str(fixture_dir), "--out", out, "--engine", "spark"],
                        "--engine 'spark': choose local or ray")):
        res = runner.invoke(app, args)
        assert res.exit_code == 2 and said in " ".join(res.stderr.split()), (args, res.output)


def test_each_command_is_one_line_in_its_groups_help() -> None:
    # `tag`'s and `index check`'s lines broke where their docstrings do ("a catalogue's own" / "labels checked").
    import inspect

    import typer.main

    groups = {(): typer.main.get_command(app)}
    groups.update({(name,): group for name, group in groups[()].commands.items() if hasattr(group, "commands")})
    for words, group in groups.items():
        shown = runner.invoke(app, [*words, "--help"], env={"COLUMNS": "400"}).stdout
        for name, command in group.commands.items():
            line = next(line for line in shown.splitlines() if line.startswith(f"│ {name} "))
            first = " ".join(inspect.cleandoc(command.help).split("\n\n")[0].split())
            assert first in line, (words, name, line)


def test_each_groups_help_names_every_command_it_has() -> None:
    # `fashionrec recommend --help` said "similar, photo, text, outfit, profile" above a list with export too.
    import typer.main

    for name, group in typer.main.get_command(app).commands.items():
        if hasattr(group, "commands"):
            missing = [c for c in group.commands if c not in group.help.lower()]
            assert not missing, (name, missing, group.help)


def test_data_check_lists_missing_photos_and_photos_without_rows_and_strict_fails(fixture_dir: Path, expected: dict,
                                                                                  tmp_path: Path) -> None:
    cat = tmp_path / "cat"
    shutil.copytree(fixture_dir, cat)
    usable = sorted(p for p in (cat / "images").glob("*.jpg") if p.stat().st_size > 1000)
    usable[0].rename(usable[0].with_suffix(".JPG"))                  # an upper-case extension still counts
    shutil.copy(usable[1], cat / "images" / "99999999.jpg")          # a photo no row names
    result = runner.invoke(app, ["data", "check", str(cat), "--json", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["with_image"] == expected["with_image"] and report["images_without_row"] == ["99999999.jpg"]
    out = flat(result.output)
    assert "images without a row 1 (99999999.jpg)" in out
    assert "missing image" in out and str(report["missing_image_ids"][0]) in out
    strict = runner.invoke(app, ["data", "check", str(cat), "--strict"])
    assert strict.exit_code == 1 and "rows usable" in flat(strict.output)


@pytest.mark.parametrize("missing", ["styles.csv", "images"])
def test_data_check_exits_non_zero_and_names_what_is_missing(fixture_dir: Path, tmp_path: Path,
                                                            missing: str) -> None:
    if missing == "images":
        shutil.copy(fixture_dir / "styles.csv", tmp_path / "styles.csv")
    else:
        (tmp_path / "images").mkdir()
    result = runner.invoke(app, ["data", "check", str(tmp_path)])
    assert result.exit_code != 0
    assert "error" in result.output and missing in flat(result.output)
    # On stderr: a script reading stdout (--json) gets no error text mixed into its results.
    assert result.stdout == "" and "error" in result.stderr


def test_data_split_writes_a_reproducible_split(fixture_dir: Path, tmp_path: Path) -> None:
    paths = [tmp_path / "a" / "split.csv", tmp_path / "b" / "split.csv"]
    for p in paths:
        result = runner.invoke(app, ["data", "split", str(fixture_dir), "--out", str(p), "--seed", "3"])
        assert result.exit_code == 0, result.output
    assert paths[0].read_text() == paths[1].read_text()
    assert "train only" in result.output and "Ties" in result.output
    # The fixture is not the shipped model's catalogue: nothing said of its split (a shop read it as a warning
    # about its own model, an integrator's trial).
    assert "shipped model's split" not in " ".join(result.output.split())
    # A usable product without a type is in no split: said, not only in the sidecar (a data engineer's trial).
    shop = shutil.copytree(fixture_dir, tmp_path / "shop")
    styles = pd.read_csv(shop / "styles.csv", on_bad_lines="skip", dtype=str, keep_default_na=False)
    typeless = int(styles["id"].iloc[0])
    styles.loc[styles.index[0], "articleType"] = ""
    styles.to_csv(shop / "styles.csv", index=False)
    result = runner.invoke(app, ["data", "split", str(shop), "--out", str(tmp_path / "c" / "split.csv")])
    assert f"1 usable product without an articleType, in no split (ids {typeless})" in " ".join(result.output.split())


def test_a_split_says_which_catalogue_it_is_of_and_where_each_row_went(fixture_dir: Path, expected: dict,
                                                                        tmp_path: Path) -> None:
    # Its summary named no catalogue (a shop's split and the shared catalogue's could not be told apart, nor one made
    # before styles.csv changed) and left the rows in no part unexplained (a code review).
    from fashionrec.catalog import styles_sha256

    for args in ([], ["--folders", str(tmp_path / "parts")]):
        result = runner.invoke(app, ["data", "split", str(fixture_dir), "--out", str(tmp_path / "split.csv"), *args])
        assert result.exit_code == 0, result.output
        for summary in [tmp_path / "split.json", *([tmp_path / "parts" / "split.json"] if args else [])]:
            said = json.loads(summary.read_text())["catalogue"]
            assert said["data_dir"] == str(fixture_dir.resolve())
            assert said["styles_csv_sha256"] == styles_sha256(fixture_dir)
            assert said["rows"] == expected["rows"] == said["split"] + sum(said["not_split"].values())
            assert said["not_split"]["rejected"] == len(expected["rows_rejected"])


def test_data_split_replaces_an_earlier_split_but_no_other_file(fixture_dir: Path, tmp_path: Path) -> None:
    # A shop's own CSV given as --out was replaced by id,split, and --out runs/data_check.csv put the split's summary
    # over the data check's report beside it, exit 0 both (a code review).
    own = tmp_path / "prices.csv"
    own.write_text("sku,price\n12933,999\n")
    result = runner.invoke(app, ["data", "split", str(fixture_dir), "--out", str(own)])
    assert result.exit_code == 2 and "is no split" in flat(result.output)
    assert own.read_text() == "sku,price\n12933,999\n"
    report = tmp_path / "data_check.json"
    report.write_text('{"rows": 186}\n')
    result = runner.invoke(app, ["data", "split", str(fixture_dir), "--out", str(tmp_path / "data_check.csv")])
    assert result.exit_code == 2 and "is no split's summary" in flat(result.output)
    assert report.read_text() == '{"rows": 186}\n' and not (tmp_path / "data_check.csv").exists()
    # An earlier split is replaced, as before.
    for seed in ("1", "2"):
        result = runner.invoke(app, ["data", "split", str(fixture_dir), "--out", str(tmp_path / "split.csv"),
                                     "--seed", seed])
        assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "split.json").read_text())["config"]["seed"] == 2


def test_data_split_says_which_test_products_have_a_training_products_photo(fixture_dir: Path, fixture_catalog,
                                                                              tmp_path: Path) -> None:
    # The shared catalogue lists some photos under several ids: 113 of the shipped split's test products have
    # the photo of a training or validation product, which only `evaluate` said.
    cat = tmp_path / "cat"
    shutil.copytree(fixture_dir, cat)
    usable = [Path(p) for p in fixture_catalog.usable["image_path"]]
    one = usable[0].read_bytes()
    for p in usable[len(usable) // 2:]:         # half the products share one photo
        (cat / "images" / p.name).write_bytes(one)
    result = runner.invoke(app, ["data", "split", str(cat), "--out", str(tmp_path / "split.csv")])
    assert result.exit_code == 0, result.output
    split = pd.read_csv(tmp_path / "split.csv").set_index("id")["split"]
    shared = {int(p.stem) for p in usable[len(usable) // 2:]} | {int(usable[0].stem)}
    test = sorted(i for i in shared if split[i] == "test")
    assert test and any(split[i] != "test" for i in shared)
    assert f"{len(test)} test products have, byte for byte, the photo of a train or val product" in flat(result.output)
    # Copies across train and val are said too: they lift the validation scores early stopping reads.
    val = sorted(i for i in shared if split[i] == "val")
    assert val and f"{len(val)} val product{'s have' if len(val) != 1 else ' has'}, byte for byte, the photo of " \
        "a train product" in flat(result.output)
    assert "train or val product" not in runner.invoke(app, ["data", "split", str(fixture_dir), "--out",
                                                             str(tmp_path / "plain.csv")]).output


def test_kept_together_a_split_says_what_it_counts_photos_not_products(fixture_dir: Path, fixture_catalog,
                                                                        tmp_path: Path) -> None:
    # A type of 6 products and 2 photos was "too small ... (under 3 products)": Ties (6) (an ML engineer's trial);
    # and nothing confirmed that no test product was a copy, where `apart` lists them.
    cat = tmp_path / "cat"
    shutil.copytree(fixture_dir, cat)
    usable = fixture_catalog.usable
    kind = usable["articleType"].value_counts().index[0]
    paths = [Path(p) for p in usable.loc[usable["articleType"] == kind, "image_path"]]
    assert len(paths) >= 4
    for i, p in enumerate(paths):           # every photo of the type one of two
        (cat / "images" / p.name).write_bytes(paths[i % 2].read_bytes())
    result = runner.invoke(app, ["data", "split", str(cat), "--copies", "together", "--out",
                                 str(tmp_path / "split.csv")])
    said = flat(result.output)
    assert result.exit_code == 0, result.output
    assert "too small to stratify (under 3 distinct photos), train only: " in said
    assert f"{kind} ({len(paths)} products)" in said.split("train only: ")[1]
    assert "each photo's ids in one part: no test or val product is a copy of a train photo" in said
    assert "byte for byte" not in said
    apart = flat(runner.invoke(app, ["data", "split", str(cat), "--out", str(tmp_path / "apart.csv")]).output)
    assert "(under 3 products), train only: Ties (2)" in apart
    assert "under 3 distinct photos" not in apart and "no test or val product is a copy" not in apart
    wrong = runner.invoke(app, ["data", "split", str(cat), "--copies", "yes", "--out", str(tmp_path / "x.csv")])
    assert wrong.exit_code == 2 and "--copies 'yes': choose apart or together" in flat(wrong.output)


def test_data_split_says_when_val_and_test_are_empty(fixture_dir: Path, tmp_path: Path) -> None:
    cat = tmp_path / "one"
    (cat / "images").mkdir(parents=True)
    lines = (fixture_dir / "styles.csv").read_text().splitlines()
    (cat / "styles.csv").write_text("\n".join(lines[:2]) + "\n")
    shutil.copy(fixture_dir / "images" / f"{lines[1].split(',')[0]}.jpg", cat / "images")
    result = runner.invoke(app, ["data", "split", str(cat), "--out", str(tmp_path / "split.csv")])
    assert result.exit_code == 0, result.output
    assert "train 1, val 0, test 0" in flat(result.output)
    assert "val and test are empty: no type has the 3 products a stratified split needs" in flat(result.output)
    plain = runner.invoke(app, ["data", "split", str(fixture_dir), "--out", str(tmp_path / "plain.csv")])
    assert "are empty" not in plain.output and "is empty" not in plain.output


def test_eda_exits_non_zero_for_a_folder_without_styles_csv(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eda", str(tmp_path), "--out", str(tmp_path / "eda")])
    assert result.exit_code != 0
    assert "styles.csv" in flat(result.output)
    assert not (tmp_path / "eda").exists()


@pytest.fixture(scope="module")
def eda_cli(fixture_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """`fashionrec eda` of the fixture catalogue as a user runs it, progress bars on (no TQDM_DISABLE), once: the
    report's test and the bars' test below read the same run (each made its own)."""
    out = tmp_path_factory.mktemp("eda-cli") / "eda"
    return out, runner.invoke(app, ["eda", str(fixture_dir), "--out", str(out)])


def test_eda_writes_the_report(eda_cli) -> None:
    out, result = eda_cli
    assert result.exit_code == 0, result.output
    assert (out / "report.html").is_file() and (out / "report.json").is_file()
    assert "report.html" in flat(result.output)


def test_data_check_names_the_types_the_shipped_model_lacks(fixture_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    for i, name in enumerate(("10315.jpg", "10652.jpg", "12933.jpg"), 1):
        shutil.copy(fixture_dir / "images" / name, tmp_path / "images" / f"{i}.jpg")
    (tmp_path / "styles.csv").write_text("id,articleType,productDisplayName\n1,Playsuit,A\n2,Playsuit,B\n"
                                         "3,Tshirts,C\n")
    res = runner.invoke(app, ["data", "check", str(tmp_path), "--json", str(tmp_path / "c.json")])
    assert res.exit_code == 0, res.output
    assert "new types        1 the shipped model has no class for: 'Playsuit' (2)" in flat(res.output)
    assert json.loads((tmp_path / "c.json").read_text())["types_the_shipped_model_lacks"] == {"Playsuit": 2}
    assert "new types" not in runner.invoke(app, ["data", "check", str(fixture_dir)]).output


def test_data_check_says_which_new_type_may_be_a_typo(fixture_dir: Path, tmp_path: Path) -> None:
    # A typo listed as a new type to train, and nothing more, reads as one (a new user's trial, stop 63).
    (tmp_path / "images").mkdir()
    photo = fixture_dir / "images" / "10315.jpg"
    rows = [f"{i},Tshirts,Tee {i}" for i in range(1, 5)] + ["5,Tshirt,Typo Tee"]
    for i in range(1, 6):
        shutil.copy(photo, tmp_path / "images" / f"{i}.jpg")
    (tmp_path / "styles.csv").write_text("id,articleType,productDisplayName\n" + "\n".join(rows) + "\n")
    res = runner.invoke(app, ["data", "check", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "new types        1 the shipped model has no class for: 'Tshirt' (1, a possible typo of 'Tshirts')" \
        in flat(res.output)


def test_tqdm_disable_turns_the_progress_bars_off(fixture_dir: Path, tmp_path: Path, monkeypatch, eda_cli) -> None:
    # A log redirected to a file was mostly carriage returns and bars, with no way to turn them off.
    _, shown = eda_cli
    monkeypatch.setenv("TQDM_DISABLE", "1")
    quiet = runner.invoke(app, ["eda", str(fixture_dir), "--out", str(tmp_path / "b")])
    assert shown.exit_code == quiet.exit_code == 0
    assert "EDA plots" in shown.output and "checking images" in shown.output
    assert "EDA plots" not in quiet.output and "checking images" not in quiet.output and "\r" not in quiet.output
    assert "report.html" in flat(quiet.output)


def test_a_token_on_the_command_line_is_said_to_be_seen_by_every_account(tmp_path: Path, monkeypatch,
                                                                          caplog) -> None:
    args = ["recommend", "similar", "1", "--index", str(tmp_path / "none"), "--token=user:secret"]
    monkeypatch.setattr("sys.argv", ["fashionrec", *args])      # what the process list shows
    with caplog.at_level("WARNING", logger="fashionrec.cli"):
        runner.invoke(app, args)
    assert "--token on the command line is seen by every account" in caplog.text and "secret" not in caplog.text
    caplog.clear()
    uri = [*args[:-1], "--uri", "http://root:secret@db:19530"]       # a URI's password is as readable
    monkeypatch.setattr("sys.argv", ["fashionrec", *uri])
    with caplog.at_level("WARNING", logger="fashionrec.cli"):
        runner.invoke(app, uri)
    assert "a password in a URI on the command line is seen" in caplog.text and "secret" not in caplog.text
    caplog.clear()
    monkeypatch.setattr("sys.argv", ["fashionrec", *args[:-1]])
    monkeypatch.setenv("FASHIONREC_MILVUS_TOKEN", "user:secret")
    with caplog.at_level("WARNING", logger="fashionrec.cli"):
        runner.invoke(app, args[:-1])
    assert "command line" not in caplog.text


def test_data_check_exits_2_for_a_styles_csv_with_no_rows(tmp_path: Path) -> None:
    # Stop 74 (h74exit): a header alone warned and exited 0, so a CI step took an empty export for a good one; exit 2
    # as where every row is left out (stop 75), the last line what to fix, the JSON report still written.
    (tmp_path / "images").mkdir()
    (tmp_path / "styles.csv").write_text("id,gender,masterCategory,subCategory,articleType,baseColour,season,year,"
                                         "usage,productDisplayName\n")
    result = runner.invoke(app, ["data", "check", str(tmp_path), "--json", str(tmp_path / "report.json")])
    last = flat(result.output).rsplit("error: ", 1)[-1]
    assert result.exit_code == 2 and "has a header but no product rows: nothing to check" in last, result.output
    assert "export the products again" in last and json.loads((tmp_path / "report.json").read_text())["rows"] == 0
    assert runner.invoke(app, ["data", "check", str(tmp_path), "--strict"]).exit_code == 2


def test_data_check_exits_2_saying_what_to_fix_where_no_row_is_usable(tmp_path: Path) -> None:
    # Stop 74's new user: every row rejected ("id 'X' is not an integer", 0 usable) exited 0, so a script or a CI
    # step took a catalogue of nothing for a good one. No usable row is exit 2 (the CLI's code for input it cannot
    # use), its last line what to fix; some rows usable stays exit 0 with the count.
    header = "id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName\n"
    row = "{},Men,Apparel,Topwear,Tshirts,Navy Blue,Summer,2012,Casual,Navy Tee\n"
    (tmp_path / "images").mkdir()
    (tmp_path / "styles.csv").write_text(header + "".join(row.format(f"X{k}") for k in range(5)))
    result = runner.invoke(app, ["data", "check", str(tmp_path)])
    last = flat(result.output).rsplit("error: ", 1)[-1]
    assert result.exit_code == 2, result.output
    assert last.startswith("no usable product in 5 rows of styles.csv: all 5 rows rejected (each as line 2: "
                           "id 'X0' is not an integer: give the row its product's number, or, where the id "
                           "column holds the shop's product codes, say so once with `fashionrec data columns "), last
    assert last.endswith(" is read as its product's id (kept as written)). Fix that and run `fashionrec data check "
                         f"{tmp_path}` again (the lines above list them)"), last
    assert runner.invoke(app, ["data", "check", str(tmp_path), "--strict"]).exit_code == 2
    # Rows without a photo are no usable product either: the line names the photo to give.
    (tmp_path / "styles.csv").write_text(header + row.format(12933))
    result = runner.invoke(app, ["data", "check", str(tmp_path)])
    assert result.exit_code == 2 and "1 without a photo in images/ (each named by its id, as 12933.jpg" in flat(
        result.output), result.output
    # One usable row of two: exit 0, the rejected one counted as before (--strict: 1).
    shutil.copy(Path(__file__).parent / "fixtures" / "catalog" / "images" / "12933.jpg", tmp_path / "images")
    (tmp_path / "styles.csv").write_text(header + row.format(12933) + row.format("X"))
    result = runner.invoke(app, ["data", "check", str(tmp_path)])
    assert result.exit_code == 0 and "rows rejected    1" in result.output, result.output
    assert runner.invoke(app, ["data", "check", str(tmp_path), "--strict"]).exit_code == 1


def test_data_split_folders_are_catalogues_of_each_split(fixture_dir: Path, fixture_catalog, tmp_path: Path) -> None:
    """`--folders` writes every split as a catalogue folder any command takes, rows and photos unchanged."""
    from fashionrec.catalog import COLUMNS, load_catalog
    from fashionrec.splits import Split

    out = tmp_path / "subsets"
    result = runner.invoke(app, ["data", "split", str(fixture_dir), "--out", str(tmp_path / "split.csv"),
                                 "--folders", str(out)])
    assert result.exit_code == 0, result.output
    split = Split.load(out / "split.csv")
    original = fixture_catalog.usable.set_index("id")
    parts = {}
    for name in ("train", "val", "test", "trainval"):
        part = load_catalog(out / name, progress=False)
        assert part.report.rows_recovered == 0 and part.report.rows_rejected == []
        assert len(part.usable) == len(part.table), name           # every photo is there and readable
        parts[name] = set(part.usable["id"])
        # Each row reads back as the catalogue has it, the literal "NA" and missing fields included.
        got = part.usable.set_index("id")[COLUMNS[1:]].sort_index()
        pd.testing.assert_frame_equal(got, original.loc[got.index, COLUMNS[1:]], check_dtype=False)
        assert re.search(rf"/{name}:\s*{len(parts[name]):,}\s*products", flat(result.output)), name
    for name in ("train", "val", "test"):
        assert parts[name] == set(split.ids(name))
    assert parts["trainval"] == parts["train"] | parts["val"] and not parts["test"] & parts["trainval"]
    assert len(parts["test"]) >= 10
    assert "shipped model's split" not in flat(result.output)     # the fixture is not its catalogue
    # Written again in place; a folder of other files is refused, not replaced.
    assert runner.invoke(app, ["data", "split", str(fixture_dir), "--out", str(tmp_path / "split.csv"),
                               "--folders", str(out)]).exit_code == 0
    result = runner.invoke(app, ["data", "split", str(fixture_dir), "--out", str(tmp_path / "split.csv"),
                                 "--folders", str(fixture_dir)])
    assert result.exit_code != 0 and "choose a new or empty folder for --folders" in flat(result.output)
    assert (fixture_dir / "styles.csv").exists()


def test_a_split_stopped_while_its_old_folders_go_leaves_the_csv_and_the_folders_of_one_split(
        fixture_dir: Path, tmp_path: Path, monkeypatch) -> None:
    # A Ctrl-C while the earlier folders were deleted left the new folders beside the earlier split.csv, of
    # another seed, without a word (an integrator's trial: 4 of 4 tries).
    import shutil as shutil_module

    import fashionrec.artifacts as artifacts
    from fashionrec.splits import Split

    out, csv = tmp_path / "subsets", tmp_path / "split.csv"
    assert runner.invoke(app, ["data", "split", str(fixture_dir), "--out", str(csv), "--folders", str(out)]) \
        .exit_code == 0
    real = shutil_module.rmtree

    def stopped_on_old(path, *args, **kwargs):
        if Path(path).name.endswith(".old"):
            raise KeyboardInterrupt
        return real(path, *args, **kwargs)

    monkeypatch.setattr(artifacts.shutil, "rmtree", stopped_on_old)
    runner.invoke(app, ["data", "split", str(fixture_dir), "--out", str(csv), "--folders", str(out), "--seed", "7"])
    assert Split.load(csv).config.seed == Split.load(out / "split.csv").config.seed == 7
    assert Split.load(csv).fingerprint("test") == Split.load(out / "split.csv").fingerprint("test")
    # Stopped again while what that stop left is deleted: that is done before the work, not between the split's
    # CSV and the swap (a code review: seed 9 beside folders of seed 7).
    assert (tmp_path / ".subsets.old").exists()
    runner.invoke(app, ["data", "split", str(fixture_dir), "--out", str(csv), "--folders", str(out), "--seed", "9"])
    monkeypatch.setattr(artifacts.shutil, "rmtree", real)
    assert Split.load(csv).config.seed == Split.load(out / "split.csv").config.seed
    # An --out inside the folders went with the folder it was saved in, said written (a code review).
    inside = out / "extra" / "split.csv"
    res = runner.invoke(app, ["data", "split", str(fixture_dir), "--out", str(inside), "--folders", str(out)])
    assert res.exit_code == 2 and "is inside --folders" in flat(res.output) and not inside.exists()
    (tmp_path / "link").symlink_to(out)         # through a link to the folders too (a second review)
    res = runner.invoke(app, ["data", "split", str(fixture_dir), "--out", str(tmp_path / "link" / "x" / "split.csv"),
                              "--folders", str(out)])
    assert res.exit_code == 2 and "is inside --folders" in flat(res.output)
    assert "checking images" not in res.output          # said before the catalogue is read
    res = runner.invoke(app, ["data", "split", str(fixture_dir), "--out", str(out / "split.csv"), "--folders",
                              str(out), "--seed", "3"])
    assert res.exit_code == 0 and Split.load(out / "split.csv").config.seed == 3


def test_an_error_message_is_printed_as_written(tmp_path: Path) -> None:
    # Read as markup, "[milvus]" in "pip install 'fashionrec[milvus]'" vanished from the advice.
    missing = tmp_path / "fashionrec[milvus]"
    result = runner.invoke(app, ["data", "check", str(missing)])
    assert result.exit_code == 2 and f"catalogue folder {missing} does not exist" in " ".join(result.output.split())


def test_the_consoles_print_text_as_written() -> None:
    # Read as markup, "runs/index[v2]" printed as "runs/index" and "[/tmp/x]" raised a MarkupError.
    from fashionrec.cli import _console

    for stderr in (False, True):
        console = _console(stderr=stderr)
        with console.capture() as said:
            console.print("runs/index[v2] kept; [/tmp/x]", highlight=False)
        assert said.get().strip() == "runs/index[v2] kept; [/tmp/x]"


def test_the_python_verbs_are_importable_from_the_package_without_loading_torch() -> None:
    # `dir(fashionrec)` listed only __version__: a Python user had to read the README to find a way in.
    import subprocess
    import sys

    import fashionrec
    from fashionrec.recommend import Recommender

    assert {"load_catalog", "make_split", "write_eda_report", "evaluate_model", "Tagger", "tag",
            "Recommender", "evaluate_recs"} <= set(dir(fashionrec))
    assert fashionrec.Recommender is Recommender
    # Each is the verb, never a module of the same name (a review: `from fashionrec import train` gave the
    # module fashionrec.train once it was imported, so "train" is not one of them).
    assert all(callable(getattr(fashionrec, name)) for name in fashionrec._VERBS)
    assert "train" not in fashionrec._VERBS
    with pytest.raises(AttributeError, match="no attribute 'recommender'"):
        fashionrec.recommender      # noqa: B018
    # Nor scipy.optimize for what loads an index (a third of a CPU second at each start of a command, a server or
    # a test's subprocess): it is imported where a temperature is fitted.
    code = ("import sys, fashionrec; assert 'torch' not in sys.modules; from fashionrec import load_catalog; "
            "import fashionrec.recommend; assert 'scipy.optimize' not in sys.modules, 'scipy.optimize'; "
            "import fashionrec.train; from fashionrec import evaluate_model, tag; "
            "assert callable(evaluate_model) and callable(tag); print(load_catalog.__module__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "fashionrec.catalog"


def test_no_output_flag_writes_over_the_catalogue_or_where_it_cannot(fixture_dir: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # A trial: `data check C --json C/styles.csv`, `data split C --out C/styles.csv` (and evaluate, evaluate-recs
    # and tag) wrote their report over the catalogue, exit 0; `eda --out C/images` put its files among the photos;
    # a --json under /proc or under a file failed with a traceback naming a temporary file.
    cat = tmp_path / "cat"
    shutil.copytree(fixture_dir, cat)
    styles = (cat / "styles.csv").read_bytes()
    for args in (["data", "check", str(cat), "--json", str(cat / "styles.csv")],
                 ["data", "split", str(cat), "--out", str(cat / "styles.csv")],
                 ["eda", str(cat), "--out", str(cat / "images")]):
        res = runner.invoke(app, args)
        assert res.exit_code == 2 and "is part of the catalogue" in res.output, (args, res.output)
    assert (cat / "styles.csv").read_bytes() == styles
    assert not [p for p in (cat / "images").iterdir() if not p.name[0].isdigit()]
    blocker = tmp_path / "afile"
    blocker.write_text("not a folder")
    res = runner.invoke(app, ["data", "check", str(cat), "--json", str(blocker / "r.json")])
    assert res.exit_code == 2 and f"{blocker} is a file, not a folder" in res.output
    assert "Traceback" not in res.output and ".tmp" not in res.output
    # evaluate --out and index build --out are refused before their work, not after it (an ML engineer's trial).
    import fashionrec.catalog
    import fashionrec.evaluate

    def no_work(*args, **kwargs):
        raise AssertionError("the work began")

    monkeypatch.setattr(fashionrec.evaluate, "evaluate_model", no_work)
    monkeypatch.setattr(fashionrec.catalog, "load_catalog", no_work)
    for args in (["evaluate", str(cat), "--out", str(blocker / "report")],
                 ["index", "build", str(cat), "--out", str(blocker / "index")]):
        res = runner.invoke(app, args)
        assert res.exit_code == 2 and f"{blocker} is a file, not a folder" in res.output, (args, res.output)
    monkeypatch.undo()
    # A split refused for its --folders keeps the split written before (it was replaced by the refused one's).
    out = tmp_path / "s" / "split.csv"
    assert runner.invoke(app, ["data", "split", str(cat), "--out", str(out), "--seed", "5"]).exit_code == 0
    before = out.read_text()
    res = runner.invoke(app, ["data", "split", str(cat), "--out", str(out), "--seed", "7", "--folders", str(blocker)])
    assert res.exit_code == 2 and "--folders" in res.output and out.read_text() == before



def test_index_build_writes_the_index_the_variable_names(fixture_dir: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # Stop 71, a new user's trial: with FASHIONREC_INDEX_DIR exported (as the README says, for every command),
    # `index build` wrote runs/index in the working folder, embedding everything again, while `serve`, `recommend`
    # and `index check` went on reading the variable's index. The folder under a file is refused before any work,
    # naming the folder the build would have written: the variable's, or --out where it is given.
    import fashionrec.catalog

    def no_work(*args, **kwargs):
        raise AssertionError("the work began")

    blocker = tmp_path / "afile"
    blocker.write_text("not a folder")
    monkeypatch.setattr(fashionrec.catalog, "load_catalog", no_work)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FASHIONREC_INDEX_DIR", str(blocker / "index"))
    res = runner.invoke(app, ["index", "build", str(fixture_dir)])
    assert res.exit_code == 2 and f"{blocker} is a file, not a folder" in res.output, res.output
    assert not (tmp_path / "runs").exists()
    # --out named on the command line wins over the variable.
    monkeypatch.setenv("FASHIONREC_INDEX_DIR", str(tmp_path / "shop_index"))
    res = runner.invoke(app, ["index", "build", str(fixture_dir), "--out", str(blocker / "other")])
    assert res.exit_code == 2 and f"{blocker} is a file, not a folder" in res.output, res.output


def test_the_command_says_an_uncaught_error_in_a_line(monkeypatch, capsys) -> None:
    # The installed `fashionrec` (cli.main): a damaged file or one that cannot be written, which a command did
    # not catch itself, is one line and exit 2, not a traceback (a trial found a dozen such).
    import fashionrec.cli as cli
    from fashionrec.errors import DamagedFileError

    def broken(*_):
        raise DamagedFileError("runs/x/best.json is damaged: train again")

    def unreadable(*_):
        raise PermissionError(13, "Permission denied", "/root/secret.csv")

    for fault, said in ((broken, "runs/x/best.json is damaged"), (unreadable, "/root/secret.csv: Permission denied")):
        monkeypatch.setattr(cli, "app", fault)
        with pytest.raises(SystemExit) as stop:
            cli.main()
        assert stop.value.code == 2 and said in capsys.readouterr().err


def test_the_version_names_the_commit_it_runs_from(fixture_dir: Path, tmp_path: Path) -> None:
    # Every version said 0.1.0, so which code made an artefact or runs a server was not to be told (a trial).
    import subprocess

    from fashionrec import __version__
    from fashionrec.artifacts import source_revision

    root = Path(__file__).resolve().parents[1]
    if not (root / ".git").exists():
        pytest.skip("not a git checkout")
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    assert source_revision().split("-")[0] == head.stdout.strip()
    said = runner.invoke(app, ["--version"]).output
    assert said.strip() == f"fashionrec {__version__} (git {source_revision()})"
    result = runner.invoke(app, ["data", "split", str(fixture_dir), "--out", str(tmp_path / "split.csv")])
    assert result.exit_code == 0
    assert json.loads((tmp_path / "split.json").read_text())["fashionrec_revision"] == source_revision()


def test_a_server_names_the_commit_it_started_from_not_one_pulled_since(tmp_path: Path, monkeypatch) -> None:
    # Read at the first /health, the commit was the one pulled while the old code still served (a code review).
    import subprocess
    from types import SimpleNamespace

    import fashionrec.artifacts as artifacts
    from fashionrec.api import Settings, create_app

    if not (Path(artifacts.__file__).resolve().parents[2] / ".git").exists():
        pytest.skip("not a git checkout")
    commit = ["1111111"]

    def git(args, **kwargs):
        return SimpleNamespace(returncode=0, stdout=commit[0] if "rev-parse" in args else "")

    monkeypatch.setattr(subprocess, "run", git)
    artifacts.source_revision.cache_clear()
    try:
        create_app(Settings(index_dir=tmp_path))
        commit[0] = "2222222"            # a git pull after the start
        assert artifacts.version_said().endswith("(git 1111111)")
    finally:
        artifacts.source_revision.cache_clear()


def test_a_full_disk_is_said_by_the_command_line(monkeypatch, capsys) -> None:
    # numpy's short write on a full disk reached the terminal as "error: 1049600 requested and 822240 written"
    # alone, from `index build` and `index add` (an operator's trial on a full tmpfs).
    import fashionrec.cli as cli

    def full(*args, **kwargs):
        raise OSError("1049600 requested and 822240 written")

    monkeypatch.setattr(cli, "app", full)
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    said = capsys.readouterr().err
    assert stopped.value.code == 2 and "no space left on the disk (1049600 requested and 822240 written)" in said
    assert "free some space" in said


def test_python_dash_m_runs_every_command():
    # Run as `python -m fashionrec.cli` (scripts/gpu-train.sh does), the module was a second copy without the
    # commands registered on fashionrec.cli: "No such command 'recommend'" (a review).
    import subprocess
    import sys

    # `python -m fashionrec` (the package) too: "'fashionrec' is a package and cannot be directly executed"
    # was all an operator running a checkout with PYTHONPATH=src got (an operator's trial).
    for module in ("fashionrec.cli", "fashionrec"):
        for args in (["recommend", "--help"], ["index", "build", "--help"], ["evaluate-recs", "--help"]):
            done = subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True,
                                  timeout=120)
            assert done.returncode == 0 and "Usage:" in done.stdout, (module, args, done.stdout[-300:],
                                                                      done.stderr[-300:])



@pytest.mark.parametrize("had", [False, True], ids=["new", "over an earlier one"])
@pytest.mark.parametrize("command", ["eda", "split", "split folders", "evaluate"])
def test_a_ctrl_c_says_what_the_command_left(fixture_dir: Path, tmp_path: Path, monkeypatch, command, had) -> None:
    # click's "Aborted!" (exit 1) was all a Ctrl-C in these commands said (a code review's gap, stop 57); and
    # "holds the split of before" was said where there was none (a code review).
    import fashionrec.eda as eda
    import fashionrec.evaluate as evaluate
    import fashionrec.splits as splits

    def ctrl_c(*args, **kwargs):
        raise KeyboardInterrupt

    out, csv = tmp_path / "out", tmp_path / "split.csv"
    if had:
        (out / "report.html").parent.mkdir()
        (out / "report.html").write_text("an earlier report")
        csv.write_text("id,split\n")
    nothing = "nothing was written (the {} is put in place whole, at the end)"
    if command == "eda":
        monkeypatch.setattr(eda, "write_eda_report", ctrl_c)
        args = ["eda", str(fixture_dir), "--out", str(out)]
        said = f"{out} holds the report of before" if had else nothing.format("report")
    elif command == "evaluate":
        monkeypatch.setattr(evaluate, "evaluate_model", ctrl_c)
        args, said = ["evaluate", str(fixture_dir), "--out", str(out)], f"the report in {out} is written at the end"
    else:
        monkeypatch.setattr(splits, "make_split", ctrl_c)
        args = ["data", "split", str(fixture_dir), "--out", str(csv)]
        said = f"{csv} holds the split of before" if had else nothing.format("split")
        if command == "split folders":
            args = [*args, "--folders", str(out)]
            if had:     # an earlier split's folders (a folder of other files is refused before the load)
                (out / "split.json").write_text("{}")
            said = f"{csv} and {out} hold the split of before" if had else said
    res = runner.invoke(app, args)
    text = " ".join(res.output.split())
    assert res.exit_code == 130 and f"interrupted: {said}" in text and "Aborted" not in text, text


def test_data_split_refuses_to_replace_another_catalogues_split_without_force(fixture_dir: Path,
                                                                               tmp_path: Path) -> None:
    # A shop's `data split --folders runs/subsets` replaced the shared catalogue's split folders without a word, as
    # its default --out runs/split.csv the last split written (stop 64, a new user's trial).
    csv, folders = tmp_path / "split.csv", tmp_path / "subsets"
    args = ["data", "split", str(fixture_dir), "--out", str(csv), "--folders", str(folders)]
    assert runner.invoke(app, args).exit_code == 0
    for sidecar in (csv.with_suffix(".json"), folders / "split.json"):     # as if another catalogue made them
        meta = json.loads(sidecar.read_text())
        meta["catalogue"]["data_dir"] = "/data/the-shared-catalogue"
        sidecar.write_text(json.dumps(meta))
    before = csv.with_suffix(".json").read_text(), (folders / "split.json").read_text()
    result = runner.invoke(app, [*args, "--seed", "3"])
    said = flat(result.output)
    assert result.exit_code != 0 and "is the split of /data/the-shared-catalogue" in said and "--force" in said
    assert str(folders) in said and str(csv) in said
    assert (csv.with_suffix(".json").read_text(), (folders / "split.json").read_text()) == before
    result = runner.invoke(app, [*args, "--seed", "3", "--force"])
    assert result.exit_code == 0, result.output
    assert f"replaced {folders}, the split of /data/the-shared-catalogue" in flat(result.output)
    assert json.loads(csv.with_suffix(".json").read_text())["config"]["seed"] == 3
    # The same catalogue's split is replaced as before, without --force.
    assert runner.invoke(app, [*args, "--seed", "4"]).exit_code == 0

def test_a_command_leaves_its_objects_out_of_the_exit_collections(tmp_path: Path) -> None:
    # After a command's last line the interpreter's exit collections walked torch's and the index's object graph:
    # 1-6 s from the last line to the exit here, 11-13 s on a busy machine (stop 64). Asserted without timing: the
    # objects alive when the command returned are frozen, and the collector is off, when atexit handlers run.
    import subprocess
    import sys

    code = """
import atexit, gc, sys
atexit.register(lambda: print("frozen", gc.get_freeze_count(), "enabled", gc.isenabled()))
import torch  # noqa: F401  (a command's libraries, loaded)
from fashionrec.cli import main

sys.argv = ["fashionrec", *sys.argv[1:]]
main()
"""
    catalogue = str(Path(__file__).parent / "fixtures" / "catalog")
    res = subprocess.run([sys.executable, "-c", code, "data", "check", catalogue],
                         capture_output=True, text=True, timeout=300, cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": str(Path(fashionrec.__file__).parents[1])})
    assert res.returncode == 0, res.stderr
    frozen, enabled = res.stdout.split("frozen ")[-1].split(" enabled ")
    assert int(frozen) > 10_000 and enabled.strip() == "False", res.stdout


def test_help_shows_no_type_for_a_flag():
    # `data check --help` read "--strict <bool>", and a new user's trial (stop 68) typed `--strict true`, which the
    # parser refuses (a flag takes no value): a flag's type is left out, the other options' types stay.
    said = CliRunner().invoke(app, ["data", "check", "--help"], terminal_width=200).stdout
    strict = next(line for line in said.splitlines() if "--strict" in line)
    assert "<bool>" not in said and "<" not in strict, said
