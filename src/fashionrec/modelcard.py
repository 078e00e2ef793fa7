"""Export a train run's best checkpoint as the shipped model, with a model card written from its files."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pandas as pd

from fashionrec.artifacts import atomic_path, read_json, write_text, write_with_json
from fashionrec.errors import BadInputError, option
from fashionrec.evaluate import ORIGINAL_STUDY, compares_with_study, span, top5_said
from fashionrec.tagger import SHIPPED_MODEL

log = logging.getLogger(__name__)
KAGGLE_SMALL = "fashion-product-images-small"    # the shared catalogue's folder


def stage_summary(meta: dict, path: str | Path | None = None) -> dict:
    """One training stage of a checkpoint's history: name, epochs, lr, minutes, val top-1, hardware."""
    c = meta.get("config", {})
    return {"name": meta.get("name"), "path": str(path) if path else None, "best_epoch": meta.get("epoch"),
            # Runs from before epochs_run/run_seconds were recorded give their epoch cap and time to best.
            "epochs": meta.get("epochs_run", c.get("epochs")), "lr": c.get("lr"),
            "train_minutes": round(float(meta.get("train_seconds", 0)) / 60, 1),
            "run_minutes": round(float(meta.get("run_seconds", meta.get("train_seconds", 0))) / 60, 1),
            "hardware": meta.get("hardware"), "val_acc": (meta.get("val") or {}).get("accuracy"),
            # What it trained on: `evaluate` counts those products as seen by a model started from it.
            "data": meta.get("data"), "split": meta.get("split")}


def total_train_seconds(meta: dict) -> float:
    """This stage's training time plus that of the stages it was started from (``--init``)."""
    return float(meta.get("train_seconds", 0)) + float(meta.get("prior_train_seconds", 0))


def lineage(meta: dict, limit: int = 10) -> list[dict]:
    """The stages this checkpoint was started from (``--init``), oldest first.

    ``meta["lineage"]``, recorded by ``fashionrec train`` when it starts from a checkpoint, is the history;
    for older checkpoints without it, the ``--init`` chain is followed as far as its JSON files are on disk
    (a chain through the shipped model's path breaks once that file is replaced, hence the record).
    """
    if "lineage" in meta:
        return list(meta["lineage"])
    chain, seen = [], set()
    init = meta.get("config", {}).get("init")
    while init and len(chain) < limit:
        path = Path(init).with_suffix(".json")
        if not path.exists() or path.resolve() in seen:
            break
        seen.add(path.resolve())
        m = read_json(path)
        chain.append(stage_summary(m, init))
        if "lineage" in m:
            chain.extend(reversed(m["lineage"]))
            break
        init = m.get("config", {}).get("init")
    return chain[::-1]


