#!/bin/bash
# Sandbox stand-in for Azure/mlops-v2 .azuredevops/scripts/initialise_repo.sh,
# written for mlops-tui from public facts. The sandbox's initialise-project
# run executes it (src/sim/shell.c), as the real pipeline runs the real one.
# Deliberately no "set -e": a failed cp/mv/cd does not stop the script, and the
# task's exit status is that of the final git push (green even when empty).
# Usage: initialise_repo.sh repoName projectType mlopsVersion templateRepo infraVersion

repo=$1
project_type=$2
mlops_version=$3
template_repo=$4
infra_version=$5

git config --global user.email "hosted.agent@dev.azure.com"
git config --global user.name "Azure Pipeline"

mkdir files_to_keep
mkdir files_to_delete

# Keep only what the chosen combination needs (paths are preserved).
cd $template_repo
cp --parents -r infrastructure/$infra_version ../files_to_keep
cp --parents -r $project_type/$mlops_version ../files_to_keep
cp config-infra-dev.yml ../files_to_keep
cp config-infra-prod.yml ../files_to_keep
cd ..
mv $template_repo/* files_to_delete

# New repository: branch main, drop top-level files (e.g. the README).
cd $repo
git checkout -b main
rm -f ./*
mv ../files_to_keep/* .

# Flatten <type>/<interface>/{data-science,mlops,data} to the top level.
mv $project_type/$mlops_version/data-science data-science
mv $project_type/$mlops_version/mlops mlops
mv $project_type/$mlops_version/data data
# Never true: no allowed mlopsVersion is literally "python-sdk".
if [ "$mlops_version" == "python-sdk" ]; then
  mv $project_type/$mlops_version/config-aml.yml .
fi
rm -rf $project_type
rm -rf mlops/github-actions

# infrastructure/<provider> becomes infrastructure/ itself.
mv infrastructure/$infra_version infrastructure_tmp
rm -rf infrastructure
mv infrastructure_tmp infrastructure

git add -A
git commit -m "initial commit"
git push --set-upstream origin main
