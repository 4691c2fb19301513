"""The README's result tables cannot drift (issue 14).

(a) every ``<!-- results:NAME -->`` block of the README is what
:mod:`sggd_sym.experiments.report_tables` renders from ``results/NAME.json``;
(b) the stored rows are what the current code computes at default settings — re-computed here for
werner (all rows and the caption) and for fixed samples of whole rows (every seed) of circle, c4,
hamming and postprocessing (their full default runs take 10 s to minutes each on a loaded 2-core
machine; ``tests/test_circle.py`` compares three more circle rows), compared cell by cell at the
printed precision (the README table lines) and exactly for integers;
(c) the statements in the README's prose around the tables hold for the stored results;
(d) the generator refuses files it should not trust.
"""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from sggd_sym.experiments import available
from sggd_sym.experiments import report_tables as rt

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
RESULTS = ROOT / "results"
STORED = {p.stem: rt.load(p) for p in sorted(RESULTS.glob("*.json"))}


def _rows(name):
    return {rt.row_key(name, r): r for r in STORED[name]["result"]["rows"]}


# ----------------------------------------------------------------------------------------------- (a)

def test_every_experiment_has_a_results_file_and_a_readme_block():
    text = README.read_text(encoding="utf-8")
    for name in ("werner", "circle", "c4", "postprocessing", "hamming"):
        assert name in STORED, f"results/{name}.json is missing"
        assert f"<!-- results:{name} begin -->" in text and f"<!-- results:{name} end -->" in text


def test_readme_blocks_equal_the_generated_tables():
    assert rt.check(README, RESULTS) == []


def test_stored_results_record_their_provenance():
    from sggd_sym import __version__

    for name, data in STORED.items():
        prov = data["provenance"]
        assert prov["command"] == f"sggd-sym reproduce {name} --json"
        assert prov["sggd_sym"] == __version__
        assert prov["settings"], name
        assert "figures" not in data["result"]  # paths of one machine's temporary folder stay out


# ----------------------------------------------------------------------------------------------- (b)

def _table_lines(name, rows):
    return rt.render_rows(name, rows).split("\n")[2:]


def _compare(name, fresh_rows):
    stored = _rows(name)
    assert fresh_rows, "nothing re-computed"
    for r in fresh_rows:
        key = rt.row_key(name, r)
        assert key in stored, f"{name}: the current code makes a row {key} that results/{name}.json lacks"
        assert r["seeds"] == stored[key]["seeds"]
        assert _table_lines(name, [r]) == _table_lines(name, [stored[key]]), (name, key)


# fixed samples of rows (each a whole row: every seed); tests/test_circle.py compares three more circle rows
CIRCLE_SAMPLE = {"circle": [("uniform", "penalty", 0.1), ("right", "augmentation", None),
                            ("right", "equivariant", None), ("right", "twirled", None)],
                 "c4": [("right", "mse", None), ("right", "penalty", 1.0), ("uniform", "penalty", 10.0),
                        ("right", "augmentation", None)]}
HAMMING_SAMPLE = [(6, "mse", None), (6, "penalty", 1.0), (6, "augmentation", None), (6, "equivariant", None),
                  (8, "penalty", 0.1)]


def _circle_rows(task):
    from sggd_sym.experiments import circle
    from sggd_sym.training.sweeps import run_jobs

    cfg = dict(circle.DEFAULTS, task=task)
    cfg["lambdas"] = tuple(float(x) for x in cfg["lambdas"])
    assert STORED[task]["result"]["config"] == {k: (list(v) if isinstance(v, tuple) else v) for k, v in cfg.items()}
    jobs = [j for j in circle.jobs_for(cfg) if (j["train"], j["method"], j["lam"]) in CIRCLE_SAMPLE[task]]
    return circle._rows(run_jobs(circle.run_job, jobs))


@pytest.mark.slow
def test_stored_werner_rows_are_what_the_code_computes(tmp_path):
    from sggd_sym.experiments import werner

    fresh = werner.run(outdir=tmp_path, figures=False)
    assert [rt.row_key("werner", r) for r in fresh["rows"]] == list(_rows("werner"))
    _compare("werner", fresh["rows"])
    fresh["seconds"] = STORED["werner"]["result"]["seconds"]
    assert rt.render(rt.wrap("werner", fresh)) == rt.render(STORED["werner"])  # caption included


@pytest.mark.slow
@pytest.mark.parametrize("task", ["circle", "c4"])
def test_stored_circle_rows_are_what_the_code_computes(task):
    fresh = _circle_rows(task)
    assert len(fresh) == len(CIRCLE_SAMPLE[task]) and all(r["seeds"] == 20 for r in fresh)
    _compare(task, fresh)


