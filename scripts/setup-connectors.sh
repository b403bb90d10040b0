#!/usr/bin/env bash
# Installs the real Airbyte sources that the connector tests of issue 16 run, each into its own
# venv under .venv-connectors/ (their dependencies conflict with each other and with source-faker
# and PyAirbyte in .venv; see docs/research/connectors.md):
#   source-file                  airbyte-source-file 0.5.39 (newer ones do not install: they pin
#                                smart-open[all] to their own version number, which does not exist)
#   source-declarative-manifest  airbyte-source-declarative-manifest 6.5.2 (airbyte-cdk 6.5.2)
#   source-s3                    airbyte-source-s3 4.14.2 (same packaging bug from 4.15.0 on)
#   source-hardcoded-records     airbyte-source-hardcoded-records 0.0.48 (airbyte-cdk 7.39.1, whose
#                                own source-declarative-manifest lands in the same bin/)
#   moto                         moto[server] 5.2.5: moto_server, a local S3, and boto3
# Every transitive version is pinned by scripts/connectors/NAME.constraints.txt.
# uv (pinned, from PyPI, into .venv-connectors/.uv) installs them, 15x faster than pip here (all
# five from scratch: 134 s instead of 2,092 s on the loaded 2-core machine). Without uv (no wheel
# for the platform), pip does the same work.
#
# Usage: bash scripts/setup-connectors.sh [NAME ...]   (default: all five)
# Prints one line per connector: NAME=PATH-OF-ITS-EXECUTABLE.
# Idempotent: a stamp in each venv records what was installed; a second run only compares stamps.
# A failed install is an error (exit 1) and leaves no stamp, so the next run tries it again.
# Env: PYTHON           interpreter that creates the venvs (default python3; 3.10 or 3.11:
#                       airbyte-source-file needs <3.12)
#      CONNECTORS_VENV  where the venvs go (default .venv-connectors, in the project root)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=${CONNECTORS_VENV:-.venv-connectors}
python=${PYTHON:-python3}

# name | pip requirement | executable in bin/
all=(
  "source-file|airbyte-source-file==0.5.39|source-file"
  "source-declarative-manifest|airbyte-source-declarative-manifest==6.5.2|source-declarative-manifest"
  "source-s3|airbyte-source-s3==4.14.2|source-s3"
  "source-hardcoded-records|airbyte-source-hardcoded-records==0.0.48|source-hardcoded-records"
  "moto|moto[server]==5.2.5|moto_server"
)

wanted=("$@")
if ((${#wanted[@]} == 0)); then
  for entry in "${all[@]}"; do wanted+=("${entry%%|*}"); done
fi

lookup() { # name -> its entry, or an error naming the known ones
  local entry
  for entry in "${all[@]}"; do
    [[ ${entry%%|*} == "$1" ]] && { echo "$entry"; return 0; }
  done
  echo "setup-connectors: unknown connector '$1' (known: $(printf '%s ' "${all[@]%%|*}"))" >&2
  return 1
}

python_version=$("$python" --version 2>&1)
UV_VERSION=0.13.8
# uv verifies TLS with the system's certificates, like pip here (PIP_CERT), not its own bundle.
export UV_NATIVE_TLS=1

uv=""
ensure_uv() { # sets $uv to a working uv, or leaves it empty (then pip installs)
  local home="$root/.uv"
  if [[ ! -x $home/bin/uv || "$("$home/bin/uv" --version 2>/dev/null)" != "uv $UV_VERSION"* ]]; then
    rm -rf "$home"
    "$python" -m venv "$home" &&
      "$home/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
        "uv==$UV_VERSION" >&2 ||
      echo "setup-connectors: uv $UV_VERSION could not be installed; using pip" >&2
  fi
  [[ -x $home/bin/uv ]] && uv="$home/bin/uv"
  return 0
}

install_one() { # name requirement executable
  local name=$1 requirement=$2 executable=$3
  local venv="$root/$name" constraints="scripts/connectors/$name.constraints.txt"
  local stamp="$venv/.setup-connectors.stamp"
  local want
  want="$python_version $requirement $(sha256sum "$constraints" | cut -c1-16)"
  if [[ -x $venv/bin/$executable && -f $stamp && "$(cat "$stamp")" == "$want" ]]; then
    return 0
  fi
  echo "setup-connectors: installing $requirement into $venv" >&2
  rm -rf "$venv"
  local started=$SECONDS
  # The constraints pin every transitive version, so the resolver does not backtrack through
  # the connectors' releases (an unconstrained pip install of source-s3 took 8 minutes doing that).
  [[ -n $uv ]] || ensure_uv
  if [[ -n $uv ]]; then
    "$uv" venv --quiet --python "$python" "$venv" >&2
    "$uv" pip install --quiet --python "$venv/bin/python" -c "$constraints" "$requirement" >&2
  else
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
      -c "$constraints" "$requirement" >&2
  fi
  [[ -x $venv/bin/$executable ]] || {
    echo "setup-connectors: $requirement installed no bin/$executable" >&2
    return 1
  }
  echo "setup-connectors: $name ready in $((SECONDS - started)) s ($(du -sh "$venv" | cut -f1))" >&2
  echo "$want" >"$stamp"
}

for name in "${wanted[@]}"; do
  entry=$(lookup "$name")
  IFS='|' read -r _ requirement executable <<<"$entry"
  install_one "$name" "$requirement" "$executable"
  echo "$name=$PWD/$root/$name/bin/$executable"
done
