#!/usr/bin/env bash
# Submits a task file as a Slurm job array of SHARDS shards plus the merge that follows it, and
# prints the two job ids (array, merge).
#
#   examples/slurm/submit.sh TASKFILE RESULTS_DIR OUT [SHARDS]
#
# Wait for the merge job (e.g. `squeue -j MERGE_ID`), then read OUT.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
taskfile=${1:?usage: submit.sh TASKFILE RESULTS_DIR OUT [SHARDS]}
results_dir=${2:?usage: submit.sh TASKFILE RESULTS_DIR OUT [SHARDS]}
out=${3:?usage: submit.sh TASKFILE RESULTS_DIR OUT [SHARDS]}
shards=${4:-4}

array=$(sbatch --parsable --array="0-$((shards - 1))" "$here/batch.sbatch" "$taskfile" "$results_dir")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterany:$array" "$here/merge.sbatch" "$results_dir" "$out")
merge=${merge%%;*}
echo "$array $merge"
