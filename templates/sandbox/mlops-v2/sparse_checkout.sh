#!/bin/bash
# sparse_checkout.sh: the way without Azure DevOps's initialise pipeline.
# Takes only the chosen parts of mlops-project-template with a sparse,
# shallow clone, lays them out as initialise_repo.sh does, keeps the
# pipelines of one orchestrator, and publishes the result as a new private
# GitHub repository (gh must be signed in).
#
# A stand-in written for the mlops-tui sandbox, which never runs it.

# ---- set these first -------------------------------------------------
infrastructure_version=terraform  # or bicep
project_type=classical            # or cv, nlp
mlops_version=aml-cli-v2          # or python-sdk-v1, python-sdk-v2, rai-aml-cli-v2
orchestration=azure-devops        # or github-actions
git_folder_location='<local path>'        # the new folder goes in here
project_name=Mlops-Test                   # the folder and the GitHub repository
github_org_name=orgname
project_template_github_url=https://github.com/azure/mlops-project-template

src=$project_type/$mlops_version

cd "$git_folder_location"
git clone --sparse --filter=blob:none --depth 1 --branch 'main' \
	$project_template_github_url $project_name
cd "$project_name"
git sparse-checkout init --cone
git sparse-checkout set infrastructure/$infrastructure_version $src \
	$src/data $src/data-science $src/mlops

# The interface's three folders up to the top; a missing one is reported
# and skipped.
for part in data-science mlops data; do
	if [ -d "$src/$part" ]; then
		mv $src/$part $part
	else
		echo "Warning: $part directory not found"
	fi
done

# infrastructure/<provider> becomes infrastructure.
mv "infrastructure/$infrastructure_version" "$infrastructure_version"
rm -rf infrastructure
mv "$infrastructure_version" infrastructure

# Only the chosen orchestrator's pipelines stay.
case $orchestration in
github-actions)
	echo "keeping the GitHub Actions workflows"
	mkdir -p .github/workflows
	mv mlops/github-actions/* infrastructure/github-actions/* .github/workflows/
	rm -rf mlops/devops-pipelines mlops/github-actions \
		infrastructure/devops-pipelines infrastructure/github-actions
	;;
azure-devops)
	echo "keeping the Azure DevOps pipelines"
	if [ -d infrastructure/devops-pipelines ]; then
		mv infrastructure/devops-pipelines/* infrastructure
		rm -rf infrastructure/devops-pipelines
	fi
	rm -rf mlops/github-actions infrastructure/github-actions
	;;
esac

# A history of one commit, on GitHub.
echo "Starting a new history..."
rm -rf .git
git init -b main 2>/dev/null
echo "Making the GitHub repository..."
gh repo create $github_org_name/$project_name --private --confirm
echo "Pushing..."
git remote add origin git@github.com:$github_org_name/$project_name.git
git add .
git commit -m 'initial commit'
git push --set-upstream origin main
