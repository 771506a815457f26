#!/bin/sh
# Runs one quarter on Kubernetes: plan, the shards' facts, the labels, the shards' cells, then the
# merge, each a Job started only when the one before it is Complete (Kubernetes has no dependencies between Jobs). A Job that fails stops
# the run; rerun this script to start again: every step is idempotent, and a Job's name is reused, so
# the old Job is deleted first.
#   NAMESPACE=usage deploy/kubernetes/run.sh
set -eu
here=$(dirname "$0")
ns=${NAMESPACE:-default}

wait_for() { # job name: Complete -> return 0, Failed -> exit 1
  while :; do
    state=$(kubectl -n "$ns" get job "$1" -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type}{" "}{end}')
    case " $state " in
      *" Complete "*) echo "job/$1 complete"; return 0 ;;
      *" Failed "*) echo "job/$1 failed: kubectl -n $ns describe job/$1; kubectl -n $ns logs job/$1" >&2; exit 1 ;;
    esac
    sleep 10
  done
}

kubectl -n "$ns" apply -f "$here/settings.yaml"
for step in plan shards labels cells merge; do
  kubectl -n "$ns" delete job "telemetry-publisher-$step" --ignore-not-found --wait=true
  kubectl -n "$ns" apply -f "$here/$step-job.yaml"
  wait_for "telemetry-publisher-$step"
done
