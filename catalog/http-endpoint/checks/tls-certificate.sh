#!/bin/sh
# HealOps http-endpoint / tls-certificate
# Days until the certificates that an https endpoint presents expire: the server certificate and any intermediate
# certificates it sends. The soonest expiry is judged. For an http:// URL there is nothing to check: OK.
# Whether the certificate is trusted is judged by the http-status check (curl refuses an untrusted one); this
# check reports the verification result only as information.
#
# Params (env HEALOPS_PARAM_*):
#   URL              the endpoint (required); host and port are taken from it (port 443 when not given)
#   CERT_WARN_DAYS   warn when a certificate expires in fewer days (default 30)
#   CERT_CRIT_DAYS   critical when a certificate expires in fewer days, or has expired (default 7)
#   REQUEST_TIMEOUT  give up the TLS handshake after this many seconds (default 10; needs `timeout`)
#   CA_FILE          PEM file of extra trusted CA certificates (only changes the reported verification result)
# Perfdata: days_left (days until the soonest expiry; negative once expired).
# Exit: 0 fine or not https; 1 expires soon; 2 expires very soon or expired; 3 bad parameters, no openssl, or no
#       certificate could be fetched (connection refused, not TLS, timeout).

LC_ALL=C
export LC_ALL
PATH="${PATH:+$PATH:}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
export PATH

unknown() {
  printf 'TLS UNKNOWN - %s\n' "$*"
  exit 3
}

is_number() {
  case $1 in
  '' | . | *[!0-9.]* | *.*.*) return 1 ;;
  esac
  return 0
}

url=${HEALOPS_PARAM_URL:-}
warn_days=${HEALOPS_PARAM_CERT_WARN_DAYS:-30}
crit_days=${HEALOPS_PARAM_CERT_CRIT_DAYS:-7}
request_timeout=${HEALOPS_PARAM_REQUEST_TIMEOUT:-10}
ca_file=${HEALOPS_PARAM_CA_FILE:-}

[ -n "$url" ] || unknown "param url is not set"
case $url in
*[[:space:][:cntrl:]]*) unknown "param url must not contain spaces or control characters" ;;
http://?* | https://?*) ;;
*) unknown "param url must start with http:// or https://" ;;
esac
shown=$(printf '%s\n' "$url" | sed 's#^\([a-z]*://\)[^/@]*@#\1***@#; s#|#%7C#g')
is_number "$warn_days" || unknown "param cert_warn_days must be a number of days, got '$warn_days'"
is_number "$crit_days" || unknown "param cert_crit_days must be a number of days, got '$crit_days'"
is_number "$request_timeout" || unknown "param request_timeout must be a number of seconds, got '$request_timeout'"
command -v awk >/dev/null 2>&1 || unknown "awk not found"
awk -v w="$warn_days" -v c="$crit_days" 'BEGIN { exit !(c + 0 <= w + 0) }' ||
  unknown "param cert_crit_days ($crit_days) must not exceed cert_warn_days ($warn_days)"
if [ -n "$ca_file" ] && [ ! -r "$ca_file" ]; then
  unknown "param ca_file is not a readable file: $ca_file"
fi

case $url in
http://*)
  printf 'TLS OK - %s is not https: no certificate to check\n' "$shown"
  exit 0
  ;;
esac

# host[:port] between "https://" and the first / ? or #, without any user:password@ part.
authority=${url#https://}
authority=${authority%%[/?#]*}
authority=${authority##*@}
case $authority in
\[*\]:*)
  host=${authority%%\]:*}
  host=${host#\[}
  port=${authority##*\]:}
  ;;
\[*\])
  host=${authority#\[}
  host=${host%\]}
  port=443
  ;;
*:*)
  host=${authority%:*}
  port=${authority##*:}
  ;;
*)
  host=$authority
  port=443
  ;;
esac
case $port in
'' | *[!0-9]*) unknown "cannot read a port number from param url ($shown)" ;;
esac
[ "$port" -ge 1 ] && [ "$port" -le 65535 ] || unknown "port $port in param url is out of range"

sni=1
case $host in
'' | -*) unknown "cannot read a host name from param url ($shown)" ;;
*:*)
  case $host in *[!0-9A-Fa-f:.]*) unknown "invalid IPv6 address in param url: $host" ;; esac
  connect="[$host]:$port"
  sni=0
  ;;
*[!A-Za-z0-9.-]*) unknown "invalid host name in param url: $host" ;;
*)
  connect="$host:$port"
  case $host in *[!0-9.]*) ;; *) sni=0 ;; esac
  ;;
esac

command -v openssl >/dev/null 2>&1 || unknown "openssl not found (install openssl to use this check)"

tmp=$(mktemp -d 2>/dev/null) || unknown "cannot create a temporary folder"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 3' INT TERM

