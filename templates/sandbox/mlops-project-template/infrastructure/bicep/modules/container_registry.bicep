// The workspace's container registry, for its environments' images:
// cr<hash><env>, Standard tier, with the admin user on.
// Written for the mlops-tui sandbox.
@description('A hash of the resource group and the environment (registry names take no hyphen).')
param baseName string
param location string
param tags object

var registryName = 'cr${baseName}'

resource cr 'Microsoft.ContainerRegistry/registries@2020-11-01-preview' = {
  name: registryName
  location: location
  tags: tags
  properties: {
    adminUserEnabled: true
  }
  sku: {
    name: 'Standard'
  }
}

@description('Its resource id, for the workspace.')
output crOut string = cr.id