@pytest.mark.slow
def test_stored_hamming_rows_are_what_the_code_computes():
    from sggd_sym.experiments import hamming

    cfg = dict(hamming.DEFAULTS)
    cfg["n_train"] = {int(k): int(v) for k, v in cfg["n_train"].items()}
    assert STORED["hamming"]["result"]["config"]["n_train"] == {str(k): v for k, v in cfg["n_train"].items()}
    jobs = [j for j in hamming.jobs_for(cfg) if (j["n"], j["method"], j["lam"]) in HAMMING_SAMPLE]
    fresh = hamming._rows([hamming.run_job(j) for j in jobs], cfg)
    assert len(fresh) == len(HAMMING_SAMPLE)
    _compare("hamming", fresh)


# a fixed sample of jobs, each a whole row (all 40 seeds): every task, every method, a trap-free and a trapped λ
POSTPROCESSING_SAMPLE = [("uniform", "none", None), ("x>0", "none", None), ("x>0", "modified_penalty_ramp", 1.0),
                         ("x>0,n=4", "penalty", 0.1), ("uniform", "modified_penalty_ramp", 0.1)]


@pytest.mark.slow
def test_stored_postprocessing_rows_are_what_the_code_computes():
    from sggd_sym.experiments import postprocessing as E3

    cfg = E3._config(None, {})
    assert STORED["postprocessing"]["result"]["config"] == {k: (list(v) if isinstance(v, tuple) else v)
                                                             for k, v in cfg.items()}
    jobs = [j for j in E3.jobs_for(cfg) if (j["train"], j["method"], j["lam"]) in POSTPROCESSING_SAMPLE]
    assert len(jobs) == len(POSTPROCESSING_SAMPLE)
    _compare("postprocessing", E3._rows([E3.run_job(j) for j in jobs]))


# ----------------------------------------------------------------------------------------------- (c)

def test_prose_claims_about_werner():
    rows = _rows("werner")
    assert rows[(1.0, "mse", 0.0)]["success_rate"] == 0.0  # "plain MSE never succeeds"
    for lam in (1.0, 10.0):  # "every run that fails ends at θ = π"
        r = rows[(1.0, "penalty", lam)]
        assert r["success_rate"] + r["trap_rate"] == pytest.approx(1.0)
    for r in rows.values():  # "the basin formula predicts the measured rates to within two runs in every row"
        assert abs(r["success_rate"] - r["predicted_success_rate"]) * r["seeds"] <= 2 + 1e-9
    assert STORED["werner"]["result"]["twirled_equals_mse"] is True


def test_prose_claims_about_circle_and_c4():
    rows = _rows("circle")
    assert rows[("right", "mse", None)]["left_half_accuracy_mean"] < 0.6  # "near chance on the unseen left half"
    assert rows[("right", "penalty", 1.0)]["left_half_accuracy_mean"] > 0.85  # "SGGD restores it"
    assert rows[("right", "penalty", 10.0)]["test_accuracy_mean"] < rows[("right", "penalty", 1.0)][
        "test_accuracy_mean"]  # "at λ = 10, 300 steps are too few"
    assert rows[("right", "twirled", None)]["test_accuracy_mean"] < rows[("right", "penalty", 1.0)][
        "test_accuracy_mean"] - 0.1  # "C_T is too restrictive here"
    c4 = _rows("c4")
    for train in ("uniform", "right"):
        assert c4[(train, "penalty", 1.0)]["test_accuracy_median"] >= 0.98
        assert c4[(train, "penalty", 1.0)]["below_chance_fraction"] >= 0.2
        assert c4[(train, "penalty", 10.0)]["below_chance_fraction"] > 0.5


def test_prose_claims_about_postprocessing():
    result = STORED["postprocessing"]["result"]
    rows = _rows("postprocessing")
    assert all(r["trapped_fraction"] == 0 for k, r in rows.items() if k[1] == "modified_penalty_ramp")
    assert rows[("uniform", "penalty", 10.0)]["trapped_fraction"] == 1.0
    assert all(rows[(t, "modified_penalty", 1.0)]["trapped_fraction"] > 0 for t in ("uniform", "x>0", "x>0,n=4"))
    assert result["traps"]["all_certified"] is True
    assert [t["train"] for t in result["bar"]["tasks"]] == ["x>0", "x>0,n=4"]
    assert all(t["gain_points"] > 0 and t["lambda"] == 1.0 for t in result["bar"]["tasks"])


