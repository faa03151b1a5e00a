#!/bin/sh
# HealOps demo / stats: demo-stats
# A stats job: only its perfdata matters, HealOps stores each item as a metric. Counts its own runs in the state
# folder, and reports whether the demo service is up.
# Perfdata: runs (c, a counter that only grows), service_up (1/0), state_files (files in the state folder).

LC_ALL=C
export LC_ALL
PATH="${PATH:+$PATH:}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
export PATH

unknown() {
  printf 'DEMO STATS UNKNOWN - %s\n' "$*"
  exit 3
}

state=${HEALOPS_STATE_DIR:-}
[ -n "$state" ] || unknown "HEALOPS_STATE_DIR is not set (HealOps sets it; by hand: HEALOPS_STATE_DIR=\$(mktemp -d) $0)"
[ -d "$state" ] || unknown "state folder $state does not exist"

counter="$state/demo-stats.runs"
runs=$(sed -n '1p' "$counter" 2>/dev/null)
case $runs in '' | *[!0-9]*) runs=0 ;; esac
runs=$((runs + 1))
printf '%s\n' "$runs" >"$counter" || unknown "cannot write $counter"

up=0
[ -f "$state/demo-service.running" ] && up=1
files=$(find "$state" -type f 2>/dev/null | wc -l | tr -d ' ')
printf "DEMO STATS OK - run %s, demo service %s | 'runs'=%sc;;;0 'service_up'=%s;;;0;1 'state_files'=%s;;;0\n" \
  "$runs" "$([ "$up" = 1 ] && echo up || echo down)" "$runs" "$up" "$files"
exit 0
