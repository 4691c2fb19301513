"""README result tables generated from the experiments' own JSON, so that they cannot drift.

``results/NAME.json`` holds what ``sggd-sym reproduce NAME --json`` prints at default settings (the
figure paths dropped), wrapped with its provenance::

    {"format": "sggd_sym.results/1", "experiment": NAME,
     "provenance": {"command": ..., "sggd_sym": version, "settings": {...}, "python": ..., "numpy": ...},
     "result": {...}}

A README block between ``<!-- results:NAME begin -->`` and ``<!-- results:NAME end -->`` is
:func:`render` of that file: a Markdown table of the rows for the experiments this module knows
(``TABLES``), the experiment's own ``format_report`` in a code block for any other.  Nothing read from
disk is trusted: :func:`load` checks the wrapper, the experiment name (one of
:func:`sggd_sym.experiments.available`) and every row field a table prints.

Command line (run from the repository root)::

    python -m sggd_sym.experiments.report_tables --record werner   # re-run at defaults, write results/werner.json
    python -m sggd_sym.experiments.report_tables --update          # rewrite the README blocks
    python -m sggd_sym.experiments.report_tables --check           # exit 1 naming every stale block

``tests/test_readme_results.py`` runs the check and re-computes stored rows from the current code.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import re
import sys
import tempfile
from pathlib import Path
from typing import Callable

from sggd_sym.experiments import available
from sggd_sym.experiments import load as load_experiment

__all__ = ["FORMAT", "TABLES", "block_pattern", "check", "load", "record", "render", "render_rows", "update",
           "wrap", "row_key"]

FORMAT = "sggd_sym.results/1"
ROOT = Path(__file__).resolve().parents[2]
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def _pct(value) -> str:
    return f"{100 * value:.1f}%"


def _pct0(value) -> str:
    return f"{100 * value:.0f}%"


def _lam(row) -> str:
    return "" if row["lambda"] is None or (row["method"] in ("mse", "twirled") and row["lambda"] == 0) \
        else f"{row['lambda']:g}"


def _acc(row) -> str:
    return f"{_pct(row['test_accuracy_mean'])} ± {_pct(row['test_accuracy_std'])}"


_METHOD = {"mse": "plain MSE", "penalty": "SGGD C_P", "twirled": "twirled C_T", "augmentation": "augmentation",
           "equivariant": "equivariant ansatz", "none": "no penalty", "modified_penalty": "modified P₂",
           "modified_penalty_ramp": "modified P₂, ramp"}


def _method(row) -> str:
    return _METHOD.get(row["method"], row["method"])


# name -> (row key fields, required numeric fields, [(header, cell function)])
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...], list[tuple[str, Callable]]]] = {
    "werner": (("bias", "method", "lambda"),
               ("seeds", "success_rate", "predicted_success_rate", "trap_rate", "test_accuracy_mean",
                "test_accuracy_std", "lambda_crit_mean"),
               [("β", lambda r: f"{r['bias']:g}"), ("method", _method), ("λ", _lam),
                ("success", lambda r: _pct(r["success_rate"])),
                ("predicted (basin formula)", lambda r: _pct(r["predicted_success_rate"])),
                ("ends at θ = π", lambda r: _pct(r["trap_rate"])),
                ("test accuracy", lambda r: f"{r['test_accuracy_mean']:.3f} ± {r['test_accuracy_std']:.3f}"),
                ("mean λ_crit", lambda r: f"{r['lambda_crit_mean']:.4f}")]),
    "circle": (("train", "method", "lambda"),
               ("seeds", "test_accuracy_mean", "test_accuracy_std", "test_accuracy_median", "below_chance_fraction",
                "left_half_accuracy_mean"),
               [("training data", lambda r: r["train"]), ("method", _method), ("λ", _lam),
                ("test accuracy (mean ± std)", _acc), ("median", lambda r: _pct(r["test_accuracy_median"])),
                ("runs < 50%", lambda r: _pct0(r["below_chance_fraction"])),
                ("left half x₁ < 0", lambda r: _pct(r["left_half_accuracy_mean"]))]),
    "postprocessing": (("train", "method", "lambda"),
                       ("seeds", "test_accuracy_mean", "test_accuracy_std", "trapped_fraction",
                        "strict_trapped_fraction"),
                       [("training data", lambda r: r["train"]), ("method", _method), ("λ", _lam),
                        ("test accuracy (mean ± std)", _acc),
                        ("trapped at ±Z", lambda r: _pct0(r["trapped_fraction"])),
                        ("strictly trapped", lambda r: _pct0(r["strict_trapped_fraction"]))]),
    "hamming": (("n", "method", "lambda"),
                ("seeds", "test_accuracy_mean", "test_accuracy_std", "test_accuracy_median", "below_chance_fraction",
                 "perfect_fraction", "other_half_accuracy_mean", "final_penalty_median"),
                [("n", lambda r: str(r["n"])), ("method", _method), ("λ", _lam), ("test accuracy (mean ± std)", _acc),
                 ("median", lambda r: _pct(r["test_accuracy_median"])),
                 ("runs < 50%", lambda r: _pct0(r["below_chance_fraction"])),
                 ("runs = 100%", lambda r: _pct0(r["perfect_fraction"])),
                 ("2nd-half strings", lambda r: _pct(r["other_half_accuracy_mean"])),
                 ("median final P", lambda r: f"{r['final_penalty_median']:.3f}")]),
}
TABLES["c4"] = TABLES["circle"]


def row_key(name: str, row: dict) -> tuple:
    """The fields that identify a row of experiment ``name`` (e.g. ``(train, method, lambda)``)."""
    return tuple(row[k] for k in TABLES[name][0])


def _fail(where: str, message: str):
    raise ValueError(f"{where}: {message}")


def _check_result(name: str, result, where: str) -> None:
    if not isinstance(result, dict):
        _fail(where, f"'result' must be a JSON object, got {type(result).__name__}")
    if result.get("experiment") != name:
        _fail(where, f"result.experiment is {result.get('experiment')!r}, expected {name!r} (the file name)")
    rows = result.get("rows")
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        _fail(where, "result.rows must be a non-empty list of objects")
    if name not in TABLES:
        return
    keys, numbers, _ = TABLES[name]
    seen = set()
    for i, r in enumerate(rows):
        for k in keys:
            if k not in r:
                _fail(where, f"rows[{i}] has no {k!r}")
            v = r[k]
            if k == "lambda":
                ok = v is None or (isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v))
            elif k in ("n", "bias"):
                ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            else:
                ok = isinstance(v, str) and len(v) < 40
            if not ok:
                _fail(where, f"rows[{i}].{k} = {v!r} is not a valid {k}")
        for k in numbers:
            v = r.get(k)
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v):
                _fail(where, f"rows[{i}].{k} must be a finite number, got {v!r}")
        key = row_key(name, r)
        if key in seen:
            _fail(where, f"rows[{i}] repeats the row {key}")
        seen.add(key)


def load(path) -> dict:
    """Read and check ``results/NAME.json``; returns the wrapper (``ValueError`` naming what is wrong)."""
    path = Path(path)
    name = path.stem
    where = str(path)
    if not _NAME.match(name):
        _fail(where, "the file name must be an experiment name (lower case letters, digits, _)")
    if name not in available():
        _fail(where, f"unknown experiment {name!r}; known: {', '.join(available())}")
    if path.stat().st_size > 5_000_000:
        _fail(where, "file larger than 5 MB; not a results file")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        _fail(where, f"not valid JSON ({err})")
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        _fail(where, f"not a results file: 'format' must be {FORMAT!r}")
    if data.get("experiment") != name:
        _fail(where, f"'experiment' is {data.get('experiment')!r}, expected {name!r}")
    prov = data.get("provenance")
    if not isinstance(prov, dict) or not isinstance(prov.get("sggd_sym"), str) or not isinstance(
            prov.get("command"), str):
        _fail(where, "'provenance' must record at least 'command' and 'sggd_sym' (the version)")
    _check_result(name, data.get("result"), where)
    return data


def _json_safe(value):
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def wrap(name: str, result: dict) -> dict:
    """The results-file object for a run of ``name`` at default settings (figure paths dropped)."""
    import numpy

    from sggd_sym._version import __version__

    module = load_experiment(name)
    result = {k: v for k, v in result.items() if k not in ("figures", "figures_skipped")}
    _check_result(name, result, f"wrap({name!r})")
    return {"format": FORMAT, "experiment": name,
            "provenance": {"command": f"sggd-sym reproduce {name} --json", "sggd_sym": __version__,
                           "settings": _json_safe(getattr(module, "DEFAULTS", None) or result.get("config", {})),
                           "python": platform.python_version(), "numpy": numpy.__version__,
                           "machine": "2-core machine shared with other jobs"},
            "result": result}


def record(name: str, results_dir=None) -> Path:
    """Run experiment ``name`` at its default settings and write ``results_dir/NAME.json``."""
    module = load_experiment(name)
    with tempfile.TemporaryDirectory() as tmp:
        result = module.run(seeds=None, outdir=Path(tmp), progress=False)
    path = Path(results_dir or ROOT / "results") / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(wrap(name, result), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def render_rows(name: str, rows: list[dict]) -> str:
    """The Markdown table of ``rows`` of a known experiment."""
    _, _, columns = TABLES[name]
    lines = ["| " + " | ".join(h for h, _ in columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(r) for _, cell in columns) + " |" for r in rows]
    return "\n".join(lines)


def _caption(name: str, result: dict) -> str:
    rows = result["rows"]
    seeds = sorted({r.get("seeds") for r in rows})
    seed_text = " / ".join(str(s) for s in seeds)
    if name == "werner":
        opt = result["optimizer"]
        return (f"{seed_text} seeds per row (one training set of {result['n_train']} points and one initial θ per "
                f"seed, shared by the methods), {opt['method']} lr {opt['learning_rate']}, {opt['steps']} steps; "
                f"success = final θ within {result['tolerance']} of 0 mod 2π; test on {result['n_test']} states. "
                f"C_T = C_MSE here (Werner states are invariant): {result['twirled_equals_mse']}.")
    if name in ("circle", "c4"):
        cfg, m = result["config"], result["model"]
        return (f"{cfg['seeds']} seeds (each method on the same data and initial point per seed), "
                f"{m['parameters']} parameters, O = {m['observable']}, group {m['group']}, Adam lr "
                f"{cfg['learning_rate']}, {cfg['steps']} steps, {cfg['n_train']} training / {cfg['n_test']} test "
                f"points; λ grid fixed in advance.")
    if name == "postprocessing":
        cfg = result["config"]
        text = (f"{cfg['seeds']} seeds, {cfg['optimizer'].upper()} lr {cfg['learning_rate']}, {cfg['steps']} steps; "
                f"uniform: {cfg['n_train']} points in [−1, 1]; x>0: {cfg['n_train_biased']} points in (0, 1] "
                f"(x>0,n=K: K points); trapped: |n_z| > 1 − {cfg['trap_tol']:g} (strict: 1 − "
                f"{cfg['strict_trap_tol']:g}).")
        for bar in result.get("bar", {}).get("tasks", []):
            text += (f" Biased task {bar['train']} (λ = {bar['lambda']:g} fixed in advance): modified P₂, ramp "
                     f"{_pct(bar['sggd'])} vs no penalty {_pct(bar['none'])}, {bar['gain_points']:+.1f} points.")
        return text
    if name == "hamming":
        cfg = result["config"]
        models = "; ".join(f"n = {n}: {m['hea_parameters']} HEA / {m['equivariant_parameters']} equivariant "
                           f"parameters, majority class {_pct(m['majority_baseline'])}"
                           for n, m in result["models"].items())
        return (f"{cfg['seeds']} seeds, Adam lr {cfg['learning_rate']}, {cfg['steps']} steps; {models}.")
    return ""


def render(data: dict) -> str:
    """The README block body for one checked results file (see :func:`load`)."""
    name, result, prov = data["experiment"], data["result"], data["provenance"]
    if name in TABLES:
        body = render_rows(name, result["rows"]) + "\n\n" + _caption(name, result)
    else:
        body = "```\n" + load_experiment(name).format_report({"figures": [], **result}) + "\n```"
    seconds = result.get("seconds")
    timing = f"; {seconds} s in that run, on a 2-core machine with other jobs running" if seconds is not None else ""
    return (f"{body}\n\n<sub>Generated from `results/{name}.json` (`{prov['command']}`, default settings, "
            f"sggd_sym {prov['sggd_sym']}{timing}) by `python -m sggd_sym.experiments.report_tables --update`; "
            f"`tests/test_readme_results.py` fails when they differ.</sub>")


def block_pattern(name: str) -> re.Pattern:
    """The README block of ``name``: group 1 is its body (with the newlines around it)."""
    return re.compile(rf"(?s)<!-- results:{re.escape(name)} begin -->(.*?)<!-- results:{re.escape(name)} end -->")


def _results(results_dir) -> dict[str, dict]:
    folder = Path(results_dir or ROOT / "results")
    return {p.stem: load(p) for p in sorted(folder.glob("*.json"))}


def _blocks(text: str) -> list[str]:
    return re.findall(r"<!-- results:([a-z0-9_]+) begin -->", text)


def check(readme=None, results_dir=None) -> list[str]:
    """Problems with the README blocks: stale blocks, blocks without a results file (empty: all agree)."""
    text = Path(readme or ROOT / "README.md").read_text(encoding="utf-8")
    stored = _results(results_dir)
    problems = []
    for name in _blocks(text):
        match = block_pattern(name).search(text)
        if match is None:
            problems.append(f"README block {name!r} has no end marker")
        elif name not in stored:
            problems.append(f"README block {name!r} has no results/{name}.json")
        elif match.group(1) != "\n" + render(stored[name]) + "\n":
            problems.append(f"README block {name!r} differs from results/{name}.json (run --update)")
    return problems


def update(readme=None, results_dir=None) -> list[str]:
    """Rewrite every README block that has a results file; returns the names rewritten."""
    path = Path(readme or ROOT / "README.md")
    text = path.read_text(encoding="utf-8")
    stored = _results(results_dir)
    done = []
    for name in _blocks(text):
        if name in stored:
            body = render(stored[name])
            text = block_pattern(name).sub(
                lambda m, n=name, b=body: f"<!-- results:{n} begin -->\n{b}\n<!-- results:{n} end -->", text, count=1)
            done.append(name)
    path.write_text(text, encoding="utf-8")
    return done


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sggd_sym.experiments.report_tables",
                                     description="README result tables from results/*.json")
    parser.add_argument("--record", nargs="+", metavar="NAME", choices=available(),
                        help="re-run these experiments at default settings and write results/NAME.json")
    parser.add_argument("--update", action="store_true", help="rewrite the README blocks from results/*.json")
    parser.add_argument("--check", action="store_true", help="exit 1 if a README block is stale")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md", help="README file (default: %(default)s)")
    parser.add_argument("--results", type=Path, default=ROOT / "results", help="results folder (default: %(default)s)")
    args = parser.parse_args(argv)
    if not (args.record or args.update or args.check):
        parser.error("give --record NAME..., --update or --check")
    for name in args.record or ():
        print(f"wrote {record(name, args.results)}")
    if args.update:
        print("updated:", ", ".join(update(args.readme, args.results)) or "(no blocks)")
    if args.check:
        problems = check(args.readme, args.results)
        for p in problems:
            print(p, file=sys.stderr)
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
