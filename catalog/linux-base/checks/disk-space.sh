#!/bin/sh
# HealOps linux-base / disk-space
# Used space of every real filesystem (or of the filesystems that hold the paths in param disk_paths),
# judged in percent like df's "Capacity" column (blocks reserved for root do not count as free).
#
# Params (env HEALOPS_PARAM_*):
#   DISK_WARN           warn when a filesystem is at least this percent used (default 80)
#   DISK_CRIT           critical when at least this percent used (default 90)
#   DISK_PATHS          space-separated paths; only their filesystems are checked (default: all real ones)
#   DISK_EXCLUDE_TYPES  filesystem types skipped when DISK_PATHS is unset
# Perfdata: one item per mount point, used space in MB with warn/crit/min/max in MB.

LC_ALL=C
export LC_ALL
PATH="${PATH:+$PATH:}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
export PATH

unknown() {
  printf 'DISK UNKNOWN - %s\n' "$*"
  exit 3
}

is_percent() {
  case $1 in
  '' | . | *[!0-9.]* | *.*.*) return 1 ;;
  esac
  awk -v v="$1" 'BEGIN { exit !(v + 0 <= 100) }'
}

warn=${HEALOPS_PARAM_DISK_WARN:-80}
crit=${HEALOPS_PARAM_DISK_CRIT:-90}
paths=${HEALOPS_PARAM_DISK_PATHS:-}
exclude=${HEALOPS_PARAM_DISK_EXCLUDE_TYPES-tmpfs devtmpfs squashfs iso9660 udf ramfs efivarfs}

command -v awk >/dev/null 2>&1 || unknown "awk not found"
command -v df >/dev/null 2>&1 || unknown "df not found"
is_percent "$warn" || unknown "param disk_warn must be a percentage 0-100, got '$warn'"
is_percent "$crit" || unknown "param disk_crit must be a percentage 0-100, got '$crit'"
awk -v w="$warn" -v c="$crit" 'BEGIN { exit !(w + 0 <= c + 0) }' ||
  unknown "param disk_warn ($warn) must not exceed disk_crit ($crit)"

if [ -n "$paths" ]; then
  # Word splitting on purpose (space-separated list); globbing off so '*' stays literal.
  set -f
  # shellcheck disable=SC2086
  set -- $paths
  set +f
  for p in "$@"; do
    [ -e "$p" ] || unknown "path in disk_paths does not exist: $p"
  done
  all=1
  out=$(df -PT -- "$@" 2>&1) || unknown "df -PT failed: $(printf '%s\n' "$out" | grep '^df:' | head -n 1)"
else
  all=0
  # df exits non-zero when a single mount cannot be read; the readable ones are still listed.
  out=$(df -PT 2>&1)
fi

printf '%s\n' "$out" | awk -v q="'" -v warn="$warn" -v crit="$crit" -v exclude="$exclude" -v all="$all" '
function ceil(x) { return (x == int(x)) ? x : int(x) + 1 }
# A "|" would end the summary early (it starts the perfdata); "=" and a bare quote break a perfdata label.
function shown(s) { gsub(/\|/, "_", s); return s }
function label(s) { s = shown(s); gsub(q, q q, s); gsub(/=/, "_", s); return q s q }
function mb(kb) { return sprintf("%.0f", kb / 1024) }
BEGIN {
  n = split(exclude, ex, /[ \t,]+/)
  for (i = 1; i <= n; i++) if (ex[i] != "") skip[ex[i]] = 1
  count = 0; nwarn = 0; ncrit = 0; worst = -1
}
/^df: / { errors = errors (errors == "" ? "" : "; ") $0; next }
$3 !~ /^[0-9]+$/ || $4 !~ /^[0-9]+$/ || $5 !~ /^[0-9]+$/ { next }
{
  type = $2; size = $3; used = $4; avail = $5
  mount = $0
  for (i = 1; i <= 6; i++) sub(/^[ \t]*[^ \t]+[ \t]+/, "", mount)
  name = shown(mount)
  if (!all && (type in skip)) next
  if (!all && size == 0) next
  if (seen[mount]++) next
  total = used + avail
  pct = total > 0 ? ceil(used * 100 / total) : 0
  count++
  state = "ok"
  if (pct >= crit + 0) { state = "critical"; ncrit++; bad = bad (bad == "" ? "" : ", ") name " " pct "% used (crit " crit "%)" }
  else if (pct >= warn + 0) { state = "warning"; nwarn++; bad = bad (bad == "" ? "" : ", ") name " " pct "% used (warn " warn "%)" }
  if (pct > worst) { worst = pct; worstmount = name }
  perf = perf (perf == "" ? "" : " ") label(mount) "=" mb(used) "MB;" mb(total * warn / 100) ";" mb(total * crit / 100) ";0;" mb(size)
  long = long name " (" type ", " shown($1) "): " pct "% used, " mb(avail) " MB free of " mb(size) " MB [" state "]\n"
}
END {
  if (count == 0) {
    msg = "no filesystem to check"
    if (errors != "") msg = msg ": " errors
    else if (!all) msg = msg " (all excluded by disk_exclude_types?)"
    print "DISK UNKNOWN - " msg
    exit 3
  }
  if (ncrit > 0) { status = "CRITICAL"; rc = 2 }
  else if (nwarn > 0) { status = "WARNING"; rc = 1 }
  else { status = "OK"; rc = 0 }
  if (rc == 0) summary = count " filesystem" (count == 1 ? "" : "s") " below " warn "% used, fullest " worstmount " " worst "%"
  else summary = bad
  print "DISK " status " - " summary " | " perf
  printf "%s", long
  if (errors != "") print "not checked: " errors
  exit rc
}'
