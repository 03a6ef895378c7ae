#!/usr/bin/env bash
# Installs every dependency poolbench needs, from Debian's packages and npm.
# Idempotent: when everything is present it only checks (a few seconds).
# usage: scripts/setup.sh [--postgres]
#   --postgres  also psycopg, the driver of a PostgreSQL history
#               (HISTORY=postgresql://...; make setup-postgres, make test)
set -euo pipefail
cd "$(dirname "$0")/.."

postgres=0
for arg in "$@"; do
  case $arg in
    --postgres) postgres=1 ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup: unknown option '${arg//[^[:print:]]/?}' (try --help)" >&2; exit 2 ;;
  esac
done

# Debian package -> a file whose presence proves it is installed (fast check,
# no dpkg query per package).
declare -A PROBE=(
  [cmake]=/usr/bin/cmake
  [g++]=/usr/bin/g++
  [libbenchmark-dev]=/usr/include/benchmark/benchmark.h
  [libtbb-dev]=/usr/include/oneapi/tbb.h
  [libcjson-dev]=/usr/include/cjson/cJSON.h
  [gnuplot-nox]=/usr/bin/gnuplot
  [emscripten]=/usr/bin/emcc
  [chromium]=/usr/bin/chromium
  [firefox-esr]=/usr/bin/firefox-esr
  [nodejs]=/usr/bin/node
  [npm]=/usr/bin/npm
  [python3-dev]=/usr/bin/python3-config
  [pkg-config]=/usr/bin/pkg-config
  # make bench-grid's test: a local Selenium Grid (its jar comes from npm)
  # runs on Java 17 and drives Chromium through Debian's chromedriver.
  [openjdk-17-jre-headless]=/usr/lib/jvm/java-17-openjdk-$(dpkg --print-architecture)/bin/java
  [chromium-driver]=/usr/bin/chromedriver
)
# Debian's psycopg 3 is for its own interpreter (/usr/bin/python3): the
# history finds it there from another one (history/backends.py).
if ((postgres)); then
  PROBE[python3-psycopg]=/usr/lib/python3/dist-packages/psycopg/__init__.py
fi

missing=()
for pkg in "${!PROBE[@]}"; do
  [[ -e "${PROBE[$pkg]}" ]] || missing+=("$pkg")
done
# Node may come from elsewhere than Debian; accept any node/npm on PATH.
if command -v node >/dev/null; then missing=("${missing[@]/nodejs}"); fi
if command -v npm >/dev/null; then missing=("${missing[@]/npm}"); fi
# A user's own emsdk on PATH wins over Debian's emscripten.
if command -v emcc >/dev/null; then missing=("${missing[@]/emscripten}"); fi
# chromedriver drives only the Chromium of its own version: when an upgrade
# parted the two, both are installed again (apt brings them to one version).
if [[ -e /usr/bin/chromedriver && -e /usr/bin/chromium ]] \
   && [[ $(dpkg-query -W -f '${Version}' chromium 2>/dev/null) != $(dpkg-query -W -f '${Version}' chromium-driver 2>/dev/null) ]]; then
  missing+=(chromium chromium-driver)
fi
read -r -a missing <<<"${missing[*]}"

if ((${#missing[@]})); then
  cmd="apt-get install -y --no-install-recommends ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: missing packages: ${missing[*]}" >&2
    echo "setup: run as root: apt-get update && $cmd" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || { echo "setup: apt-get update failed" >&2; exit 1; }
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends ${missing[*]} >/dev/null \
    || { echo "setup: '$cmd' failed" >&2; exit 1; }
fi

# npm packages, pinned by the committed package-lock.json.
# pymport (CPython embedded in Node.js) is compiled here against Debian's
# libpython (pkg-config python3-embed), never downloaded prebuilt (it would
# try, and fail offline). node-gyp runs gyp with Debian's python3, not one a
# version manager put first on PATH. package.json's overrides pin its
# node-addon-api to 7.x: 8.x needs C++17 and pymport compiles as C++14.
PYMPORT_BINARY=node_modules/pymport/lib/binding/linux-x64/pymport.node
if [[ -f package-lock.json ]]; then
  if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]] \
     || [[ ! -f $PYMPORT_BINARY ]]; then
    echo "setup: npm ci (builds pymport from source, ~15 s)"
    npm_config_build_from_source=pymport npm_config_python=/usr/bin/python3 \
      npm ci --no-audit --no-fund --loglevel=error >/dev/null \
      || { echo "setup: 'npm ci' failed" >&2; exit 1; }
  fi
fi
echo "setup: all dependencies present"
