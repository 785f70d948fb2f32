#!/bin/bash
# Sandbox stand-in for Azure/mlops-v2 sparse_checkout.sh (local alternative to
# initialise-project; creates a GitHub repository, not an ADO one). Written for
# mlops-tui from public facts. Edit the variables below before running.

infrastructure_version=terraform   # bicep or terraform
project_type=classical             # classical, cv or nlp
mlops_version=aml-cli-v2           # aml-cli-v2, python-sdk-v2, rai-aml-cli-v2
orchestration=azure-devops         # github-actions or azure-devops
git_folder_location='<local folder>'
project_name=taxi-fare-regression
github_org_name=orgname
project_template_github_url=https://github.com/azure/mlops-project-template

cd $git_folder_location
git clone --filter=blob:none --sparse $project_template_github_url $project_name
cd $project_name
git sparse-checkout set infrastructure/$infrastructure_version $project_type/$mlops_version

# Same flattening as initialise_repo.sh.
mv $project_type/$mlops_version/data-science data-science
mv $project_type/$mlops_version/mlops mlops
mv $project_type/$mlops_version/data data
rm -rf $project_type
mv infrastructure/$infrastructure_version infrastructure_tmp
rm -rf infrastructure
mv infrastructure_tmp infrastructure
if [ "$orchestration" == "azure-devops" ]; then
  mv infrastructure/devops-pipelines/* infrastructure/
  rm -rf mlops/github-actions
fi

rm -rf .git
git init -b main
git add -A
git commit -m "initial commit"
gh repo create $github_org_name/$project_name --private --source=. --push
