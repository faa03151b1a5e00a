#!/bin/sh
# HealOps linux-base / process
# Is a named process running? Reads /proc directly (no pgrep/ps needed).
#
# Params (env HEALOPS_PARAM_*):
#   PROCESS      process name, matched exactly against /proc/PID/comm like `pgrep -x` (the kernel keeps the first
#                15 characters of a name, so longer names are compared on those). Unset or empty: the init
#                process (PID 1), which exists on every Linux machine - configure this to watch a real service.
#   PROCESS_MIN  critical when fewer matching processes run (default 1)
#   PROCESS_MAX  warn when more matching processes run (default: no upper limit)
# Perfdata: processes (count) with warn = max, crit = "min:".

LC_ALL=C
export LC_ALL
PATH="${PATH:+$PATH:}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
export PATH

unknown() {
  printf 'PROCS UNKNOWN - %s\n' "$*"
  exit 3
}

is_count() {
  case $1 in
  '' | *[!0-9]*) return 1 ;;
  esac
  return 0
}

name=${HEALOPS_PARAM_PROCESS:-}
min=${HEALOPS_PARAM_PROCESS_MIN:-1}
max=${HEALOPS_PARAM_PROCESS_MAX:-}

is_count "$min" || unknown "param process_min must be a whole number, got '$min'"
if [ -n "$max" ]; then
  is_count "$max" || unknown "param process_max must be a whole number, got '$max'"
  [ "$max" -ge "$min" ] || unknown "param process_max ($max) is below process_min ($min)"
fi
[ -r /proc/1/stat ] || unknown "/proc is not mounted or not readable"

if [ -z "$name" ]; then
  what="init process (PID 1)"
  comm=$(cat /proc/1/comm 2>/dev/null) || comm=
  if [ -d /proc/1 ]; then
    count=1
    pids="1"
    what="init process (PID 1, $comm)"
  else
    count=0
    pids=
  fi
else
  command -v grep >/dev/null 2>&1 || unknown "grep not found"
  case $name in
  *'
'*) unknown "param process must be a single line" ;;
  esac
  # The kernel truncates comm to 15 bytes (TASK_COMM_LEN - 1).
  short=$(printf '%.15s' "$name")
  # A '|' in the summary would start the perfdata section.
  what="processes named '$(printf '%s' "$name" | tr '|' '/')'"
  count=0
  pids=
  # grep -l lists the comm files whose single line equals the name; processes that exit meanwhile are ignored.
  matches=$(grep -l -x -F -e "$short" /proc/[0-9]*/comm 2>/dev/null)
  for f in $matches; do
    pid=${f#/proc/}
    pid=${pid%/comm}
    [ "$pid" = "$$" ] && continue
    count=$((count + 1))
    if [ "$count" -le 10 ]; then
      pids="${pids:+$pids }$pid"
    elif [ "$count" -eq 11 ]; then
      pids="$pids ..."
    fi
  done
fi

status=OK
rc=0
if [ "$count" -lt "$min" ]; then
  status=CRITICAL
  rc=2
  text="$what: $count running, expected at least $min"
elif [ -n "$max" ] && [ "$count" -gt "$max" ]; then
  status=WARNING
  rc=1
  text="$what: $count running, expected at most $max"
else
  text="$what: $count running"
fi
[ -n "$pids" ] && text="$text (PID ${pids})"

printf "PROCS %s - %s | 'processes'=%d;%s;%s:;0\n" "$status" "$text" "$count" "$max" "$min"
exit "$rc"
