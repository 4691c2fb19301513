"""Command line ``sggd-sym``: ``derive``, ``reproduce``, ``rank-ansatze``, ``prove``.

``derive`` prints exact closed forms for a built-in model or a circuit file (``--circuit``: the JSON
format of :mod:`sggd_sym.interop.circuit_json` or OpenQASM), cached on disk (:mod:`sggd_sym.cli.cache`);
``reproduce`` runs the paper's experiments and the studies beyond it (``--json`` prints one JSON object,
``--seeds N`` overrides the seed count); ``rank-ansatze`` ranks circuits for one task by their attainable
symmetry (:func:`sggd_sym.training.analysis.rank_ansatze`) and checks the ranking against trained accuracies;
``prove`` runs the symbolic proofs of ``proofs/`` and prints one line per claim.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np
import sympy as sp

from sggd_sym import experiments
from sggd_sym.exceptions import SggdError
from sggd_sym.symmetry import groups

GROUPS = groups.NAMED


#: Bounds of the command-line arguments, checked before any work (no argument makes the CLI hang).
MAX_LAYERS = 100
MAX_SEEDS = 100_000
MAX_WORKERS = 256


class _UsageError(Exception):
    """A command-line usage error (argparse's message), printed as one line with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message):  # one line instead of argparse's usage block
        raise _UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Every option shows its default: ``(default: …)`` appended unless the help text states it; flags
    say ``(default: off)``.  Descriptions and epilogs keep their line breaks."""

    def _get_help_string(self, action):
        text = action.help or ""
        if "default" in text.lower() or action.default is argparse.SUPPRESS or isinstance(
                action, (argparse._HelpAction, argparse._VersionAction, argparse._SubParsersAction)):
            return text
        if isinstance(action, argparse._StoreTrueAction):
            return f"{text} (default: off)"
        if action.default is None or action.default == []:
            return text
        return f"{text} (default: %(default)s)"


#: Plain-text description of the command (no reStructuredText markup: it is printed by --help).
DESCRIPTION = ("sggd-sym: exact derivations, proofs and experiments for symmetry-guided gradient descent "
               "(SGGD) in quantum neural networks.")


def _wrap(text: str) -> str:
    return textwrap.fill(" ".join(text.split()), 79)


def _bounded_int(name: str, low: int, high: int):
    def convert(text: str) -> int:
        if not isinstance(text, str) or not re.fullmatch(r"[+-]?\d{1,12}", text.strip()):
            raise argparse.ArgumentTypeError(f"{name} expects an integer between {low} and {high}, got {text[:40]!r}")
        value = int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{name} must be between {low} and {high}, got {value}")
        return value
    convert.__name__ = name
    return convert


def _parser() -> argparse.ArgumentParser:
    from sggd_sym.interop.circuit_json import MAX_QUBITS

    parser = _Parser(prog="sggd-sym", description=_wrap(DESCRIPTION),
                     epilog="Run 'sggd-sym COMMAND --help' for the options of a command.")
    from sggd_sym._version import __version__

    parser.add_argument("--version", action="version", version=f"sggd-sym {__version__}")
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks (also: SGGD_DEBUG=1)")
    sub = parser.add_subparsers(dest="command", required=True)

    derive = sub.add_parser("derive", help="derive the twirled observable, residual and penalty of a model",
                            description=_wrap("Derive the twirled observable T_G[U^dag O U] (Eq. 5), the residual E of "
                            "Eq. 4 and the penalty P of Eq. 6, exactly."))
    derive.add_argument("model", nargs="?", choices=["werner", "hea"],
                        help="werner: Eq. 9 ansatz; hea: hardware-efficient (default: none, give --circuit FILE "
                             "instead)")
    derive.add_argument("--circuit", type=Path, default=None,
                        help="a circuit file: .json (sggd_sym format, may include group and observable) or "
                        ".qasm (OpenQASM 2/3, needs the qiskit extra) (default: none, give a model instead)")
    derive.add_argument("--qubits", type=_bounded_int("--qubits", 1, MAX_QUBITS), default=2,
                        help=f"qubits of the hea model (1..{MAX_QUBITS})")
    derive.add_argument("--layers", type=_bounded_int("--layers", 0, MAX_LAYERS), default=2,
                        help=f"layers of the hea model (0..{MAX_LAYERS})")
    derive.add_argument("--observable", default=None, help="Pauli sum such as 'Z0' or 'Z0 + 1/2 X0 X1' "
                        "(default: SWAP for werner, the file's observable or Z0 otherwise)")
    derive.add_argument("--group", choices=sorted(GROUPS), default=None,
                        help="symmetry group (default: collective for werner, the file's group or swap otherwise)")
    fmt = derive.add_mutually_exclusive_group()
    fmt.add_argument("--latex", action="store_true", help="print LaTeX")
    fmt.add_argument("--json", action="store_true", help="print one JSON object (default: off, pretty text)")
    derive.add_argument("--no-cache", action="store_true", help="derive afresh; neither read nor write the cache")
    derive.add_argument("--cache-dir", type=Path, default=None,
                        help="cache folder (default: $SGGD_SYM_CACHE_DIR or ~/.cache/sggd_sym)")

    names = experiments.available()
    listing = "\n".join(f"  {name:15s} {experiments.DESCRIPTIONS.get(name, '')}" for name in names)
    reproduce = sub.add_parser("reproduce", help="reproduce the paper's experiments (and the studies beyond it)",
                               description=_wrap("Run an experiment and print its table (or --json); figures go to "
                               "--out/NAME/."),
                               epilog=f"experiments:\n{listing}\n  {'all':15s} the paper's experiments "
                                      f"{', '.join(experiments.available(experiments.PAPER))} in turn")
    reproduce.add_argument("experiment", nargs="?", default="all", choices=list(names) + ["all"], metavar="NAME",
                           help="the experiment to run (listed below)")
    reproduce.add_argument("--seeds", type=_bounded_int("--seeds", 1, MAX_SEEDS), default=None, metavar="N",
                           help="number of seeds (default: each experiment's own, 20 for most)")
    reproduce.add_argument("--json", action="store_true", help="print one JSON object with the reported figures")
    reproduce.add_argument("--out", type=Path, default=Path("sggd_results"), metavar="DIR",
                           help="folder for figures")
    reproduce.add_argument("--no-progress", action="store_true", help="hide progress bars")
    reproduce.add_argument("--scheduler", default=None, metavar="ADDRESS",
                           help="run sweeps on a Dask distributed cluster (e.g. tcp://host:8786); needs "
                                "sggd_sym[dask] (default: none, run on this machine)")
    reproduce.add_argument("--workers", type=_bounded_int("--workers", 1, MAX_WORKERS), default=None, metavar="N",
                           help="local worker processes for sweeps (default: the number of CPUs)")

    rank = sub.add_parser("rank-ansatze", help="rank circuits for one task by their attainable symmetry",
                          description=_wrap("Rank ansaetze by sggd_sym.training.analysis.symmetric_reach (least penalty, exact "
                          "certificate, reachable commutant directions). Without --circuit: the E2 circle task "
                          "(hardware-efficient, equivariant, product, one-sided), each also trained as in E2 and "
                          "compared with the ranking (Spearman, Kendall)."))
    rank.add_argument("--circuit", type=Path, action="append", default=[], metavar="FILE",
                      help="a circuit file (.json or .qasm) to rank; repeat for several (default: none, the "
                           "circle task's four ansaetze)")
    rank.add_argument("--observable", default=None,
                      help="Pauli sum for every --circuit, e.g. 'Z0' (default: each file's observable, else Z0)")
    rank.add_argument("--group", choices=sorted(GROUPS), default=None,
                      help="symmetry group for every --circuit (default: the first file's group, else swap)")
    rank.add_argument("--starts", type=_bounded_int("--starts", 1, 10_000), default=16, metavar="N",
                      help="random starts of the global search for min P")
    rank.add_argument("--seed", type=_bounded_int("--seed", 0, 2**31 - 1), default=0, help="seed of the search")
    rank.add_argument("--seeds", type=_bounded_int("--seeds", 1, MAX_SEEDS), default=5, metavar="N",
                      help="training seeds per ansatz of the circle check")
    rank.add_argument("--steps", type=_bounded_int("--steps", 0, 100_000), default=300, metavar="N",
                      help="Adam steps of the circle check (E2's lr 0.05, right-half data)")
    rank.add_argument("--lam", type=float, default=1.0, help="λ of the SGGD training in the circle check")
    rank.add_argument("--no-train", action="store_true", help="rank only; skip the training check")
    rank.add_argument("--json", action="store_true", help="print one JSON object")

    prove = sub.add_parser("prove", help="run the exact proofs in proofs/ (one line per claim)",
                           description=_wrap("Run the exact proof scripts of proofs/ (a source checkout)."))
    prove.add_argument("names", nargs="*", metavar="NAME", help="proof names (file stems) (default: all)")
    return parser


def _derive(args) -> int:
    circuit, observable, group = _derive_problem(args)
    fmt = "json" if args.json else "latex" if args.latex else "text"
    cache = None
    if not args.no_cache:
        from sggd_sym.cli.cache import DerivationCache

        cache = DerivationCache(args.cache_dir)
    # the printed text is always rendered from a derivation: fresh, or a cache entry that passed its checks
    print(_render(circuit, observable, group, fmt, cache))
    return 0


def _derive_problem(args):
    """``(circuit, observable, group)`` from a built-in model or a ``--circuit`` file."""
    import sggd_sym as sg
    from sggd_sym.exceptions import InputValueError

    if (args.model is None) == (args.circuit is None):
        raise InputValueError("give either a model (werner, hea) or --circuit FILE, not both or neither")
    from sggd_sym.interop.circuit_json import observable_from_text, read_problem

    if args.model == "werner":
        circuit = sg.circuits.werner_ansatz()
        observable = sg.ops.SWAP if args.observable is None else observable_from_text(args.observable, 2,
                                                                                       "--observable")
        return circuit, observable, GROUPS[args.group or "collective"](2)
    if args.model == "hea":
        observable = observable_from_text("Z0" if args.observable is None else args.observable, args.qubits,
                                         "--observable")
        circuit = sg.circuits.hardware_efficient(args.qubits, args.layers)
        return circuit, observable, GROUPS[args.group or "swap"](args.qubits)

    problem = read_problem(args.circuit)
    n = problem.circuit.n_qubits
    if args.observable is not None:
        observable = observable_from_text(args.observable, n, "--observable")
    else:
        observable = problem.observable if problem.observable is not None else sg.PauliSum.from_text("Z0", n)
    if args.group is not None:
        group = GROUPS[args.group](n)
    else:
        group = problem.group if problem.group is not None else GROUPS["swap"](n)
    return problem.circuit, observable, group


def _render(circuit, observable, group, fmt: str, cache=None) -> str:
    import sggd_sym as sg

    if cache is not None:
        twirled = cache.twirled_observable(circuit, observable, group)
    else:
        twirled = sg.twirled_observable(circuit, observable, group)
    penalty = sg.penalties.penalty_from(twirled)
    out = {
        "parameters": [str(p) for p in circuit.parameters],
        "unused_parameters": [str(p) for p in penalty.unused_parameters],
        "group": group.name,
        # matrices for small registers, Pauli sums (qubit-indexed words) beyond
        "twirled_observable": twirled.twirled_matrix() if circuit.n_qubits <= 3 else twirled.twirled_operator(),
        "residual": twirled.residual_matrix() if circuit.n_qubits <= 3 else twirled.residual_operator(),
        "penalty": penalty.expr,
    }
    if fmt == "json":
        return json.dumps({k: (str(v) if not isinstance(v, list) else v) for k, v in out.items()})
    if fmt == "latex":
        return "\n".join(f"% {key}\n{out[key].latex() if hasattr(out[key], 'latex') else sp.latex(out[key])}"
                         for key in ("twirled_observable", "residual", "penalty"))
    return "\n".join(_pretty_item(key, value) for key, value in out.items())


def _pretty_item(key: str, value) -> str:
    """``key: value`` on one line, or ``key:`` above a multi-line block (a matrix, a fraction), indented."""
    text = sp.pretty(value) if isinstance(value, sp.Basic) else str(value)
    if "\n" not in text:
        return f"{key}: {text}"
    return f"{key}:\n" + "\n".join(f"  {line}".rstrip() for line in text.splitlines())


def _reproduce(args) -> int:
    from sggd_sym.exceptions import InputValueError

    names = experiments.available(experiments.PAPER) if args.experiment == "all" else [args.experiment]
    if args.experiment != "all" and args.experiment not in experiments.available():
        raise InputValueError(f"reproduce: experiment {args.experiment!r} is not implemented yet; available: "
                              f"{', '.join(experiments.available()) or '(none)'}")
    _check_writable(args.out)  # before a long run, not after it
    results = {}
    staged: list[tuple[Path, Path]] = []
    with tempfile.TemporaryDirectory(prefix="sggd_figures_") as staging:
        for name in names:
            module = experiments.load(name)
            progress = not args.no_progress and not args.json and sys.stderr.isatty()
            options = {"scheduler": args.scheduler, "workers": args.workers}
            accepted = inspect.signature(module.run).parameters
            extra = {k: v for k, v in options.items() if v is not None and k in accepted}
            # figures go to a private staging folder first and are moved to --out after the results are printed
            stage = Path(staging) / name
            result = module.run(seeds=args.seeds, outdir=stage, progress=progress, **extra)
            final = args.out / name
            if isinstance(result.get("figures"), list):
                result["figures"] = [str(final / Path(f).relative_to(stage)) if _inside(Path(f), stage) else f
                                     for f in result["figures"]]
            staged.append((stage, final))
            results[name] = result
            if not args.json:
                print(module.format_report(result), flush=True)
        if args.json:
            print(json.dumps(results[names[0]] if len(names) == 1 else {"experiments": list(results.values())}),
                  flush=True)
        for stage, final in staged:
            _move_figures(stage, final)
    return 0


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _check_writable(folder: Path) -> None:
    """Create ``folder`` and write a probe file in it, or raise :class:`InputValueError` (one line)."""
    from sggd_sym.exceptions import InputValueError

    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=folder, prefix=".sggd_write_test_", delete=True)
        probe.write(b"ok")
        probe.close()
    except OSError as err:
        raise InputValueError(f"reproduce: --out {folder} is not a writable folder ({err.strerror or err}); "
                              "choose another folder with --out DIR") from None


def _move_figures(stage: Path, final: Path) -> None:
    from sggd_sym.exceptions import InputValueError

    if not stage.is_dir():
        return
    try:
        final.mkdir(parents=True, exist_ok=True)
        for item in sorted(stage.rglob("*")):
            target = final / item.relative_to(stage)
            if item.is_dir():
                target.mkdir(parents=True, exist_ok=True)
            else:
                shutil.copyfile(item, target)
    except OSError as err:
        raise InputValueError(f"reproduce: the results above are complete, but the figures could not be written "
                              f"to {final} ({err.strerror or err})") from None


def _rank_ansatze(args) -> int:
    from sggd_sym.exceptions import InputValueError
    from sggd_sym.experiments import guidance
    from sggd_sym.interop.circuit_json import observable_from_text, read_problem
    from sggd_sym.training.analysis import rank_ansatze

    if not np.isfinite(args.lam) or args.lam < 0:
        raise InputValueError(f"rank-ansatze: --lam must be a finite number >= 0, got {args.lam}")
    if not args.circuit:
        if args.observable is not None or args.group is not None:
            raise InputValueError("rank-ansatze: --observable and --group apply to --circuit files; the built-in "
                                  "circle task fixes its own (give --circuit FILE to rank your circuits)")
        out = guidance.rank_circle_ansatze(starts=args.starts, seed=args.seed, seeds=args.seeds, steps=args.steps,
                                           lam=args.lam, train_check=not args.no_train)
    else:
        import sggd_sym as sg

        problems = [(path, read_problem(path)) for path in args.circuit]
        n = problems[0][1].circuit.n_qubits
        if any(p.circuit.n_qubits != n for _, p in problems):
            raise InputValueError("rank-ansatze: every --circuit must act on the same number of qubits (one task); "
                                  f"got {[p.circuit.n_qubits for _, p in problems]}")
        if args.group is not None:
            group = GROUPS[args.group](n)
        else:
            group = next((p.group for _, p in problems if p.group is not None), None) or GROUPS["swap"](n)
        candidates, seen = {}, set()
        for path, p in problems:
            name = path.stem if path.stem not in seen else str(path)
            seen.add(name)
            if args.observable is not None:
                observable = observable_from_text(args.observable, n, "--observable")
            else:
                observable = p.observable if p.observable is not None else sg.PauliSum.from_text("Z0", n)
            candidates[name] = (p.circuit, observable)
        ranking = rank_ansatze(candidates, group, starts=args.starts, seed=args.seed)
        out = {"task": "files", "group": group.name,
               "rows": [guidance._reach_row(k, name, r) for k, (name, r) in enumerate(ranking, start=1)],
               "training": None}
    if args.json:
        print(json.dumps(out))
        return 0
    print(_format_rank_table(out))
    return 0


def _format_rank_table(out: dict) -> str:
    """The rank-ansatze table: symmetric_reach's figures per ansatz and, after training, the accuracies."""
    trained = out.get("training") is not None
    header = ["rank", "ansatz", "params", "min P", "certified", "sym. dim", "reach@cert", "reach generic"]
    if trained:
        header.append("trained accuracy")
    rows = [header]
    for r in out["rows"]:
        row = [str(r["rank"]), r["ansatz"], str(r["parameters"]), r["min_penalty"], "yes" if r["certified"] else "no",
               *("-" if r[k] is None else str(r[k]) for k in ("symmetric_dimension", "reachable_directions",
                                                                "generic_reachable_directions"))]
        if trained:
            row.append(f"{r['accuracy_mean']:.1%} ± {r['accuracy_std']:.1%}")
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [f"rank-ansatze: task {out['task']}, group {out['group']} (ranked by sggd_sym.training.analysis.rank_ansatze: "
             "certified symmetric first, by reachable commutant directions, then by least penalty)"]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    if trained:
        t = out["training"]
        lines.append(f"trained as in E2: {t['data']} data, SGGD λ = {t['lambda']:g}, {t['steps']} Adam steps, "
                     f"{t['seeds']} seeds per ansatz")
        agreement = out.get("agreement")
        if agreement:
            verdict = ("the ranking predicts the accuracy order" if agreement["kendall"] == 1 else
                       "the ranking does not fully predict the accuracy order")
            lines.append(f"rank agreement with the trained accuracies: Spearman ρ = {agreement['spearman']:.3f}, "
                         f"Kendall τ_b = {agreement['kendall']:.3f} ({verdict})")
    elif out["task"] == "files":
        lines.append("(no training check for circuit files: the trained-accuracy check needs a task's data; run "
                     "without --circuit for the circle task)")
    return "\n".join(lines)


def proofs_directory() -> Path:
    """``proofs/`` beside the package (a source checkout or editable install)."""
    return Path(__file__).resolve().parent.parent / "proofs"


def _prove(args) -> int:
    folder = proofs_directory()
    scripts = sorted(p for p in folder.glob("*.py") if not p.name.startswith("_")) if folder.is_dir() else []
    if args.names:
        wanted = set(args.names)
        unknown = wanted - {p.stem for p in scripts}
        if unknown:
            print(f"sggd-sym prove: unknown proof(s) {sorted(unknown)}; available: {[p.stem for p in scripts]}",
                  file=sys.stderr)
            return 2
        scripts = [p for p in scripts if p.stem in wanted]
    if not scripts:
        print(f"sggd-sym prove: no proofs found in {folder} (run from a source checkout)", file=sys.stderr)
        return 2
    failed = 0
    for script in scripts:
        failed += subprocess.run([sys.executable, str(script)], check=False).returncode != 0
    print(f"{len(scripts) - failed} of {len(scripts)} proof scripts passed")
    return 1 if failed else 0


_INPUT_ERRORS = (ValueError, TypeError, OSError, ImportError, RecursionError, UnicodeError, LookupError)


def main(argv=None) -> int:
    """Entry point: one line on stderr and exit status 2 for bad input, never a traceback (``--debug`` or
    ``SGGD_DEBUG=1`` shows it)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv or os.environ.get("SGGD_DEBUG", "") not in ("", "0")
    argv = [a for a in argv if a != "--debug"]
    try:
        args = _parser().parse_args(argv)
        return {"derive": _derive, "reproduce": _reproduce, "rank-ansatze": _rank_ansatze,
                "prove": _prove}[args.command](args)
    except _UsageError as err:
        print(_one_line(str(err)), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("sggd-sym: interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        if debug:
            raise
        print("sggd-sym: ran out of memory; try a smaller problem", file=sys.stderr)
        return 2
    except SystemExit:
        raise
    except Exception as err:  # noqa: BLE001 - the one top-level handler
        if debug:
            raise
        command = args.command if "args" in locals() else ""
        prefix = f"sggd-sym {command}".strip()
        if isinstance(err, _INPUT_ERRORS) or isinstance(err, SggdError):
            print(_one_line(f"{prefix}: {_describe(err)}"), file=sys.stderr)
            return 2
        print(_one_line(f"{prefix}: internal error {type(err).__name__}: {err} (rerun with --debug or "
                        "SGGD_DEBUG=1 for the traceback, and please report it)"), file=sys.stderr)
        return 1


def _describe(err: BaseException) -> str:
    if isinstance(err, SggdError):
        return str(err)
    if isinstance(err, OSError):
        where = f" {err.filename}" if getattr(err, "filename", None) else ""
        return f"cannot use{where}: {err.strerror or err}"
    if isinstance(err, RecursionError):
        return "the input is nested too deeply to process"
    return f"{type(err).__name__}: {err}"


def _one_line(text: str, limit: int = 2000) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[:limit] + "…"


if __name__ == "__main__":
    raise SystemExit(main())
