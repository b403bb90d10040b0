"""Drive PyAirbyte's own SQL state backend against a PostgreSQL schema, for interop tests.

Why: our library promises that PyAirbyte and it can share one database (spec section 5).
The TypeScript tests and benchmarks run this CLI as a subprocess so that the "PyAirbyte side"
of every interop check is PyAirbyte's real code (SqlStateBackend, SqlStateWriter,
StaticInputState on a PostgresConfig), not our reading of it.

Usage (run with the project venv's python; JSON on stdin, JSON on stdout):
  pyairbyte_state.py --url postgresql://u:p@host:port/db --schema S ensure-tables
  pyairbyte_state.py ... write --source S [--destination D] [--table-prefix P]  < message(s)
  pyairbyte_state.py ... read  --source S [--destination D] [--table-prefix P] [--streams a,b]
  pyairbyte_state.py ... bench-write --source S --n N [--streams K]
  pyairbyte_state.py version
--url/--schema may also come from PYAIRBYTE_STATE_URL / PYAIRBYTE_STATE_SCHEMA.
On any error: one line on stderr and exit code 1 (2 for bad arguments).
`read` prints "messages" as json.loads of PyAirbyte's model_dump_json(), so a key that PyAirbyte
emits twice (it does, for "global_") collapses; "state_file" is PyAirbyte's text, verbatim.
Each call pays ~5 s for `import airbyte`: batch messages into one `write` where you can.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
import warnings
from urllib.parse import quote

# PyAirbyte prints a telemetry notice to stdout and phones home unless told not to.
os.environ.setdefault("DO_NOT_TRACK", "1")
warnings.filterwarnings("ignore")
try:
    with contextlib.redirect_stdout(sys.stderr):
        import sqlalchemy
        from airbyte._processors.sql.postgres import PostgresConfig
        from airbyte.caches._state_backend import SqlStateBackend
        from airbyte_protocol.models import AirbyteStateMessage
except ImportError as import_error:
    sys.exit(
        f"pyairbyte_state: cannot import PyAirbyte ({import_error}); "
        "run: .venv/bin/pip install -r scripts/requirements-pyairbyte.txt"
    )


class CliError(Exception):
    """A user-facing error: bad input, or PyAirbyte refused the operation."""


def describe(e: Exception) -> str:
    """Name an exception in one line; PyAirbyte's own str() repeats itself over many lines."""
    message, context = getattr(e, "message", None), getattr(e, "context", None)
    if message is None:
        return f"{type(e).__name__}: {e}"
    return f"{type(e).__name__}: {message}" + (f" {context}" if context else "")


def make_config(url: str, schema: str) -> PostgresConfig:
    """Build PyAirbyte's PostgresConfig (the SqlConfig its PostgresCache uses) from a URL."""
    u = sqlalchemy.engine.make_url(url)
    if not u.host or not u.database or not u.username:
        raise CliError(f"--url must name host, user and database, got {u!r}")
    # PostgresConfig pastes these into a URL unescaped, so escape them ourselves.
    return PostgresConfig(
        host=u.host,
        port=u.port or 5432,
        database=u.database,
        username=quote(u.username, safe=""),
        password=quote(u.password or "", safe=""),
        schema_name=schema,
    )


def read_messages(text: str) -> list[AirbyteStateMessage]:
    """Parse one AirbyteStateMessage or a JSON array of them with PyAirbyte's own model."""
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as e:
        raise CliError(f"stdin is not JSON: {e}") from e
    items = payload if isinstance(payload, list) else [payload]
    if not items:
        raise CliError("stdin holds an empty array: expected at least one state message")
    try:
        return [AirbyteStateMessage.model_validate(item) for item in items]
    except Exception as e:
        raise CliError(f"not an AirbyteStateMessage: {' '.join(str(e).split())}") from e


def cmd_ensure_tables(config: PostgresConfig, _args: argparse.Namespace) -> dict:
    # PyAirbyte's cache creates its schema before any table; the backend assumes it exists.
    with config.get_sql_engine().begin() as conn:
        conn.execute(sqlalchemy.text(f'CREATE SCHEMA IF NOT EXISTS "{config.schema_name}"'))
    SqlStateBackend(config)._ensure_internal_tables()  # noqa: SLF001 - what every write runs
    return {"schema": config.schema_name, "tables": ["_airbyte_state", "_airbyte_destination_state"]}


