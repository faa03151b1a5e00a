#!/bin/sh
# Stats jobs use the plugin output format; only the perfdata is recorded.
path="${HEALOPS_PARAM_PATH:-/}"
[ -d "$path" ] || path=/
usage=$(df -P -- "$path" 2>/dev/null | awk 'NR == 2 { sub("%", "", $5); print $5 }')
if [ -z "$usage" ]; then
  echo "USAGE UNKNOWN - df failed for $path"
  exit 3
fi
echo "USAGE OK - ${usage}% used | used=${usage}%;;;0;100"
