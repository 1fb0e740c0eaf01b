#!/bin/sh
# Ground-truth scenario: Debian's prometheus scraping prometheus-node-exporter over
# loopback every second, until DIR/stop exists or for at most SECONDS seconds. Usage: prom-scrape.sh DIR EXPORTER_PORT PROM_PORT SECONDS
# Writes "prometheus-pid exporter-pid" to $IDS. Both are killed at the end, whatever happens.
set -u
dir=$1 eport=$2 pport=$3 secs=$4
cat > "$dir/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 900ms
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:$eport']
YML
prometheus-node-exporter --web.listen-address=127.0.0.1:"$eport" >"$dir/exporter.log" 2>&1 &
exporter=$!
prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
  --web.listen-address=127.0.0.1:"$pport" >"$dir/prometheus.log" 2>&1 &
prom=$!
trap 'kill $prom $exporter 2>/dev/null' EXIT
echo "$prom $exporter" > "$IDS"
# until the test has seen enough scrapes (it creates $dir/stop), at most SECONDS seconds
i=0
while [ ! -e "$dir/stop" ] && [ "$i" -lt $((secs * 4)) ]; do sleep 0.25; i=$((i + 1)); done
kill "$prom" "$exporter" 2>/dev/null
wait
