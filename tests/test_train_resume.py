"""`fashionrec train --resume` of a run whose budget is spent: refused whatever budget is given, before it runs."""
import json
from dataclasses import asdict
from pathlib import Path

import pytest
import torch

from fashionrec.errors import FashionrecError
from fashionrec.train import make_config, train

FIXTURE = Path(__file__).parent / "fixtures" / "catalog"


def _run_that_spent_its_budget(run: Path) -> bytes:
    """A run folder as a 6-minute run leaves it when its one epoch took 6.5 minutes (tested, state kept)."""
    (run / "weights").mkdir(parents=True)
    config = json.dumps(asdict(make_config("tiny", epochs=3, max_minutes=6)))
    (run / "config.json").write_text(config)
    (run / "weights" / "best.json").write_text(json.dumps({"test": {"accuracy": 0.44}}))
    # The cycle's progress is the last step's (0.97): validation, after it, took the clock past the budget.
    torch.save({"epoch": 0, "best_epoch": 0, "stale": 0, "elapsed": 392.0, "progress": 0.97}, run / "state.pt")
    return config.encode()


def test_a_larger_budget_does_not_resume_a_run_whose_cycle_ended(tmp_path):
    # An ML engineer's trial (stop 73): `train --resume` of a 6-minute run that spent its budget said "start a new run
    # from it with --init", but `--resume --max-minutes 12` trained 5 more minutes at 2e-6 (the cycle's end, 0.3% of
    # its peak), without a word: the check read the new budget, and the warning wanted a progress of 0.999.
    run = tmp_path / "run"
    config = _run_that_spent_its_budget(run)
    with pytest.raises(FashionrecError, match=r"already spent its 6-minute budget .*--max-minutes.*--init"):
        train(FIXTURE, make_config("tiny", max_minutes=12), run, resume=True, progress=False)
    assert (run / "config.json").read_bytes() == config             # its budget not rewritten
    assert not (run / "results.csv").exists()


def test_a_run_stopped_inside_its_budget_may_be_given_a_larger_one(tmp_path):
    # Stopped (Ctrl-C) after 2 of its 6 minutes: a larger budget is what `--resume --max-minutes` is for.
    run = tmp_path / "run"
    _run_that_spent_its_budget(run)
    torch.save({"epoch": 0, "best_epoch": 0, "stale": 0, "elapsed": 120.0, "progress": 0.4}, run / "state.pt")
    from fashionrec.train import TrainConfig, resume_state

    own = TrainConfig(**json.loads((run / "config.json").read_text()))
    raised = TrainConfig(**{**asdict(own), "max_minutes": 12.0})
    state, ended = resume_state(run, raised, own_minutes=own.max_minutes)
    assert not ended and state["elapsed"] == 120.0


def test_the_curves_show_whole_epochs_and_the_learning_rate(tmp_path):
    # The trial's one-epoch run read epochs 0.96-1.04, its three-epoch one 1.25, 1.75; the two epochs its resume trained
    # at 2e-6 (0.3% of the peak) looked like any others.
    import pandas as pd

    from fashionrec.train import curves_figure

    results = pd.DataFrame({"epoch": [1, 2, 3], "train_loss": [5.1, 4.2, 4.2], "train_acc": [0.36, 0.63, 0.68],
                            "val_acc": [0.53, 0.54, 0.56], "val_macro_f1": [0.48, 0.47, 0.48],
                            "lr": [2e-6, 2e-6, 1e-6]})
    for rows in (results.head(1), results):
        fig = curves_figure(rows)
        fig.canvas.draw()
        for ax in fig.axes:
            ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
            assert ticks and all(float(t).is_integer() for t in ticks), ticks
    lr = [ax for ax in fig.axes if "learning rate" in ax.get_title()]
    assert lr and lr[0].get_yscale() == "log" and list(lr[0].lines[0].get_ydata()) == [2e-6, 2e-6, 1e-6]


def test_a_run_without_a_progress_bar_says_how_far_its_epoch_is(tmp_path, monkeypatch, caplog):
    # With TQDM_DISABLE=1 (a log file) a 1,212-product epoch wrote nothing for 6.5 minutes (stop 73's trial).
    import fashionrec.train as train_module

    monkeypatch.setattr(train_module, "HIDDEN_PROGRESS_EVERY_S", 0.0, raising=False)
    with caplog.at_level("INFO", logger="fashionrec.train"):
        train(FIXTURE, make_config("tiny", epochs=1, batch_size=16), tmp_path / "r", progress=False)
    lines = [r.getMessage() for r in caplog.records if "batches, loss" in r.getMessage()]
    assert lines and lines[0].startswith("epoch 1/1: 1 of ")


def test_a_resume_stopped_before_its_first_epoch_keeps_the_runs_own_budget(tmp_path, monkeypatch):
    # Stop 73 (h73ml): `--resume --max-minutes N` wrote N into config.json before its first epoch, so one killed
    # before an epoch was saved left the run with N, which its next plain `--resume` trained with.
    import fashionrec.train as train_module

    run = tmp_path / "run"

    def stop(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:        # a run stopped after its first epoch's state.pt
        m.setattr(train_module, "plot_curves", stop)
        with pytest.raises(KeyboardInterrupt):
            train(FIXTURE, make_config("tiny", epochs=2, max_minutes=6), run, progress=False)
    assert (run / "state.pt").exists()
    with monkeypatch.context() as m:        # resumed with a larger budget, stopped while its photos are decoded
        m.setattr(train_module, "load_image_tensor", stop)
        with pytest.raises(KeyboardInterrupt):
            train(FIXTURE, make_config("tiny", max_minutes=12), run, resume=True, progress=False)
    assert json.loads((run / "config.json").read_text())["max_minutes"] == 6
    # Once an epoch under it is saved, the new budget is the run's.
    train(FIXTURE, make_config("tiny", max_minutes=12), run, resume=True, progress=False)
    assert json.loads((run / "config.json").read_text())["max_minutes"] == 12
