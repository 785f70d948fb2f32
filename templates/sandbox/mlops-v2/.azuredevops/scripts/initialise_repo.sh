#!/bin/bash
# initialise_repo.sh NEW_REPO TYPE INTERFACE TEMPLATE_REPO PROVIDER
#
# Run by initialise-project.yml in the folder that holds the three
# checkouts: fills NEW_REPO with TYPE/INTERFACE of TEMPLATE_REPO (its
# data-science, mlops and data folders at the top), the two config-infra
# files and infrastructure/PROVIDER as infrastructure/, on a new branch
# main, and pushes it.
#
# A stand-in written for the mlops-tui sandbox. The sandbox's
# initialise-project run executes it (src/sim/shell.c), as the real
# pipeline runs the accelerator's script, whose flaws it keeps
# (templates/sandbox/README.md):
# - there is no "set -e": a cp, mv or cd that fails does not stop it, and
#   the step's status is that of the last command, the push, so an
#   impossible combination ends green with an empty repository;
# - the python-sdk branch never runs: no allowed interface is called
#   python-sdk (python-sdk-v1 is not allowed at all).

new=$1 type=$2 interface=$3 templates=$4 provider=$5

git config --global user.name "Azure Pipeline"
git config --global user.email "hosted.agent@dev.azure.com"

# 1. Sort the template repository's content into what the project keeps
#    and the rest (parents of the kept paths kept too).
mkdir files_to_keep files_to_delete
cd $templates
cp --parents -r infrastructure/$provider ../files_to_keep
cp --parents -r $type/$interface ../files_to_keep
cp config-infra-dev.yml config-infra-prod.yml ../files_to_keep
cd ..
mv $templates/* files_to_delete

# 2. The new repository: branch main, none of its top-level files (the
#    README made with it), then the kept tree.
cd $new
git checkout -b main
cd ..
rm $new/*
mv files_to_keep/* $new
cd $new

# 3. TYPE/INTERFACE/{data-science,mlops,data} up to the top.
mv $type/$interface/data-science $type/$interface/mlops $type/$interface/data .
if [ "$interface" = python-sdk ]; then # unreachable, as upstream
	echo "python-sdk"
	mv $type/$interface/config-aml.yml .
fi
rm -rf $type mlops/github-actions

# 4. infrastructure/PROVIDER becomes infrastructure.
mv infrastructure/$provider $provider
rm -rf infrastructure
mv $provider infrastructure

# 5. One commit, pushed; this push's status is the step's.
git add . && git commit -m 'initial commit'
git remote -v
git push --set-upstream origin main