def model_card(run_dir: str | Path) -> str:
    """Markdown describing the run's best checkpoint: data, command, time, hardware, metrics."""
    run = Path(run_dir)
    meta = read_json(run / "weights" / "best.json")
    if meta["model"] == "ensemble":
        return _ensemble_card(run, meta)
    cfg = meta["config"]
    results = pd.read_csv(run / "results.csv")
    # The command as it was run (its data folder, --out and profile with it); a checkpoint from before commands
    # were recorded gets one made of its config, which left out the data and --out (an ML engineer's trial:
    # run again, it trained on the default catalogue).
    command = meta.get("started_by") or meta.get("command")
    if not (command or "").startswith("fashionrec train"):
        flags = " ".join(f"--{k.replace('_', '-')} {v}" for k, v in cfg.items()
                         if k in ("model", "epochs", "batch_size", "lr", "balance", "patience", "device", "init")
                         and v is not None)
        command = f"fashionrec train {meta['data']} {flags} --out {run}"
    lines = [
        f"# Model card: {meta['name']}", "",
        f"- **Architecture**: `{meta['model']}` — {meta['preprocessing']['description']}; "
        f"{meta.get('params', 0) / 1e6:.2f} M parameters, embedding dimension {meta['feature_dim']}.",
        f"- **Input**: RGB {meta['preprocessing']['height']}x{meta['preprocessing']['width']} (HxW): images fitted "
        "into 80x60 with white padding" + ("" if (meta['preprocessing']['height'], meta['preprocessing']['width'])
                                          == (80, 60) else ", then resized bilinearly")
        + f", mean {meta['preprocessing']['mean']}, std {meta['preprocessing']['std']}.",
        "- **Heads**: " + ", ".join(f"{h} ({len(c)} classes)" for h, c in meta["classes"].items()) + ".",
        f"- **Data**: `{meta['data']}`{_source(meta['data'])}, usable images only; split "
        f"seed {cfg['split_seed']}, stratified by articleType{_copies(meta)}: {meta['split']['counts']}.",
        f"- **Command**: `{command}`",
        f"- **Hardware**: {meta['hardware']}.",
        # The whole run's time beside its epochs, and the time to the epoch kept: "0.5 minutes over 6 epochs" was
        # the time to epoch 4 (a review).
        f"- **Training time**: {meta.get('run_seconds', meta.get('train_seconds', 0)) / 60:.1f} minutes over "
        f"{len(results)} epochs, {meta.get('train_seconds', 0) / 60:.1f} of them to the best epoch, {meta['epoch']} "
        "(chosen on validation macro-F1)"
        + (f", after {meta['prior_train_seconds'] / 60:.1f} minutes of training of the checkpoint it started "
           f"from (`--init {cfg['init']}`)." if cfg.get("init") else "."),
        *_test_heading(meta), *_metric_rows(meta),
    ]
    chain = lineage(meta)
    if chain:
        total = sum(c["train_minutes"] for c in chain) + meta.get("train_seconds", 0) / 60
        lines += ["", "## Training history", "",
                  "Each stage started from the previous stage's best checkpoint (`--init`), with a new "
                  "one-cycle learning-rate schedule"
                  + (f"; the same split (seed {cfg['split_seed']}) throughout, so the test products were never "
                     "trained on." if not (meta.get("test") or {}).get("trained_on") else
                     ", not always on this catalogue's split: some of the test products were trained on (above)."),
                  "",
                  "| stage | epochs (best) | peak lr | minutes to best | val top-1 | hardware |",
                  "|---|---|---|---|---|---|"]
        for c in chain:
            val = f"{c['val_acc']:.4f}" if c["val_acc"] is not None else "—"
            lines.append(f"| {c['name']} | {c['epochs']} ({c['best_epoch']}) | {c['lr']} | {c['train_minutes']} "
                         f"| {val} | {c['hardware']} |")
        val = (meta.get("val") or {}).get("accuracy")
        lines.append(f"| {meta['name']} (this model) | {cfg['epochs']} ({meta['epoch']}) | {cfg['lr']} | "
                     f"{meta.get('train_seconds', 0) / 60:.1f} | {val:.4f} | {meta['hardware']} |")
        lines += ["", f"Total training time to this checkpoint: {total:.1f} minutes."]
    lines += ["", "## Training curve", "", "| " + " | ".join(results.columns[:8]) + " |",
              "|" + "---|" * 8]
    for r in results.itertuples(index=False):
        lines.append("| " + " | ".join(str(v) for v in list(r)[:8]) + " |")
    lines += ["", "Limitations: trained on one retailer's catalogue photos (white background, 60x80); photos "
              "of worn clothes or cluttered scenes are out of distribution. Classes with fewer than 3 images "
              "are in training only and are not measured."]
    return "\n".join(lines) + "\n"


def _source(data: str) -> str:
    """What a card says of its catalogue beside the folder: the shared catalogue is named, any other is only the
    folder it was (a shop's was called Kaggle's, an ML engineer's trial)."""
    return " (Kaggle Fashion Product Images, small)" if Path(data).name == KAGGLE_SMALL else ""


def _num(value) -> str:
    """A metric as a card shows it; one not measured (a head with no labelled test product: None, or absent) is a
    dash, where it was a TypeError that stopped the export (a code review)."""
    return f"{value:.4f}" if isinstance(value, (int, float)) else "—"


def _test_heading(meta: dict) -> list[str]:
    """The test section's heading, and what a reader must know first: the test products a model this one was
    started from (``--init``) trained on. A shop's model from the shipped one was said to be measured on
    "products never seen in training", 19 of whose 21 the shipped model had trained on (a review)."""
    test = meta.get("test") or {}
    seen = test.get("trained_on")
    if not seen:
        return ["", "## Held-out test split (products never seen in training)", ""]
    without = test.get("without_photo_copies") or {}
    rest = (f"; without them top-1 {_num(without.get('accuracy'))}, macro-F1 {_num(without.get('macro_f1'))} "
            f"(n={without.get('n', 0):,})" if without else "")
    return ["", "## Test split", "", f"{seen:,} of its {test.get('n', 0):,} test products are training or "
            "validation products of a model this one was started from (`--init`): the numbers below overstate how it "
            f"does on new ones{rest}.", ""]


