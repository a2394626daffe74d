#!/usr/bin/env bash
# Set up the peer X12 parsers that benchmarks/edi_bench.py compares medbill with, each in its own
# virtual environment under benchmarks/.peers/ (git-ignored). They are never medbill dependencies.
#
#   bash benchmarks/peers.sh            # create or update both
#   PYTHON=python3.11 bash benchmarks/peers.sh
#
# * lfh:   LinuxForHealth x12 (pydantic models); it needs pydantic 1, so it cannot share medbill's venv.
# * oxedi: a compiled (Rust) 835 parser.
# pyx12 is already in medbill's locked dev set (tests use it as an independent oracle).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
peers="$here/.peers"
python="${PYTHON:-python3}"
mkdir -p "$peers"

make_venv() {  # name, packages...
    local name="$1"; shift
    local venv="$peers/$name-venv"
    [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install -q --upgrade pip
    "$venv/bin/python" -m pip install -q "$@"
    echo "$name: $("$venv/bin/python" -m pip list 2>/dev/null | grep -i -E "^($name|linuxforhealth-x12|oxedi|pydantic) " | tr -s ' ' | paste -sd ';')"
}

make_venv lfh linuxforhealth-x12 'pydantic<2'
make_venv oxedi oxedi
