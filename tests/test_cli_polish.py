"""CLI polish (issue 14): help texts with defaults, descriptions, readable derive output, one-line errors,
progress bars that end at their total."""

from __future__ import annotations

import argparse

import numpy as np
import pytest

from sggd_sym import experiments
from sggd_sym.cli import commands as cli


def _subparsers():
    parser = cli._parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return parser, action.choices


def test_every_option_has_help_and_shows_its_default():
    _, subs = _subparsers()
    assert set(subs) == {"derive", "reproduce", "rank-ansatze", "prove"}
    for name, sub in subs.items():
        formatter = sub._get_formatter()
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            assert action.help, f"{name} {action.dest} has no help"
            assert "default" in formatter._get_help_string(action).lower(), f"{name} {action.dest} hides its default"


def test_top_level_help_has_no_rst_markup(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert "``" not in out and "rank-ansatze" in out


def test_reproduce_help_lists_experiments_with_descriptions(capsys):
    with pytest.raises(SystemExit):
        cli.main(["reproduce", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for name in experiments.NAMES:
        assert f"{name} {' '.join(experiments.DESCRIPTIONS[name].split())}" in out


def test_reproduce_all_runs_the_paper_only(monkeypatch, tmp_path, capsys):
    loaded = []

    class Fake:
        @staticmethod
        def run(*, seeds, outdir, progress):
            return {"experiment": "fake", "rows": []}

        @staticmethod
        def format_report(result):
            return "fake"

    monkeypatch.setattr(experiments, "load", lambda name: loaded.append(name) or Fake)
    assert cli.main(["reproduce", "all", "--out", str(tmp_path)]) == 0
    assert loaded == list(experiments.PAPER) and "guidance" not in loaded


def test_derive_pretty_output_puts_blocks_below_their_label(capsys):
    assert cli.main(["derive", "werner", "--no-cache"]) == 0
    lines = capsys.readouterr().out.splitlines()
    for label in ("twirled_observable:", "residual:", "penalty:"):
        i = lines.index(label)  # the label alone on its line
        assert lines[i + 1].startswith("  ") and lines[i + 1].strip()
    i = lines.index("twirled_observable:")
    assert lines[i + 1].lstrip().startswith("⎡")
    assert lines[0] == "parameters: ['theta']"


def test_unreachable_scheduler_is_one_line(tmp_path, capsys):
    pytest.importorskip("distributed")
    code = cli.main(["reproduce", "circle", "--seeds", "1", "--scheduler", "tcp://127.0.0.1:1",
                     "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "cannot reach the Dask scheduler" in err
    assert "Traceback" not in err


class _Recorder:
    closed: list = []


def _recording_tqdm(monkeypatch):
    import tqdm.auto

    base = tqdm.auto.tqdm
    _Recorder.closed = []

    class Recording(base):
        def close(self):
            _Recorder.closed.append((self.n, self.total))
            super().close()

    monkeypatch.setattr(tqdm.auto, "tqdm", Recording)


def test_training_progress_bar_ends_at_its_total(monkeypatch):
    pytest.importorskip("tqdm")
    _recording_tqdm(monkeypatch)
    import sggd_sym as sg

    P = sg.penalty(sg.circuits.werner_ansatz(), sg.ops.SWAP, sg.groups.collective_unitary(2))
    sg.training.train(P, np.array([[1.0], [2.0]]), steps=600, progress=True)
    assert _Recorder.closed[-1] == (601, 601)


def test_sweep_progress_bar_ends_at_its_total(monkeypatch):
    pytest.importorskip("tqdm")
    _recording_tqdm(monkeypatch)
    from sggd_sym.training.sweeps import run_jobs

    assert run_jobs(abs, [-1, -2, -3], workers=1, progress=True) == [1, 2, 3]
    assert _Recorder.closed[-1] == (3, 3)