def _metric_rows(meta: dict) -> list[str]:
    # Beside the original study where the test spans as many types as its task (a model of a 15-type shop's
    # catalogue was); a checkpoint from before n_types was kept is judged by its number of classes.
    test = meta.get("test", {})
    study = compares_with_study({"n_types": test.get("n_types", len(meta["classes"]["articleType"]))})
    values = [("articleType top-1", "accuracy", ORIGINAL_STUDY["test_accuracy"]), ("articleType top-5",
              "top5_accuracy", "—"), ("articleType macro-F1", "macro_f1", "—"),
              ("articleType weighted-F1", "weighted_f1", "—")]
    # A column of 95% intervals where the checkpoint kept them (since stop 64; one from before has none).
    attributes = test.get("attributes", {})
    spreads = "accuracy_interval_95" in test or any("accuracy_interval_95" in m for m in attributes.values())
    rows = ["| metric | this model |" + (" 95% interval |" if spreads else "") + (" original study |" if study else ""),
            "|---|---|" + ("---|" if spreads else "") + ("---|" if study else "")]
    rows += [f"| {name} | {_num(test.get(key))} |" + (f" {_span(test.get(f'{key}_interval_95'))} |" if spreads else "")
             + (f" {theirs} |" if study else "") for name, key, theirs in values]

    def numbers(m: dict) -> str:
        return (f"{_num(m.get('accuracy'))} | {_span(m.get('accuracy_interval_95'))} | {_num(m.get('macro_f1'))} | "
                f"{_span(m.get('macro_f1_interval_95'))} |" if spreads else
                f"{_num(m.get('accuracy'))} | {_num(m.get('macro_f1'))} |")

    columns = "| attribute | accuracy |" + (" 95% interval |" if spreads else "") + " macro-F1 |" \
        + (" 95% interval |" if spreads else "")
    rule = "|---|---|---|" + ("---|---|" if spreads else "")
    if not any("head_alone" in m for m in attributes.values()):
        return rows + ["", columns, rule, *(f"| {h} | {numbers(m)}" for h, m in attributes.items())] \
            + _intervals_said(test, spreads)
    # The group and category as shown, read from the type (fashionrec.levels), and their heads' own beside.
    rows += ["", f"{columns} its head alone (accuracy / macro-F1) |", f"{rule}---|"]
    return rows + [f"| {h}{' (read from ' + m['read_from'] + ')' if 'read_from' in m else ''} | {numbers(m)} "
                   + (f"{_num(m['head_alone'].get('accuracy'))} / {_num(m['head_alone'].get('macro_f1'))} |"
                      if "head_alone" in m else "— |") for h, m in attributes.items()] + _intervals_said(test, spreads)


def _span(interval) -> str:
    """A kept interval as the card shows it ("0.893-0.912"), a dash where there is none (a head without a label)."""
    return span(interval) if isinstance(interval, list) and len(interval) == 2 else "—"


def _intervals_said(test: dict, spreads: bool) -> list[str]:
    """How the card's intervals were made, under its tables (nothing where it has none)."""
    if not spreads:
        return []
    said = test.get("intervals") or {}
    macro = said.get("macro_f1", "bootstrap of the products")
    # A checkpoint measured before stop 66 keeps the bootstrap of all products, whose caveat its card still needs.
    caveat = (" (a resample can lack a rare type, which pulls macro-F1 down, so with many rare types its interval can "
              "sit above the number)" if "of the products" in macro else "")
    return ["", "95% intervals, how far each number could be on other products like the test's: top-1's and "
            f"top-5's a {said.get('accuracy', 'Wilson score interval').split(' (')[0]}, macro-F1's a "
            f"{macro}{caveat}. The per-class numbers and theirs are in test/report.md."]


