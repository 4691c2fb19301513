"""Command line ``sggd-sym``: ``derive``, ``reproduce``, ``prove``.

``derive`` prints exact closed forms for a built-in model or a circuit file (``--circuit``: the JSON
format of :mod:`sggd_sym.circuit_json` or OpenQASM), cached on disk (:mod:`sggd_sym.cache`);
``reproduce`` runs the paper's experiments (``--json`` prints one JSON object, ``--seeds N`` overrides
the seed count); ``prove`` runs the symbolic proofs of ``proofs/`` and prints one line per claim.
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
from pathlib import Path

import sympy as sp

from . import experiments, groups
from .exceptions import SggdError

GROUPS = groups.NAMED


#: Bounds of the command-line arguments, checked before any work (no argument makes the CLI hang).
MAX_LAYERS = 100
MAX_SEEDS = 100_000
MAX_WORKERS = 256


class _UsageError(Exception):
    """A command-line usage error (argparse's message), printed as one line with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line instead of argparse's usage block
        raise _UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


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
    from .circuit_json import MAX_QUBITS

    parser = _Parser(prog="sggd-sym", description=__doc__.splitlines()[0])
    from . import __version__

    parser.add_argument("--version", action="version", version=f"sggd-sym {__version__}")
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks (also: SGGD_DEBUG=1)")
    sub = parser.add_subparsers(dest="command", required=True)

    derive = sub.add_parser("derive", help="derive the twirled observable, residual and penalty of a model")
    derive.add_argument("model", nargs="?", choices=["werner", "hea"],
                        help="werner: Eq. 9 ansatz; hea: hardware-efficient (or give --circuit FILE)")
    derive.add_argument("--circuit", type=Path, default=None,
                        help="a circuit file: .json (sggd_sym format, may include group and observable) or "
                        ".qasm (OpenQASM 2/3, needs the qiskit extra)")
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
    fmt.add_argument("--json", action="store_true", help="print one JSON object")
    derive.add_argument("--no-cache", action="store_true", help="derive afresh; neither read nor write the cache")
    derive.add_argument("--cache-dir", type=Path, default=None,
                        help="cache folder (default: $SGGD_SYM_CACHE_DIR or ~/.cache/sggd_sym)")

    reproduce = sub.add_parser("reproduce", help="reproduce the paper's experiments")
    reproduce.add_argument("experiment", nargs="?", default="all", choices=list(experiments.NAMES) + ["all"],
                           help="E1 werner, E2 circle and its c4 variant, E3 postprocessing, E4 hamming, or all "
                                "(default: all)")
    reproduce.add_argument("--seeds", type=_bounded_int("--seeds", 1, MAX_SEEDS), default=None,
                           help="number of seeds (default: each experiment's)")
    reproduce.add_argument("--json", action="store_true", help="print one JSON object with the reported figures")
    reproduce.add_argument("--out", type=Path, default=Path("sggd_results"), help="folder for figures")
    reproduce.add_argument("--no-progress", action="store_true", help="hide progress bars")
    reproduce.add_argument("--scheduler", default=None, metavar="ADDRESS",
                           help="run sweeps on a Dask distributed cluster (e.g. tcp://host:8786); needs sggd_sym[dask]")
    reproduce.add_argument("--workers", type=_bounded_int("--workers", 1, MAX_WORKERS), default=None,
                           help="local worker processes for sweeps (default: the number of CPUs)")

    prove = sub.add_parser("prove", help="run the exact proofs in proofs/ (one line per claim)")
    prove.add_argument("names", nargs="*", help="proof names (file stems); default: all")
    return parser


def _derive(args) -> int:
    circuit, observable, group = _derive_problem(args)
    fmt = "json" if args.json else "latex" if args.latex else "text"
    cache = None
    if not args.no_cache:
        from .cache import DerivationCache

        cache = DerivationCache(args.cache_dir)
    # the printed text is always rendered from a derivation: fresh, or a cache entry that passed its checks
    print(_render(circuit, observable, group, fmt, cache))
    return 0


def _derive_problem(args):
    """``(circuit, observable, group)`` from a built-in model or a ``--circuit`` file."""
    import sggd_sym as sg
    from .exceptions import InputValueError

    if (args.model is None) == (args.circuit is None):
        raise InputValueError("give either a model (werner, hea) or --circuit FILE, not both or neither")
    from .circuit_json import observable_from_text, read_problem

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
    return "\n".join(f"{key}: {sp.pretty(value) if isinstance(value, sp.Basic) else value}"
                     for key, value in out.items())


def _reproduce(args) -> int:
    from .exceptions import InputValueError

    names = experiments.available() if args.experiment == "all" else [args.experiment]
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
    from .exceptions import InputValueError

    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=folder, prefix=".sggd_write_test_", delete=True)
        probe.write(b"ok")
        probe.close()
    except OSError as err:
        raise InputValueError(f"reproduce: --out {folder} is not a writable folder ({err.strerror or err}); "
                              "choose another folder with --out DIR") from None


def _move_figures(stage: Path, final: Path) -> None:
    from .exceptions import InputValueError

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
        return {"derive": _derive, "reproduce": _reproduce, "prove": _prove}[args.command](args)
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
