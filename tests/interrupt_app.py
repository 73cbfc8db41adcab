"""The body of ``python -m tests.interrupt_cli`` (see there): writes a few JSON outputs through OutputSet."""
from __future__ import annotations

import json
import os
import sys
import time


def hook(point: str, then=None) -> None:
    """At ``$INTERRUPT_AT``: say READY, call ``then`` and wait for a line on stdin (or for a signal)."""
    if os.environ.get("INTERRUPT_AT") == point:
        print(f"READY {point}", flush=True)
        if then is not None:
            then()
        sys.stdin.readline()


def keras_bar() -> None:
    """An unfinished line on stdout, as Keras' Progbar leaves one mid-epoch."""
    sys.stdout.write("\b" * 10 + "\r 3/10 [=====>........] - loss: 1.2")
    sys.stdout.flush()


hook("startup")  # stands in for a slow `import tensorflow` at the top of a command's module

from shared.run import outputs as _outputs  # noqa: E402
from shared.run.cli import ArgumentParser, bounded_int, output_dir, seed_int  # noqa: E402
from shared.run.cleanup import spawn  # noqa: E402
from shared.run.outputs import OutputSet  # noqa: E402


def main(argv=None) -> int:
    parser = ArgumentParser(prog="python -m tests.interrupt_cli")
    parser.add_argument("--out", type=output_dir, required=True)
    parser.add_argument("--seed", type=seed_int, default=0)
    parser.add_argument("--extra", action="store_true", help="also write extra.json")
    parser.add_argument("--checkpoints", type=bounded_int(0, 20), default=0)
    parser.add_argument("--child", action="store_true", help="start a `sleep 60` child")
    parser.add_argument("--bar", action="store_true", help="draw progress bars")
    while os.environ.get("START_WHEN") and not os.path.exists(os.environ["START_WHEN"]):  # tests/paused.py
        time.sleep(0.02)
    args = parser.parse_args(argv)  # --out is locked here (type=output_dir), before the first line is printed
    print(f"Settings: out={args.out}, seed={args.seed}", flush=True)
    settings = {"extra": args.extra, "checkpoints": args.checkpoints}

    def payload(name: str) -> str:
        return json.dumps({"name": name, "seed": args.seed}) + "\n"

    with OutputSet(args.out, command="python -m tests.interrupt_cli", seed=args.seed, settings=settings) as out:
        out.write_text("a.json", payload("a.json"))
        if args.bar:  # a tqdm bar mid-way on stderr, then (after READY) a Keras-style one on stdout
            from tqdm import tqdm

            tqdm(total=10, file=sys.stderr, disable=False, mininterval=0, leave=False).update(4)
        hook("progress", then=keras_bar if args.bar else None)
        if args.child:
            child = spawn(["sleep", "60"])
            print(f"CHILD {child.pid}", flush=True)
        hook("child")
        with out.atomic("sub/b.json") as tmp:
            with open(tmp, "w", encoding="utf-8") as handle:
                handle.write(payload("sub/b.json")[:5])
                handle.flush()
                hook("writing")
                handle.write(payload("sub/b.json")[5:])
        if args.checkpoints:
            store = out.checkpoints("checkpoints")
            for epoch in range(1, args.checkpoints + 1):
                with store.write(f"epoch-{epoch:03d}") as unit:
                    (unit / "model.json").write_text(payload(f"model {epoch}"), encoding="utf-8")
                    (unit / "state.json").write_text(payload(f"state {epoch}"), encoding="utf-8")
                hook("checkpoint")
        if args.extra:
            out.write_text("extra.json", payload("extra.json"))
        out.results["files"] = 3 if args.extra else 2
        _outputs._commit_hook = lambda point: hook("commit") if point == "first file moved" else None
        hook("staged")
    print(f"wrote {len(out.files)} files", flush=True)
    return 0
