#!/bin/sh
# HealOps linux-base / clock-sync
# Is the system clock synchronised? Asks whichever tool is present and working, in this order:
#   chronyc tracking  (chrony: sync state and offset)
#   timedatectl       (systemd: the kernel's "synchronised" flag, set by any NTP daemon)
#   ntpq -pn          (ntpd: a selected system peer and its offset)
# Not synchronised -> WARNING (never CRITICAL on its own: a machine without an NTP daemon is a finding, not an
# outage). Offset beyond clock_offset_warn/crit (only known with chrony or ntpd) -> WARNING/CRITICAL.
# No tool at all, or none that works (e.g. timedatectl without systemd) -> UNKNOWN.
#
# Params (env HEALOPS_PARAM_*):
#   CLOCK_OFFSET_WARN  warn when the clock is off by more than this many seconds (default 1)
#   CLOCK_OFFSET_CRIT  critical when off by more than this many seconds (default 10)
# Perfdata: synchronized (1/0), offset (s, when known).

LC_ALL=C
export LC_ALL
PATH="${PATH:+$PATH:}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
export PATH

unknown() {
  printf 'CLOCK UNKNOWN - %s\n' "$*"
  exit 3
}

is_number() {
  case $1 in
  '' | . | *[!0-9.]* | *.*.*) return 1 ;;
  esac
  return 0
}

first_line() {
  printf '%s\n' "$1" | sed -n '/./{p;q;}' | cut -c1-160
}

warn=${HEALOPS_PARAM_CLOCK_OFFSET_WARN:-1}
crit=${HEALOPS_PARAM_CLOCK_OFFSET_CRIT:-10}

command -v awk >/dev/null 2>&1 || unknown "awk not found"
is_number "$warn" || unknown "param clock_offset_warn must be a number of seconds, got '$warn'"
is_number "$crit" || unknown "param clock_offset_crit must be a number of seconds, got '$crit'"
awk -v w="$warn" -v c="$crit" 'BEGIN { exit !(w + 0 <= c + 0) }' ||
  unknown "param clock_offset_warn ($warn) must not exceed clock_offset_crit ($crit)"

tool=
synced=
offset=
failures=

note_failure() {
  failures="${failures:+$failures; }$1"
}

if [ -z "$tool" ] && command -v chronyc >/dev/null 2>&1; then
  if out=$(chronyc -n tracking 2>&1) && printf '%s\n' "$out" | grep -q '^Leap status'; then
    tool=chronyc
    if printf '%s\n' "$out" | grep -q '^Leap status *: *Not synchronised'; then
      synced=0
    else
      synced=1
    fi
    # "System time     : 0.000012345 seconds slow of NTP time" (slow = behind = negative offset)
    offset=$(printf '%s\n' "$out" | awk -F': *' '/^System time/ {
      split($2, a, " "); v = a[1] + 0; if ($2 ~ /slow/) v = -v; printf "%.6f", v; exit }')
  else
    note_failure "chronyc: $(first_line "$out")"
  fi
fi

if [ -z "$tool" ] && command -v timedatectl >/dev/null 2>&1; then
  if out=$(timedatectl show -p NTPSynchronized --value 2>&1) && { [ "$out" = yes ] || [ "$out" = no ]; }; then
    tool=timedatectl
    if [ "$out" = yes ]; then synced=1; else synced=0; fi
  elif out2=$(timedatectl status 2>&1) && printf '%s\n' "$out2" | grep -Eq '(System clock|NTP) synchronized:'; then
    # systemd older than 239 has no `timedatectl show`
    tool=timedatectl
    if printf '%s\n' "$out2" | grep -Eq '(System clock|NTP) synchronized: *yes'; then synced=1; else synced=0; fi
  else
    note_failure "timedatectl: $(first_line "$out")"
  fi
fi

if [ -z "$tool" ] && command -v ntpq >/dev/null 2>&1; then
  if out=$(ntpq -pn 2>&1) && printf '%s\n' "$out" | grep -q '^====='; then
    tool=ntpq
    # The system peer is marked '*' (or 'o' for PPS); its offset column is in milliseconds.
    peer=$(printf '%s\n' "$out" | awk '/^[*o]/ { printf "%s %.6f", substr($1, 2), $9 / 1000; exit }')
    if [ -n "$peer" ]; then
      synced=1
      offset=${peer#* }
    else
      synced=0
    fi
  else
    note_failure "ntpq: $(first_line "$out")"
  fi
fi

if [ -z "$tool" ]; then
  [ -z "$failures" ] && unknown "no time sync tool found (looked for chronyc, timedatectl, ntpq)"
  unknown "no usable time sync tool: $failures"
fi

awk -v q="'" -v tool="$tool" -v synced="$synced" -v offset="$offset" -v warn="$warn" -v crit="$crit" 'BEGIN {
  rc = 0; text = ""
  if (synced == 1) text = "clock synchronised"; else { text = "clock NOT synchronised"; rc = 1 }
  if (offset != "") {
    abs = offset < 0 ? -offset : offset
    text = sprintf("%s, offset %.6f s", text, offset + 0)
    if (abs > crit + 0) { rc = 2; text = text " (crit " crit " s)" }
    else if (abs > warn + 0) { if (rc < 1) rc = 1; text = text " (warn " warn " s)" }
  }
  split("OK WARNING CRITICAL", names, " ")
  perf = sprintf("%ssynchronized%s=%d;;;0;1", q, q, synced)
  if (offset != "") perf = perf sprintf(" %soffset%s=%.6fs;-%s:%s;-%s:%s", q, q, offset, warn, warn, crit, crit)
  printf "CLOCK %s - %s (%s) | %s\n", names[rc + 1], text, tool, perf
  exit rc
}'
