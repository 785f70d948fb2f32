// The Azure Machine Learning workspace, mlw-<baseName>, with a
// system-assigned identity, on the storage account, key vault, Application
// Insights and container registry made beside it (their ids come in).
// Written for the mlops-tui sandbox.
@description('<prefix>-<postfix><env>, from main.bicep.')
param baseName string
param location string
param tags object

@description('Resource ids of the workspace\'s dependencies.')
param stoacctid string
param kvid string
param appinsightid string
param crid string

var workspaceName = 'mlw-${baseName}'

resource amls 'Microsoft.MachineLearningServices/workspaces@2020-09-01-preview' = {
  name: workspaceName
  location: location
  tags: tags
  sku: {
    name: 'basic'
    tier: 'basic'
  }
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    keyVault: kvid
    storageAccount: stoacctid
    containerRegistry: crid
    applicationInsights: appinsightid
    // No customer-managed key.
    encryption: {
      status: 'Disabled'
      keyVaultProperties: {
        keyVaultArmId: ''
        keyIdentifier: ''
      }
    }
  }
}

@description('The workspace\'s name, for the compute cluster.')
output amlsName string = amls.name
