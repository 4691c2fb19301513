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
import subprocess
import sys
from pathlib import Path

import sympy as sp

from . import experiments, groups, ops

def _swap_group(n: int):
    """``{I, SWAP}`` on two qubits; all qubit permutations on more."""
    return groups.finite([ops.SWAP]) if n == 2 else groups.permutations(n)


GROUPS = {
    "swap": _swap_group,
    "collective": groups.collective_unitary,
    "local": groups.local_unitary,
    "permutations": groups.permutations,
    "u1": groups.u1_charge,
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sggd-sym", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    derive = sub.add_parser("derive", help="derive the twirled observable, residual and penalty of a model")
    derive.add_argument("model", nargs="?", choices=["werner", "hea"],
                        help="werner: Eq. 9 ansatz; hea: hardware-efficient (or give --circuit FILE)")
    derive.add_argument("--circuit", type=Path, default=None,
                        help="a circuit file: .json (sggd_sym format, may include group and observable) or "
                        ".qasm (OpenQASM 2/3, needs the qiskit extra)")
    derive.add_argument("--qubits", type=int, default=2)
    derive.add_argument("--layers", type=int, default=2)
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
    reproduce.add_argument("experiment", nargs="?", default="all", choices=list(experiments.NAMES) + ["all"])
    reproduce.add_argument("--seeds", type=int, default=None, help="number of seeds (default: each experiment's)")
    reproduce.add_argument("--json", action="store_true", help="print one JSON object with the reported figures")
    reproduce.add_argument("--out", type=Path, default=Path("sggd_results"), help="folder for figures")
    reproduce.add_argument("--no-progress", action="store_true", help="hide progress bars")
    reproduce.add_argument("--scheduler", default=None, metavar="ADDRESS",
                           help="run sweeps on a Dask distributed cluster (e.g. tcp://host:8786); needs sggd_sym[dask]")
    reproduce.add_argument("--workers", type=int, default=None,
                           help="local worker processes for sweeps (default: the number of CPUs)")

    prove = sub.add_parser("prove", help="run the exact proofs in proofs/ (one line per claim)")
    prove.add_argument("names", nargs="*", help="proof names (file stems); default: all")
    return parser


def _derive(args) -> int:
    from .exceptions import SggdError

    try:
        return _derive_checked(args)
    except (SggdError, ImportError) as err:
        print(f"sggd-sym derive: {err}", file=sys.stderr)
        return 2


def _derive_checked(args) -> int:
    circuit, observable, group = _derive_problem(args)
    fmt = "json" if args.json else "latex" if args.latex else "text"
    cache = key = None
    if not args.no_cache:
        from .cache import DerivationCache, problem_key

        cache = DerivationCache(args.cache_dir)
        key = problem_key(circuit, observable, group)
        text = cache.rendered(key, fmt)
        if text is not None:
            print(text)
            return 0
    text = _render(circuit, observable, group, fmt, cache, key)
    if cache is not None:
        cache.store_rendered(key, fmt, text)
    print(text)
    return 0


def _derive_problem(args):
    """``(circuit, observable, group)`` from a built-in model or a ``--circuit`` file."""
    import sggd_sym as sg
    from .exceptions import InputValueError

    if (args.model is None) == (args.circuit is None):
        raise InputValueError("give either a model (werner, hea) or --circuit FILE, not both or neither")
    if args.model == "werner":
        circuit = sg.circuits.werner_ansatz()
        observable = sg.ops.SWAP if args.observable is None else sg.ops.pauli_sum(args.observable, 2)
        return circuit, observable, GROUPS[args.group or "collective"](2)
    if args.model == "hea":
        circuit = sg.circuits.hardware_efficient(args.qubits, args.layers)
        observable = sg.ops.pauli_sum(args.observable or "Z0", args.qubits)
        return circuit, observable, GROUPS[args.group or "swap"](args.qubits)
    from .circuit_json import observable_from_text, read_problem

    problem = read_problem(args.circuit)
    n = problem.circuit.n_qubits
    if args.observable is not None:
        observable = observable_from_text(args.observable, n, "--observable")
    else:
        observable = problem.observable if problem.observable is not None else sg.ops.pauli_sum("Z0", n)
    if args.group is not None:
        group = GROUPS[args.group](n)
    else:
        group = problem.group if problem.group is not None else GROUPS["swap"](n)
    return problem.circuit, observable, group


def _render(circuit, observable, group, fmt: str, cache=None, key=None) -> str:
    import sggd_sym as sg

    if cache is not None:
        twirled = cache.twirled_observable(circuit, observable, group, key=key)
    else:
        twirled = sg.twirled_observable(circuit, observable, group)
    penalty = sg.penalties.penalty_from(twirled)
    out = {
        "parameters": [str(p) for p in circuit.parameters],
        "unused_parameters": [str(p) for p in penalty.unused_parameters],
        "group": group.name,
        "twirled_observable": twirled.twirled_matrix(),
        "residual": twirled.residual_matrix(),
        "penalty": penalty.expr,
    }
    if fmt == "json":
        return json.dumps({k: (str(v) if not isinstance(v, list) else v) for k, v in out.items()})
    if fmt == "latex":
        return "\n".join(f"% {key}\n{sp.latex(out[key])}" for key in ("twirled_observable", "residual", "penalty"))
    return "\n".join(f"{key}: {sp.pretty(value) if isinstance(value, sp.Basic) else value}"
                     for key, value in out.items())


def _reproduce(args) -> int:
    names = experiments.available() if args.experiment == "all" else [args.experiment]
    if args.experiment != "all" and args.experiment not in experiments.available():
        print(f"sggd-sym reproduce: experiment {args.experiment!r} is not implemented yet; available: "
              f"{', '.join(experiments.available()) or '(none)'}", file=sys.stderr)
        return 2
    if args.seeds is not None and args.seeds < 1:
        print("sggd-sym reproduce: --seeds must be >= 1", file=sys.stderr)
        return 2
    results = {}
    for name in names:
        module = experiments.load(name)
        progress = not args.no_progress and not args.json and sys.stderr.isatty()
        options = {"scheduler": args.scheduler, "workers": args.workers}
        accepted = inspect.signature(module.run).parameters
        extra = {k: v for k, v in options.items() if v is not None and k in accepted}
        result = module.run(seeds=args.seeds, outdir=args.out / name, progress=progress, **extra)
        results[name] = result
        if not args.json:
            print(module.format_report(result))
    if args.json:
        print(json.dumps(results[names[0]] if len(names) == 1 else {"experiments": list(results.values())}))
    return 0


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


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    return {"derive": _derive, "reproduce": _reproduce, "prove": _prove}[args.command](args)


if __name__ == "__main__":
    raise SystemExit(main())
