#!/bin/bash
# Sandbox stand-in for Azure/mlops-v2 .azuredevops/scripts/create_ado_pipelines.sh,
# written for mlops-tui from public facts. The sandbox never runs it; it
# simulates what it documents. Runs as the Build Service
# (AZURE_DEVOPS_EXT_PAT=$(System.AccessToken)); needs "Create build pipeline"
# and "Edit build pipeline". Arguments are unquoted on purpose (as upstream):
# names with spaces break it. Not idempotent: a re-run fails on existing
# folders/pipelines. (Upstream PR #143 later adds a --queue-id lookup.)
# Usage: create_ado_pipelines.sh repoName adoProjectName

repo=$1
project=$2

cd $repo

az pipelines folder create --path \\$repo --project $project --detect true
az pipelines folder create --path \\$repo\\infrastructure --project $project --detect true
az pipelines folder create --path \\$repo\\mlops --project $project --detect true

# One pipeline per file, named after the file (rai: includes the steps-only
# template and the stray editor file, which is wrong).
for file in $(ls mlops/devops-pipelines); do
  az pipelines create --name ${file%.*} --project $project \
    --repository $repo --repository-type tfsgit --branch main \
    --yml-path mlops/devops-pipelines/$file --skip-first-run true \
    --folder-path $repo/mlops --detect true
done

# terraform: the YAML is in infrastructure/devops-pipelines/, so this ls fails
# and no infra pipeline is created; the step still ends green.
for file in $(ls infrastructure/pipelines); do
  az pipelines create --name ${file%.*} --project $project \
    --repository $repo --repository-type tfsgit --branch main \
    --yml-path infrastructure/pipelines/$file --skip-first-run true \
    --folder-path $repo/infrastructure --detect true
done
