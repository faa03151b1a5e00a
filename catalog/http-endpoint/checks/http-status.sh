#!/bin/sh
# HealOps http-endpoint / http-status
# One request to param `url` with curl: the status code must be one of `expected_status`, and the total time must
# stay below the latency thresholds. The URL is only ever passed to curl as one quoted argument (--url), never
# through a shell string, and only http/https are allowed (also for redirects).
#
# Params (env HEALOPS_PARAM_*):
#   URL               http:// or https:// URL to request (required)
#   EXPECTED_STATUS   accepted status codes, comma- or space-separated (default 200)
#   LATENCY_WARN_MS   warn when the request takes longer (default 1000)
#   LATENCY_CRIT_MS   critical when the request takes longer (default 5000)
#   REQUEST_TIMEOUT   give up after this many seconds: CRITICAL (default 10)
#   FOLLOW_REDIRECTS  true: follow up to 10 redirects and judge the last response (default false)
#   CA_FILE           PEM file of extra trusted CA certificates (default: the system trust store)
# Perfdata: time, connect, ttfb (s, time to first byte), size (B).
# Exit: 0 expected status and fast; 1 slow; 2 wrong status, too slow, or no response (DNS, connect, TLS, timeout);
#       3 bad parameters or curl missing.

LC_ALL=C
export LC_ALL
PATH="${PATH:+$PATH:}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
export PATH

unknown() {
  printf 'HTTP UNKNOWN - %s\n' "$*"
  exit 3
}

is_number() {
  case $1 in
  '' | . | *[!0-9.]* | *.*.*) return 1 ;;
  esac
  return 0
}

url=${HEALOPS_PARAM_URL:-}
expected=${HEALOPS_PARAM_EXPECTED_STATUS:-200}
warn_ms=${HEALOPS_PARAM_LATENCY_WARN_MS:-1000}
crit_ms=${HEALOPS_PARAM_LATENCY_CRIT_MS:-5000}
request_timeout=${HEALOPS_PARAM_REQUEST_TIMEOUT:-10}
follow=${HEALOPS_PARAM_FOLLOW_REDIRECTS:-false}
ca_file=${HEALOPS_PARAM_CA_FILE:-}

[ -n "$url" ] || unknown "param url is not set"
case $url in
*[[:space:][:cntrl:]]*) unknown "param url must not contain spaces or control characters" ;;
http://?* | https://?*) ;;
*) unknown "param url must start with http:// or https://" ;;
esac
# Never print credentials that may be embedded in the URL (https://user:secret@host/).
shown=$(printf '%s\n' "$url" | sed 's#^\([a-z]*://\)[^/@]*@#\1***@#; s#|#%7C#g')

expected=$(printf '%s' "$expected" | tr ',' ' ')
set -f
for code in $expected; do
  case $code in
  [1-5][0-9][0-9]) ;;
  *) unknown "param expected_status must list 3-digit HTTP status codes, got '$code'" ;;
  esac
done
set +f
[ -n "$expected" ] || unknown "param expected_status is empty"
is_number "$warn_ms" || unknown "param latency_warn_ms must be a number of milliseconds, got '$warn_ms'"
is_number "$crit_ms" || unknown "param latency_crit_ms must be a number of milliseconds, got '$crit_ms'"
awk -v w="$warn_ms" -v c="$crit_ms" 'BEGIN { exit !(w + 0 <= c + 0) }' ||
  unknown "param latency_warn_ms ($warn_ms) must not exceed latency_crit_ms ($crit_ms)"
is_number "$request_timeout" || unknown "param request_timeout must be a number of seconds, got '$request_timeout'"
case $follow in
true | yes | 1) follow=1 ;;
false | no | 0) follow=0 ;;
*) unknown "param follow_redirects must be true or false, got '$follow'" ;;
esac
if [ -n "$ca_file" ] && [ ! -r "$ca_file" ]; then
  unknown "param ca_file is not a readable file: $ca_file"
fi
command -v awk >/dev/null 2>&1 || unknown "awk not found"
command -v curl >/dev/null 2>&1 || unknown "curl not found (install curl to use this check)"

# --globoff: [] and {} in the URL are literal characters, not curl's URL globbing.
set -- --silent --show-error --globoff --output /dev/null --max-time "$request_timeout" \
  --proto =http,https --user-agent "HealOps-http-endpoint/1.0" \
  --write-out 'HEALOPS_RESULT %{http_code} %{time_total} %{time_connect} %{time_starttransfer} %{size_download}\n'
if [ "$follow" = 1 ]; then
  set -- "$@" --location --max-redirs 10 --proto-redir =http,https
fi
if [ -n "$ca_file" ]; then
  set -- "$@" --cacert "$ca_file"
fi

out=$(curl "$@" --url "$url" 2>&1)
rc=$?
result=$(printf '%s\n' "$out" | sed -n 's/^HEALOPS_RESULT //p' | tail -n 1)
error=$(printf '%s\n' "$out" | grep -v '^HEALOPS_RESULT ' | sed -n '/./{p;q;}' | tr '|' '/')

case $rc in
0) ;;
1 | 2 | 3 | 43 | 77) unknown "curl cannot run this request (exit $rc): ${error:-no message} - check param url${ca_file:+ and ca_file}" ;;
*) printf 'HTTP CRITICAL - %s: request failed: %s (curl exit %s)\n' "$shown" "${error:-no message}" "$rc"
  exit 2 ;;
esac

printf '%s\n' "$result" | awk -v q="'" -v url="$shown" -v expected="$expected" -v warn_ms="$warn_ms" \
  -v crit_ms="$crit_ms" -v max_s="$request_timeout" '
NF >= 5 {
  code = $1; total = $2; connect = $3; ttfb = $4; size = $5; seen = 1
}
END {
  if (!seen) { print "HTTP UNKNOWN - curl printed no result for " url; exit 3 }
  n = split(expected, ok, " ")
  good = 0
  for (i = 1; i <= n; i++) if (ok[i] == code) good = 1
  ms = total * 1000
  rc = 0; why = ""
  if (!good) { rc = 2; why = " (expected " expected ")" }
  else if (ms > crit_ms + 0) { rc = 2; why = sprintf(" (slower than %s ms)", crit_ms) }
  else if (ms > warn_ms + 0) { rc = 1; why = sprintf(" (slower than %s ms)", warn_ms) }
  split("OK WARNING CRITICAL", names, " ")
  printf "HTTP %s - %s: HTTP %s in %.0f ms%s", names[rc + 1], url, code, ms, why
  printf " | %stime%s=%.6fs;%.3f;%.3f;0;%s", q, q, total, warn_ms / 1000, crit_ms / 1000, max_s
  printf " %sconnect%s=%.6fs;;;0 %sttfb%s=%.6fs;;;0 %ssize%s=%.0fB;;;0\n", q, q, connect, q, q, ttfb, q, q, size
  exit rc
}'
