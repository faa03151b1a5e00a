#!/bin/sh
# HealOps linux-base / load
# Load average from /proc/loadavg, judged per CPU core. The 5- and 15-minute averages are judged; the 1-minute
# average is reported but not judged (it is too spiky to act on).
#
# Params (env HEALOPS_PARAM_*):
#   LOAD_WARN  warn when the 5- or 15-minute load per core is above this (default 2)
#   LOAD_CRIT  critical when above this (default 4)
# Perfdata: load1, load5, load15 (absolute; warn/crit already multiplied by the number of cores).

LC_ALL=C
export LC_ALL
PATH="${PATH:+$PATH:}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
export PATH

unknown() {
  printf 'LOAD UNKNOWN - %s\n' "$*"
  exit 3
}

is_number() {
  case $1 in
  '' | . | *[!0-9.]* | *.*.*) return 1 ;;
  esac
  return 0
}

warn=${HEALOPS_PARAM_LOAD_WARN:-2}
crit=${HEALOPS_PARAM_LOAD_CRIT:-4}

command -v awk >/dev/null 2>&1 || unknown "awk not found"
is_number "$warn" || unknown "param load_warn must be a number, got '$warn'"
is_number "$crit" || unknown "param load_crit must be a number, got '$crit'"
awk -v w="$warn" -v c="$crit" 'BEGIN { exit !(w + 0 <= c + 0) }' ||
  unknown "param load_warn ($warn) must not exceed load_crit ($crit)"
[ -r /proc/loadavg ] || unknown "/proc/loadavg is not readable (is /proc mounted?)"
read -r load1 load5 load15 _rest </proc/loadavg || unknown "/proc/loadavg is empty"
is_number "$load15" || unknown "unexpected /proc/loadavg content: $load1 $load5 $load15"

cores=$(getconf _NPROCESSORS_ONLN 2>/dev/null) || cores=
case $cores in '' | *[!0-9]* | 0) cores=$(nproc 2>/dev/null) || cores= ;; esac
case $cores in '' | *[!0-9]* | 0) cores=$(grep -c '^processor' /proc/cpuinfo 2>/dev/null) || cores= ;; esac
case $cores in '' | *[!0-9]* | 0) unknown "cannot count CPU cores (no getconf, nproc or /proc/cpuinfo)" ;; esac

awk -v q="'" -v l1="$load1" -v l5="$load5" -v l15="$load15" -v n="$cores" -v warn="$warn" -v crit="$crit" 'BEGIN {
  w = warn * n; c = crit * n
  worst = (l5 + 0 > l15 + 0) ? l5 + 0 : l15 + 0
  if (worst > c) { status = "CRITICAL"; rc = 2 }
  else if (worst > w) { status = "WARNING"; rc = 1 }
  else { status = "OK"; rc = 0 }
  printf "LOAD %s - load average %s, %s, %s on %d core%s (per core %.2f, %.2f, %.2f; warn %s, crit %s)", \
    status, l1, l5, l15, n, (n == 1 ? "" : "s"), l1 / n, l5 / n, l15 / n, warn, crit
  printf " | %sload1%s=%s;;;0 %sload5%s=%s;%.2f;%.2f;0 %sload15%s=%s;%.2f;%.2f;0\n", \
    q, q, l1, q, q, l5, w, c, q, q, l15, w, c
  exit rc
}'
