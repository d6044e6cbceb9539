#!/usr/bin/env bash
# Runs the patientgen CLI and publishes its --metrics output to node_exporter's textfile collector
# (ops/README.md, "The CLI through node_exporter").
#
#   ops/patientgen-textfile.sh NAME patientgen generate [ARGS...]
#
# Appends `--metrics TMP` to the command, then labels every sample run="NAME" and renames the file
# to $TEXTFILE_DIR/patientgen-NAME.prom in one step (mv within the directory), so node_exporter
# never reads a half-written file and several scheduled runs (one NAME each) share the directory.
# TEXTFILE_DIR defaults to /var/lib/prometheus/node-exporter, the directory Debian's
# prometheus-node-exporter reads. Exits with the command's status; a run that stops before
# generating (invalid scenario) writes no metrics and leaves the previous file in place.
set -uo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 NAME patientgen generate [ARGS...]" >&2
  exit 64
fi
name=$1
shift
if ! [[ $name =~ ^[A-Za-z0-9_.-]+$ ]]; then
  echo "$0: NAME must match [A-Za-z0-9_.-]+, got '$name'" >&2
  exit 64
fi
dir=${TEXTFILE_DIR:-/var/lib/prometheus/node-exporter}
# Temporary files start with a dot and do not end in .prom: node_exporter reads only *.prom.
raw=$(mktemp "$dir/.patientgen-$name.XXXXXX") || exit 73
trap 'rm -f "$raw" "$raw.labelled"' EXIT

"$@" --metrics "$raw"
status=$?

# name{labels} value → name{run="NAME",labels} value; name value → name{run="NAME"} value.
publish() {
  sed -E \
    -e '/^#/b' \
    -e 's/^([a-zA-Z_:][a-zA-Z0-9_:]*)\{/\1{run="'"$name"'",/' \
    -e 't' \
    -e 's/^([a-zA-Z_:][a-zA-Z0-9_:]*) /\1{run="'"$name"'"} /' \
    "$raw" >"$raw.labelled" &&
    chmod 0644 "$raw.labelled" &&
    mv -f "$raw.labelled" "$dir/patientgen-$name.prom"
}

if [ -s "$raw" ] && ! publish; then
  echo "$0: could not publish $dir/patientgen-$name.prom" >&2
  # The run's own failure status wins; a successful run that could not publish exits 74 (EX_IOERR).
  [ "$status" -eq 0 ] && status=74
fi
exit "$status"