def _ensemble_card(run: Path, meta: dict) -> str:
    cfg = meta["config"]
    grid = pd.read_csv(run / "results.csv") if (run / "results.csv").exists() else pd.DataFrame()
    lines = [
        f"# Model card: {meta['name']}", "",
        f"- **Architecture**: a weighted ensemble of {len(meta['members'])} taggers "
        f"({meta.get('params', 0) / 1e6:.2f} M parameters in all, embedding dimension {meta['feature_dim']}): "
        "per head, the weighted geometric mean of the members' probabilities; the embedding is the members' "
        "L2-normalised embeddings, each scaled by the square root of its weight, side by side.",
        "- **Input**: RGB photos fitted into 80x60 with white padding; each member resizes and normalises "
        "for itself (below).",
        "- **Heads**: " + ", ".join(f"{h} ({len(c)} classes)" for h, c in meta["classes"].items()) + ".",
        f"- **Data**: `{meta['data']}`{_source(meta['data'])}, usable images only; split "
        f"seed {cfg['split_seed']}, stratified by articleType{_copies(meta)}: {meta['split']['counts']}. Every "
        "member was "
        "trained on this split's training products only.",
        f"- **Command**: `fashionrec ensemble {' '.join(cfg['checkpoints'])} --data {meta['data']}"
        + "".join(f" --weight {w}" for w in cfg.get("weights") or [])
        + (f" --step {cfg['step']}" if cfg.get("step") != 0.05 else "") + (" --half" if cfg.get("half") else "")
        + (f" --out {cfg['out']}" if cfg.get("out") else "") + "`"
        + (" (the weights given, for every head)." if cfg.get("weights") else
           f", weights chosen among {len(grid) or 'the weightings'} on the grid of step {cfg['step']} by "
           f"{cfg['selected_on']} (the test split was predicted once, by the chosen ensemble)."),
        f"- **Hardware**: {meta['hardware']}; combining took {meta['combine_seconds'] / 60:.1f} minutes, training "
        f"the members {meta.get('train_seconds', 0) / 60:.1f} minutes in all (below).",
        *_probe_lines(meta),
        "", "## Members", "",
        "| member | architecture | input | weight per head | minutes trained (all stages) | val top-1 | test top-1 "
        "| test macro-F1 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    weights = meta["weights"]
    for i, (m, d) in enumerate(zip(meta["member_checkpoints"], meta["members"], strict=True)):
        w = ", ".join(f"{h} {ws[i]:.2f}" for h, ws in weights.items())
        pre, test = d["preprocessing"], m.get("test") or {}
        lines.append(f"| {m['name']} | `{d['model']}` | {pre['height']}x{pre['width']} | {w} | "
                     f"{m['total_train_minutes']} | {m['val_acc'] or float('nan'):.4f} | "
                     f"{test.get('accuracy', float('nan')):.4f} | {test.get('macro_f1', float('nan')):.4f} |")
    for m in meta["member_checkpoints"]:
        lines += ["", f"### How {m['name']} was trained", "",
                  "Each stage with `fashionrec train`, from the previous stage's best checkpoint (`--init`).", "",
                  "| stage | epochs (best) | peak lr | minutes to best (whole run) | val top-1 | hardware |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {c['name']} | {c['epochs']} ({c['best_epoch']}) | {c['lr']} | {c['train_minutes']} "
                  f"({c.get('run_minutes', c['train_minutes'])}) | "
                  f"{c['val_acc'] if c['val_acc'] is None else round(c['val_acc'], 4)} | {c['hardware']} |"
                  for c in m.get("stages", [])]
    lines += [*_test_heading(meta), *_metric_rows(meta),
              "", "## Validation (what chose the weights)", "",
              f"top-1 {meta['val']['accuracy']:.4f}, macro-F1 {meta['val']['macro_f1']:.4f}, top-5 "
              f"{top5_said(meta['val'])}; every weighting tried is in results.csv.",
              "", "Limitations: trained on one retailer's catalogue photos (white background, 60x80); photos "
              "of worn clothes or cluttered scenes are out of distribution. Classes with fewer than 3 images "
              "are in training only and are not measured."]
    return "\n".join(lines) + "\n"


def _probe_lines(meta: dict) -> list[str]:
    """The linear probe's part of an ensemble's card (``fashionrec probe``), or nothing."""
    probe = meta.get("probe")
    if not probe:
        return []
    used = {h: a for h, a in probe["heads"].items() if a > 0}
    base = probe.get("base") or {}
    before = base.get("test") or {}
    return [
        f"- **Linear probe**: `{probe['command']}`, after the ensemble. A class-balanced logistic regression "
        f"(scikit-learn, C {probe['C']:g}) on the embedding of the {probe['train_products']:,} training products, "
        "blended into the head's log-probabilities with the weight chosen on validation ("
        + (", ".join(f"{h} {a:.2f}" for h, a in used.items()) or "none: it was left out") + f"; tried "
        f"{probe['blend_weights_tried']}); {probe['seconds'] / 60:.1f} minutes in all (embedding the split, fitting, "
        "testing). The embedding is unchanged."
        + (f" Test before it: top-1 {before['accuracy']:.4f}, macro-F1 {before['macro_f1']:.4f}, top-5 "
           f"{top5_said(before)}." if before else ""),
    ]


def export_model(run_dir: str | Path, dest: str | Path = SHIPPED_MODEL) -> Path:
    """Copy ``run_dir``'s best checkpoint to ``dest`` (.safetensors + .json) and write MODEL_CARD.md."""
    run = Path(run_dir)
    dest = Path(dest)
    if dest.suffix != ".safetensors" or dest.is_dir():
        # A folder given wrote adir.safetensors and the run's reports beside it, exit 0 (a trial).
        raise BadInputError(f"{option('dest', dest)}: give the checkpoint's file, ending in .safetensors (e.g. "
                            f"{(dest if dest.is_dir() else dest.parent) / 'tagger.safetensors'}); its .json, "
                            "MODEL_CARD.md and the run's test report go beside it")
    # Only a folder that already holds an exported model has our files to clear; never a user's other files.
    replacing = (dest.parent / "MODEL_CARD.md").exists()
    beside = ["curves.png", "results.csv", "probe.csv", "test", "weights", "styles.csv"]
    theirs = [name for name in beside if (dest.parent / name).exists()]
    if theirs and not replacing:
        # Another run's (or a catalogue's) own files would be replaced by this run's (a trial's results.csv).
        raise BadInputError(f"{option('dest', dest)}: {dest.parent} holds {', '.join(theirs)} of its own, which the "
                            "export would replace: export into a new folder, or one an earlier export wrote")
    card = model_card(run)      # before copying: the card follows --init chains that may name ``dest``
    try:
        replaced = read_json(dest.with_suffix(".json")) if dest.with_suffix(".json").exists() else None
    except (OSError, ValueError) as e:  # a damaged JSON: the export is the mend, not to be refused (a code review)
        log.warning("%s cannot be read (%s): the model it described is replaced without comparing it",
                    dest.with_suffix(".json"), str(e).splitlines()[0][:200])
        replaced = None
    less = _less_than_replaced(replaced, read_json(run / "weights" / "best.json")) \
        if isinstance(replaced, dict) and isinstance(replaced.get("classes", {}), dict) else []
    if less:    # a shop's 8-type trial run replaced the 141-type shipped model without a word (a trial)
        back = (f"`git checkout -- {SHIPPED_MODEL.parent}` in a clone of the project" if dest.resolve() ==
                SHIPPED_MODEL.resolve() else "export that model's run there again")
        log.warning("%s held %s; the model exported over it has %s. To go back: %s; an index built with it is "
                    "rebuilt by scripts/main.sh (`fashionrec index check` says so)", dest, replaced.get("name") or
                    dest.name, "; ".join(less), back)
    # The weights and their description put in place together (one after the other, a stop between them over
    # the shipped model left weights no description fitted: every command failed to load it; a review).
    write_with_json(dest.with_suffix(".safetensors"),
                    lambda tmp: shutil.copyfile(run / "weights" / "best.safetensors", tmp),
                    dest.with_suffix(".json"), lambda tmp: read_json(run / "weights" / "best.json"))
    write_text(dest.parent / "MODEL_CARD.md", card)
    # The run's test report travels with the model, so a fresh clone can show how it was measured.
    for name in ("curves.png", "results.csv", "probe.csv", "test/report.md", "test/confusion.png",
                 "test/confusions.csv", "test/metrics.json"):
        if (run / name).exists():
            with atomic_path(dest.parent / name) as tmp:
                shutil.copyfile(run / name, tmp)
        elif replacing:   # e.g. an ensemble has no training curves: the old model's must not pass for its
            (dest.parent / name).unlink(missing_ok=True)
    return dest


def _less_than_replaced(old: dict, new: dict) -> list[str]:
    """What a checkpoint (``new``, its JSON) lacks that the one it replaces (``old``) had: article types, test
    top-1 (on each one's own test split, so a guide, not a comparison)."""
    less = []
    had, has = (len((m.get("classes") or {}).get("articleType") or []) for m in (old, new))
    if has < had:
        less.append(f"{has} article types where it had {had}")
    was, now = ((m.get("test") or {}).get("accuracy") for m in (old, new))
    if was is not None and now is not None and now < was:
        less.append(f"test top-1 {now:.4f} where it had {was:.4f} (each on its own test split)")
    return less


def _copies(meta: dict) -> str:
    """How the split treated a photo listed under several ids, where it kept them in one part (by id otherwise:
    the shipped model's split, whose card says nothing of it)."""
    together = meta.get("split", {}).get("config", {}).get("copies") == "together"
    return ", each photo's ids in one part (no test product a copy of a training photo)" if together else ""
