#!/bin/sh
# Generates the shipped Swedish voice clips from texts.tsv (name<TAB>text) with Debian's espeak-ng and sox:
# 8 kHz mono 16-bit PCM WAV, the telephone's own bandwidth, silence trimmed and a short pause after each clip so
# clips joined into one sentence sound spoken. A clinic may replace any clip with a recording of the same name
# and format. Usage: src/telephony/clips/generate.sh [folder]   (default: the sv folder beside this script)
set -eu
dir=${1:-$(dirname "$0")/sv}
texts=$(dirname "$0")/sv/texts.tsv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tab=$(printf '\t')
while IFS="$tab" read -r name text; do
  [ -n "$name" ] || continue
  espeak-ng -v sv -s 175 -w "$tmp/raw.wav" "$text"
  # Trim leading and trailing silence, then pad: 0.12 s after words, 0.35 s after sentences.
  case "$text" in *.) pause=0.35 ;; *) pause=0.12 ;; esac
  sox "$tmp/raw.wav" -r 8000 -c 1 -b 16 -e signed-integer "$dir/$name.wav" \
    silence 1 0.01 0.5% reverse silence 1 0.01 0.5% reverse pad 0 "$pause"
done < "$texts"
echo "generated $(grep -c . "$texts") clips in $dir"
