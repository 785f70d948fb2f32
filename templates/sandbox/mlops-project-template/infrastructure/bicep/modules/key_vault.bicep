// The workspace's key vault: kv-<baseName>, standard tier, no access
// policies of its own. Written for the mlops-tui sandbox.
@description('<prefix>-<postfix><env>, from main.bicep.')
param baseName string
param location string
param tags object

var vaultName = 'kv-${baseName}'

resource kv 'Microsoft.KeyVault/vaults@2019-09-01' = {
  name: vaultName
  location: location
  tags: tags
  properties: {
    accessPolicies: []
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
  }
}

@description('Its resource id, for the workspace.')
output kvOut string = kv.id