def cmd_write(config: PostgresConfig, args: argparse.Namespace) -> dict:
    messages = read_messages(sys.stdin.read())
    backend = SqlStateBackend(config, table_prefix=args.table_prefix)
    writer = backend.get_state_writer(args.source, destination_name=args.destination)
    written: list[str] = []
    for i, msg in enumerate(messages):
        try:
            writer.write_state(msg)
        except Exception as e:
            raise CliError(
                f"PyAirbyte failed on message {i + 1} of {len(messages)} "
                f"({len(written)} written before it): {describe(e)}"
            ) from e
        written.append(msg.model_dump_json())  # exactly what PyAirbyte stored in state_json
    return {"written": len(written), "state_json": written}


def cmd_read(config: PostgresConfig, args: argparse.Namespace) -> dict:
    streams = [s for s in args.streams.split(",") if s] if args.streams else None
    backend = SqlStateBackend(config, table_prefix=args.table_prefix)
    try:
        provider = backend.get_state_provider(
            args.source,
            table_prefix=args.table_prefix,
            streams_filter=streams,
            destination_name=args.destination,
        )
    except Exception as e:
        raise CliError(f"PyAirbyte read failed: {describe(e)}") from e
    return {
        "messages": [json.loads(m.model_dump_json()) for m in provider.state_message_artifacts],
        "state_file": provider.to_state_input_file_text(),
        "known_stream_names": sorted(provider.known_stream_names),
    }


def cmd_bench_write(config: PostgresConfig, args: argparse.Namespace) -> dict:
    if args.n < 1 or args.streams < 1:
        raise CliError(f"--n and --streams must be >= 1, got {args.n} and {args.streams}")
    backend = SqlStateBackend(config)
    backend._ensure_internal_tables()  # noqa: SLF001 - connect and create before the clock starts
    writer = backend.get_state_writer(args.source)
    messages = [
        AirbyteStateMessage.model_validate({"type": "STREAM", "stream": {
            "stream_descriptor": {"name": f"bench_{i % args.streams}"},
            "stream_state": {"cursor": i},
        }})
        for i in range(args.n)
    ]
    start = time.perf_counter()
    for msg in messages:
        writer.write_state(msg)
    seconds = time.perf_counter() - start
    return {"n": args.n, "streams": args.streams, "seconds": seconds, "writes_per_second": args.n / seconds}


def cmd_version(_config: None, _args: argparse.Namespace) -> dict:
    from importlib.metadata import version

    pkgs = ["airbyte", "airbyte-protocol-models-pdv2", "sqlalchemy", "psycopg2-binary"]
    return {pkg: version(pkg) for pkg in pkgs}


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", default=os.environ.get("PYAIRBYTE_STATE_URL"), help="PostgreSQL URL")
    p.add_argument("--schema", default=os.environ.get("PYAIRBYTE_STATE_SCHEMA"), help="schema")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("ensure-tables").set_defaults(fn=cmd_ensure_tables)
    for name, fn in (("write", cmd_write), ("read", cmd_read)):
        sp = sub.add_parser(name)
        sp.set_defaults(fn=fn)
        sp.add_argument("--source", required=True)
        sp.add_argument("--destination", default=None)
        sp.add_argument("--table-prefix", default="")
        if name == "read":
            sp.add_argument("--streams", default=None, help="comma-separated stream names")
    bp = sub.add_parser("bench-write")
    bp.set_defaults(fn=cmd_bench_write)
    bp.add_argument("--source", required=True)
    bp.add_argument("--n", type=int, required=True)
    bp.add_argument("--streams", type=int, default=10, help="distinct streams to cycle through")
    sub.add_parser("version").set_defaults(fn=cmd_version)
    return p.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    config = None
    try:
        if args.command != "version":
            if not args.url or not args.schema:
                raise CliError("--url and --schema are required (or PYAIRBYTE_STATE_URL/_SCHEMA)")
            config = make_config(args.url, args.schema)
        with contextlib.redirect_stdout(sys.stderr):  # keep stdout pure JSON
            result = args.fn(config, args)
    except Exception as e:  # noqa: BLE001 - the contract is one line on stderr
        msg = str(e) if isinstance(e, CliError) else describe(e)
        print(f"pyairbyte_state {args.command}: {' '.join(msg.split())}", file=sys.stderr)
        return 1
    finally:
        if config is not None:
            config.dispose_engine()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
