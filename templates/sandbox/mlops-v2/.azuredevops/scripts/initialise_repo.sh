#!/bin/bash
# initialise_repo.sh NEW_REPO TYPE INTERFACE TEMPLATE_REPO PROVIDER
#
# Run by initialise-project.yml in the folder that holds the three
# checkouts: fills NEW_REPO with TYPE/INTERFACE of TEMPLATE_REPO (its
# data-science, mlops and data folders at the top), the two config-infra
# files and infrastructure/PROVIDER as infrastructure/, on a new branch
# main, and pushes it.
#
# A stand-in written for the mlops-tui sandbox, which never runs it: the
# sandbox's initialise run does what it describes. What it does is what
# the accelerator's script does, flaws included (templates/sandbox/README.md):
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
for wanted in infrastructure/$provider $type/$interface; do
	cp --parents -r $wanted ../files_to_keep
done
for cfg in config-infra-dev.yml config-infra-prod.yml; do
	cp $cfg ../files_to_keep
done
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
for part in data-science mlops data; do
	mv $type/$interface/$part $part
done
case $interface in
python-sdk) # unreachable, as upstream
	echo "python-sdk"
	mv $type/$interface/config-aml.yml config-aml.yml ;;
esac
rm -rf $type mlops/github-actions

# 4. infrastructure/PROVIDER becomes infrastructure.
mv infrastructure/$provider $provider
rm -rf infrastructure
mv $provider infrastructure

# 5. One commit, pushed; this push's status is the step's.
git add . && git commit -m 'initial commit'
git remote -v
git push --set-upstream origin main