set --
if command -v timeout >/dev/null 2>&1; then
  set -- timeout "$request_timeout"
fi
set -- "$@" openssl s_client -connect "$connect" -showcerts
if [ "$sni" = 1 ]; then
  set -- "$@" -servername "$host" -verify_hostname "$host"
else
  set -- "$@" -verify_ip "$host"
fi
if [ -n "$ca_file" ]; then
  set -- "$@" -CAfile "$ca_file"
fi
"$@" </dev/null >"$tmp/session" 2>"$tmp/errors"
rc=$?

awk -v dir="$tmp" '
/-----BEGIN CERTIFICATE-----/ { n++; f = dir "/cert" n ".pem" }
f != "" { print > f }
/-----END CERTIFICATE-----/ { if (f != "") close(f); f = "" }
' "$tmp/session"

if [ ! -s "$tmp/cert1.pem" ]; then
  if [ "$rc" = 124 ]; then
    unknown "no certificate from $connect: TLS handshake timed out after ${request_timeout}s"
  fi
  # OpenSSL 3 errors look like "80AB...:error:8000006F:system library:BIO_connect:Connection refused:../x.c:117:";
  # keep the readable part.
  reason=$(grep -v '^depth=\|^verify ' "$tmp/errors" | sed -n '/./{p;q;}' |
    sed 's/^[0-9A-Fa-f]*:error:[0-9A-Fa-f]*://; s/:[^:]*\.c:[0-9]*:*/ /; s/ *$//' | tr '|' '/' | cut -c1-200)
  unknown "no certificate from $connect: ${reason:-connection failed (openssl exit $rc)}"
fi

now=$(date -u +%s 2>/dev/null)
case $now in '' | *[!0-9]*) unknown "cannot read the current time (date -u +%s)" ;; esac
verify=$(sed -n 's/^ *Verify return code: //p' "$tmp/session" | tail -n 1)

i=1
: >"$tmp/dates"
while [ -s "$tmp/cert$i.pem" ]; do
  end=$(openssl x509 -noout -enddate -in "$tmp/cert$i.pem" 2>/dev/null | sed -n 's/^notAfter=//p')
  subject=$(openssl x509 -noout -subject -in "$tmp/cert$i.pem" 2>/dev/null | sed -n 's/^subject= *//p' | tr '|\t' '/ ')
  [ -n "$end" ] || unknown "cannot read the expiry date of certificate $i from $connect"
  printf '%s\t%s\t%s\n' "$i" "$end" "$subject" >>"$tmp/dates"
  i=$((i + 1))
done

awk -F '\t' -v q="'" -v now="$now" -v warn="$warn_days" -v crit="$crit_days" -v endpoint="$connect" \
  -v verify="$verify" '
function epoch(text,    f, mon, y, m, d, hms, era, yoe, doy, doe) {
  # "Nov 21 09:11:00 2025 GMT" -> seconds since 1970 (days-from-civil, proleptic Gregorian calendar)
  split(text, f, " ")
  mon = index("JanFebMarAprMayJunJulAugSepOctNovDec", f[1])
  if (mon == 0 || f[4] !~ /^[0-9]+$/) return ""
  m = (mon + 2) / 3; d = f[2] + 0; y = f[4] + 0
  split(f[3], hms, ":")
  if (m <= 2) y--
  era = int(y / 400); yoe = y - era * 400
  doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
  return (era * 146097 + doe - 719468) * 86400 + hms[1] * 3600 + hms[2] * 60 + hms[3]
}
{
  t = epoch($2)
  if (t == "") { print "TLS UNKNOWN - cannot parse certificate expiry date \"" $2 "\""; bad = 1; exit 3 }
  days = (t - now) / 86400
  what = ($1 == 1) ? "server certificate" : "intermediate certificate"
  long = long sprintf("%s %d (%s): expires %s, %.1f days left\n", what, $1, $3, $2, days)
  if (NR == 1 || days < min) { min = days; minwhat = what; minsubject = $3; minend = $2 }
}
END {
  if (bad) exit 3
  if (min < crit + 0) rc = 2; else if (min < warn + 0) rc = 1; else rc = 0
  split("OK WARNING CRITICAL", names, " ")
  if (min < 0) when = sprintf("EXPIRED %.1f days ago", -min)
  else when = sprintf("expires in %.1f days", min)
  printf "TLS %s - %s %s %s (%s; warn %s, crit %s days)", names[rc + 1], endpoint, minwhat, when, minend, warn, crit
  printf " | %sdays_left%s=%.1f;%s:;%s:\n", q, q, min, warn, crit
  printf "%s", long
  if (verify != "") print "verification (informational): " verify
  exit rc
}' "$tmp/dates"
