// The ML workspace and what it needs, deployed at subscription scope by
// infrastructure/pipelines/bicep-ado-deploy-infra.yml with
// --parameters location=... prefix=... postfix=... env=... taken from the
// config-infra file of the environment.
//
// Written for the mlops-tui sandbox, which serves this file in the
// generated repository but never deploys it: a run's result is the
// sandbox's own decision. Resource types, module files, parameter and
// output names are the accelerator's.
targetScope = 'subscription'

@description('The namespace from config-infra, first part of each name.')
param prefix string

@description('The postfix from config-infra, which follows the namespace.')
param postfix string

@description('dev or prod: ends each name.')
param env string

@description('The Azure region of the group and of all it holds.')
param location string = 'westus2'

@description('Put on every resource.')
param tags object = {
  Name: prefix
  Environment: env
  Project: 'mlops-v2'
  Owner: 'mlops-v2'
  Toolkit: 'bicep'
}

// "<prefix>-<postfix><env>" after rg-, kv-, appi- and mlw-.
var baseName = '${prefix}-${postfix}${env}'
var resourceGroupName = 'rg-${baseName}'

resource rg 'Microsoft.Resources/resourceGroups@2020-06-01' = {
  location: location
  name: resourceGroupName
  tags: tags
}

// The workspace, once its four dependencies exist.
module mlw './modules/aml_workspace.bicep' = {
  scope: resourceGroup(rg.name)
  name: 'mlw'
  params: {
    location: location
    tags: tags
    baseName: baseName
    kvid: kv.outputs.kvOut
    crid: cr.outputs.crOut
    stoacctid: st.outputs.stoacctOut
    appinsightid: appi.outputs.appinsightOut
  }
}

// Its compute cluster (cpu-cluster).
module mlwcc './modules/aml_computecluster.bicep' = {
  scope: resourceGroup(rg.name)
  name: 'mlwcc'
  params: {
    workspaceName: mlw.outputs.amlsName
    location: location
  }
}

module kv './modules/key_vault.bicep' = {
  scope: resourceGroup(rg.name)
  name: 'kv'
  params: {
    location: location
    tags: tags
    baseName: baseName
  }
}

module appi './modules/application_insights.bicep' = {
  scope: resourceGroup(rg.name)
  name: 'appi'
  params: {
    location: location
    tags: tags
    baseName: baseName
  }
}

// Storage account and registry names allow no hyphen and few characters:
// these two take a hash of the group's id and the environment instead.
module st './modules/storage_account.bicep' = {
  scope: resourceGroup(rg.name)
  name: 'st'
  params: {
    location: location
    tags: tags
    baseName: '${uniqueString(rg.id)}${env}'
  }
}

module cr './modules/container_registry.bicep' = {
  scope: resourceGroup(rg.name)
  name: 'cr'
  params: {
    location: location
    tags: tags
    baseName: '${uniqueString(rg.id)}${env}'
  }
}
