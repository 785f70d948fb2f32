// Sandbox stand-in (mlops-tui), written from public facts; not the upstream file.
param baseName string
param location string
param stoacctid string
param kvid string
param appinsightid string
param crid string
param tags object

resource mlw 'Microsoft.MachineLearningServices/workspaces@2023-04-01' = {
  name: 'mlw-${baseName}'
  location: location
  identity: {
    type: 'SystemAssigned'
  }
  sku: {
    tier: 'Basic'
    name: 'Basic'
  }
  properties: {
    friendlyName: 'mlw-${baseName}'
    storageAccount: stoacctid
    keyVault: kvid
    applicationInsights: appinsightid
    containerRegistry: crid
  }
  tags: tags
}

output amlwsName string = mlw.name
