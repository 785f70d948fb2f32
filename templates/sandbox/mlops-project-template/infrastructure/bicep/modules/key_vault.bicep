// Sandbox stand-in (mlops-tui), written from public facts; not the upstream file.
param baseName string
param location string
param tags object

resource kv 'Microsoft.KeyVault/vaults@2022-07-01' = {
  name: 'kv-${baseName}'
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      name: 'standard'
      family: 'A'
    }
    accessPolicies: []
  }
  tags: tags
}

output kvOut string = kv.id
