#!/bin/sh
# Submits one quarter to AWS Batch: the plan; the shards' facts as an array job that depends on the
# plan; the labels, which depend on the array job's id without a type: a dependency on an array job
# waits for every child of it (N_TO_N would make the labels an array job of their own, one child per
# shard; SEQUENTIAL would run the shards one after another); the shards' cells as a second array job
# after the labels; the merge after the whole second array. Needs the AWS CLI and jq.
#   deploy/aws-batch/submit.sh            (after: aws batch register-job-definition --cli-input-json file://deploy/aws-batch/job-definition.json)
set -eu
here=$(dirname "$0")
submit() { aws batch submit-job --cli-input-json "$1" --query jobId --output text; }

plan=$(submit "file://$here/submit-plan.json")
shards=$(submit "$(jq --arg id "$plan" '.dependsOn[0].jobId = $id' "$here/submit-shards.json")")
labels=$(submit "$(jq --arg id "$shards" '.dependsOn[0].jobId = $id' "$here/submit-labels.json")")
cells=$(submit "$(jq --arg id "$labels" '.dependsOn[0].jobId = $id' "$here/submit-cells.json")")
merge=$(submit "$(jq --arg id "$cells" '.dependsOn[0].jobId = $id' "$here/submit-merge.json")")
echo "plan $plan, shards $shards, labels $labels, cells $cells, merge $merge"
