#!/bin/sh
# One-shot namespace registration (compose service `temporal-namespace`, image
# temporalio/admin-tools), after temporalio/samples-server compose/scripts/create-namespace.sh.
# The server creates only its system namespace; the application expects TEMPORAL_NAMESPACE to
# exist and registers its search attributes in it at start-up. Idempotent.
set -eu

: "${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS must be host:port of the Temporal frontend}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
# How long closed workflow histories are kept. The CLI takes a Go duration: hours, not days.
RETENTION="${TEMPORAL_NAMESPACE_RETENTION:-720h}"

# Connect over IPv4, as the upstream script does: the frontend listens on 0.0.0.0 only.
host="${TEMPORAL_ADDRESS%:*}"
port="${TEMPORAL_ADDRESS##*:}"
ipv4="$(getent ahosts "$host" 2>/dev/null | awk '$1 ~ /^[0-9.]+$/ { print $1; exit }')" || true
address="${ipv4:-$host}:${port}"

retry() {
  what="$1"
  shift
  attempt=1
  until "$@" >/dev/null 2>&1; do
    if [ "$attempt" -ge 60 ]; then
      echo "temporal-namespace: gave up waiting for ${what} after ${attempt} attempts" >&2
      "$@" # once more, with its output, for the log
      exit 1
    fi
    attempt=$((attempt + 1))
    sleep 2
  done
}

cluster_serving() {
  temporal operator cluster health --address "$address" | grep -q SERVING
}

echo "temporal-namespace: waiting for the cluster at ${address}"
retry 'the cluster to serve' cluster_serving

if temporal operator namespace describe --namespace "$NAMESPACE" --address "$address" >/dev/null 2>&1; then
  echo "temporal-namespace: namespace ${NAMESPACE} exists"
else
  echo "temporal-namespace: creating namespace ${NAMESPACE} (retention ${RETENTION})"
  temporal operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION" --address "$address"
fi

# The frontend's namespace cache refreshes a few seconds after creation; the application's first
# call at start-up lists search attributes, so wait until that call succeeds.
retry "namespace ${NAMESPACE} to be served" \
  temporal operator search-attribute list --namespace "$NAMESPACE" --address "$address"
echo "temporal-namespace: done"
