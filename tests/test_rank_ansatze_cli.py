"""sggd-sym rank-ansatze: the circle task's ansätze ranked by symmetric_reach, checked against training."""

from __future__ import annotations

import json

import pytest

from sggd_sym import cli
from sggd_sym.exceptions import InputValueError
from sggd_sym.training.analysis import rank_agreement


@pytest.fixture(scope="module")
def ranked():
    import io
    from contextlib import redirect_stdout

    buf = io.StringIO()
    with redirect_stdout(buf):
        assert cli.main(["rank-ansatze", "--json", "--starts", "4", "--seeds", "2", "--steps", "30"]) == 0
    return json.loads(buf.getvalue())


def test_json_ranks_the_four_circle_ansatze(ranked):
    rows = ranked["rows"]
    assert [r["rank"] for r in rows] == [1, 2, 3, 4]
    assert {r["ansatz"] for r in rows} == {"hardware-efficient", "equivariant", "product", "one-sided"}
    last = rows[-1]
    assert last["ansatz"] == "one-sided" and not last["certified"] and last["min_penalty"] == "18"
    assert all(r["certified"] for r in rows[:3]) and rows[0]["ansatz"] == "equivariant"
    for r in rows:
        assert len(r["accuracy"]) == 2 and all(0 <= a <= 1 for a in r["accuracy"])


def test_rank_agreement_is_computed_from_the_accuracies(ranked):
    rows = ranked["rows"]
    expected = rank_agreement([-r["rank"] for r in rows], [r["accuracy_mean"] for r in rows])
    assert ranked["agreement"] == expected
    assert -1 <= expected["spearman"] <= 1 and -1 <= expected["kendall"] <= 1


def test_text_table(capsys):
    assert cli.main(["rank-ansatze", "--starts", "2", "--no-train"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split()[:2] == ["rank", "ansatz"] and len(lines) == 6
    assert lines[-1].split()[1] == "one-sided"


def test_rank_agreement_values():
    assert rank_agreement([1, 2, 3], [3, 2, 1]) == {"spearman": -1.0, "kendall": -1.0}
    scipy = pytest.importorskip("scipy.stats")
    x, y = [1, 1, 2, 3, 5], [0.2, 0.4, 0.4, 0.9, 0.5]
    got = rank_agreement(x, y)
    assert got["spearman"] == pytest.approx(scipy.spearmanr(x, y).statistic, abs=1e-6)
    assert got["kendall"] == pytest.approx(scipy.kendalltau(x, y).statistic, abs=1e-6)
    with pytest.raises(InputValueError, match="same length"):
        rank_agreement([1, 2], [1])


def test_options_for_files_only_are_refused(capsys):
    assert cli.main(["rank-ansatze", "--group", "swap"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--circuit" in err