def test_prose_claims_about_hamming():
    rows = _rows("hamming")
    models = STORED["hamming"]["result"]["models"]
    for n in (6, 8):
        eq = rows[(n, "equivariant", None)]
        assert eq["perfect_fraction"] == 1.0 and eq["final_penalty_median"] == 0.0  # "exact on every string and seed"
        assert models[str(n)]["equivariant_parameters"] == 5
        hea = [r for k, r in rows.items() if k[0] == n and k[1] != "equivariant"]
        assert min(r["final_penalty_median"] for r in hea) > 1.0  # "stays far from 0"
        assert all(abs(r["test_accuracy_mean"] - models[str(n)]["majority_baseline"]) < 0.06 for r in hea)
        assert max(r["other_half_accuracy_mean"] for k, r in rows.items() if k[0] == n and k[1] == "penalty") > \
            rows[(n, "mse", None)]["other_half_accuracy_mean"] + 0.1  # "what the penalty buys is the unseen half"


# ----------------------------------------------------------------------------------------------- (d)

def _copy(tmp_path, name="werner"):
    folder = tmp_path / "results"
    folder.mkdir(exist_ok=True)
    data = json.loads((RESULTS / f"{name}.json").read_text(encoding="utf-8"))
    return folder, data


def _write(folder, name, data):
    path = folder / f"{name}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("damage, message", [
    (lambda d: d.update(format="other"), "format"),
    (lambda d: d.update(experiment="circle"), "expected 'werner'"),
    (lambda d: d["provenance"].pop("sggd_sym"), "provenance"),
    (lambda d: d["result"].update(rows=[]), "non-empty"),
    (lambda d: d["result"]["rows"][0].update(success_rate="87%"), "finite number"),
    (lambda d: d["result"]["rows"][0].update(success_rate=float("nan")), "finite number"),
    (lambda d: d["result"]["rows"][0].pop("method"), "no 'method'"),
    (lambda d: d["result"]["rows"].append(dict(d["result"]["rows"][0])), "repeats"),
    (lambda d: d["result"].update(experiment="c4"), "result.experiment"),
])
def test_damaged_results_files_are_refused(tmp_path, damage, message):
    folder, data = _copy(tmp_path)
    damage(data)
    with pytest.raises(ValueError, match=message):
        rt.load(_write(folder, "werner", data))


def test_unknown_experiments_and_non_json_are_refused(tmp_path):
    folder, data = _copy(tmp_path)
    with pytest.raises(ValueError, match="unknown experiment 'nosuch'"):
        rt.load(_write(folder, "nosuch", dict(data, experiment="nosuch")))
    with pytest.raises(ValueError, match="file name"):
        rt.load(_write(folder, "../Evil", data))
    bad = folder / "werner.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid JSON"):
        rt.load(bad)


def test_check_finds_a_stale_cell_and_update_repairs_it(tmp_path):
    folder = tmp_path / "results"
    shutil.copytree(RESULTS, folder)
    readme = tmp_path / "README.md"
    text = README.read_text(encoding="utf-8")
    start = text.index("<!-- results:circle begin -->")
    readme.write_text(text[:start] + text[start:].replace("| right | plain MSE |  | ", "| right | plain MSE |  | 9", 1),
                      encoding="utf-8")
    assert rt.check(readme, folder) == ["README block 'circle' differs from results/circle.json (run --update)"]
    assert "circle" in rt.update(readme, folder)
    assert readme.read_text(encoding="utf-8") == text and rt.check(readme, folder) == []


def test_blocks_without_a_file_are_reported_and_files_without_a_block_are_skipped(tmp_path):
    folder = tmp_path / "results"
    folder.mkdir()
    shutil.copy(RESULTS / "werner.json", folder)
    readme = tmp_path / "README.md"
    readme.write_text("intro\n<!-- results:werner begin -->\n<!-- results:werner end -->\n"
                      "<!-- results:circle begin -->\n<!-- results:circle end -->\n", encoding="utf-8")
    assert rt.update(readme, folder) == ["werner"]
    assert rt.check(readme, folder) == ["README block 'circle' has no results/circle.json"]
    assert rt.render(rt.load(folder / "werner.json")) in readme.read_text(encoding="utf-8")


def test_an_experiment_without_a_table_uses_its_own_report(tmp_path, monkeypatch):
    """A results file of an experiment this module has no table for (e.g. a new one) renders its format_report."""
    from sggd_sym import experiments
    from sggd_sym.experiments import werner

    data = json.loads((RESULTS / "werner.json").read_text(encoding="utf-8"))
    monkeypatch.delitem(rt.TABLES, "werner")
    body = rt.render(data)
    assert body.startswith("```\nE1 Werner states") and werner.format_report({"figures": [], **data["result"]}) in body
    assert "werner" in experiments.available()


def test_command_line_check(tmp_path, capsys):
    assert rt.main(["--check"]) == 0
    with pytest.raises(SystemExit):
        rt.main([])
    assert np.isfinite(STORED["werner"]["result"]["seconds"])
    assert set(STORED) <= set(available())
