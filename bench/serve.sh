#!/bin/sh
# serve.sh — one componentize-js wasi:http handler (tests/js/serve.js:
# addEventListener('fetch'), GET /hello answered from the request) served
# on loopback by `wippy wasm serve` (a fresh instance per request, 2
# server threads) and by `jco serve` (node; its one instance, then with
# --isolate-requests instance: a fresh instance per request, as wippy, and
# --isolate-requests worker: a fresh worker per request, 50 prewarmed), each
# under `wrk -t2 -c16 -dDURATION --latency` in the same run: requests/s,
# p50 and p99 latency, errors and non-2xx answers, and wippy's RSS before
# and after. (A StarlingMonkey handler answers one fetch event per
# instance: under plain `jco serve` the requests after the first fail.)
# Figures only, never asserted; measure a plain build.
# Usage: bench/serve.sh WIPPY SERVE.wasm [DURATION]   (as `make bench-serve`)
set -eu

usage="usage: $0 path/to/wippy path/to/serve.wasm [duration, default 10s]"
wippy=${1:?$usage}
comp=${2:?$usage}
duration=${3:-10s}
command -v wrk >/dev/null 2>&1 || { echo "$0: wrk is missing (Debian: apt-get install wrk)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/wippy-bench-serve-XXXXXX)
server=
cleanup() {
    [ -n "$server" ] && kill -TERM "-$server" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits until http://127.0.0.1:$1/hello answers (up to 120 s: jco transpiles first).
wait_up() {
    i=0
    until curl -sf -o /dev/null "http://127.0.0.1:$1/hello?q=up"; do
        i=$((i + 1))
        [ $i -lt 1200 ] || { echo "$0: no answer on port $1" >&2; cat "$tmp/err" >&2; exit 1; }
        sleep 0.1
    done
}

rss() {   # RSS in MiB of the process $1
    awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"
}

# Runs wrk against port $1 and prints one table row named $2.
measure() {
    wrk -t2 -c16 -d"$duration" --latency "http://127.0.0.1:$1/hello?q=bench" >"$tmp/wrk" 2>&1 || true
    awk -v name="$2" '
        /Requests\/sec:/ { rps = $2 }
        /^ +50%/ { p50 = $2 }
        /^ +99%/ { p99 = $2 }
        /requests in/ { total = $1 }
        /Socket errors:/ { errs = $0; sub(/^ *Socket errors: */, "", errs) }
        /Non-2xx or 3xx responses:/ { non2xx = $NF }
        END {
            printf "| %s | %s | %s | %s | %s | %s | %s |\n", name, rps, p50, p99, total,
                   errs == "" ? "none" : errs, non2xx == "" ? 0 : non2xx
        }' "$tmp/wrk"
}

# Starts a server (its own process group, so it and its children end together).
start() {
    setsid "$@" >"$tmp/out" 2>"$tmp/err" &
    server=$!
}

stop() {
    kill -TERM "-$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=
}

echo "component: $comp ($(stat -c %s "$comp") bytes); wrk -t2 -c16 -d$duration, GET /hello?q=bench"
echo "| server | requests/s | p50 | p99 | requests | socket errors | non-2xx |"
echo "| --- | --- | --- | --- | --- | --- | --- |"

port=$(free_port)
start "$wippy" wasm serve "$comp" --addr "127.0.0.1:$port" --workers 2
wait_up "$port"
before=$(rss "$server")
measure "$port" "wippy wasm serve --workers 2"
after=$(rss "$server")
stop

port=$(free_port)
start npx jco serve "$comp" --host 127.0.0.1 --port "$port"
wait_up "$port"
measure "$port" "jco serve"
stop

for mode in instance worker; do
    port=$(free_port)
    start npx jco serve "$comp" --host 127.0.0.1 --port "$port" --isolate-requests "$mode"
    wait_up "$port"
    measure "$port" "jco serve --isolate-requests $mode"
    stop
done

echo "wippy wasm serve RSS: $before MiB before wrk, $after MiB after"
