"""PyAirbyte's side of the connector race (bench/cases/connector-race.ts): one `source.read()`.

Why: the race compares our connectorSyncWorkflow with PyAirbyte's own read into its PostgreSQL
cache, so this side must be PyAirbyte's real code path: `get_source(..., local_executable=...)`
(nothing installed, nothing downloaded) and `source.read(cache=PostgresCache(...))`.

Usage (the project venv's python; prints one JSON line on stdout):
  pyairbyte_read.py --url postgresql://u:p@host:port/db --schema S --name NAME \
      --executable PATH --config JSON --streams a,b
Times get_source + read (the connector's discover and read, PyAirbyte's writes and its
finalizing), not `import airbyte` (~5 s a process), then counts the rows of each stream's table.
On any error: one line on stderr and exit code 1.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
import warnings
from urllib.parse import unquote

# No telemetry, no registry download: there is no internet, and none is needed.
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("AIRBYTE_OFFLINE_MODE", "1")
warnings.filterwarnings("ignore")

with contextlib.redirect_stdout(sys.stderr):
    import airbyte as ab
    import sqlalchemy
    from airbyte.caches import PostgresCache


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--schema", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--executable", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--streams", required=True)
    args = parser.parse_args()
    u = sqlalchemy.engine.make_url(args.url)
    streams = [s for s in args.streams.split(",") if s]
    with contextlib.redirect_stdout(sys.stderr):
        cache = PostgresCache(
            host=u.host,
            port=u.port or 5432,
            database=u.database,
            username=unquote(u.username or ""),
            password=unquote(u.password or ""),
            schema_name=args.schema,
            cache_dir=os.environ.get("PYAIRBYTE_CACHE_DIR", ".cache"),
        )
        started = time.perf_counter()
        source = ab.get_source(
            args.name,
            config=json.loads(args.config),
            local_executable=args.executable,
            streams=streams,
        )
        result = source.read(cache=cache, write_strategy="append")
        seconds = time.perf_counter() - started
        rows = {}
        with cache.get_sql_engine().connect() as connection:
            for stream in streams:
                table = cache.processor.get_sql_table_name(stream)
                rows[stream] = connection.execute(
                    sqlalchemy.text(f'select count(*) from "{args.schema}"."{table}"')
                ).scalar_one()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "processed_records": result.processed_records,
                "rows": rows,
            }
        )
    )


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # one line for the benchmark's log, not PyAirbyte's many
        message = getattr(error, "message", None) or str(error)
        print(f"pyairbyte_read: {type(error).__name__}: {message}".splitlines()[0], file=sys.stderr)
        sys.exit(1)
