// The workspace's default storage: st<hash><env>, StorageV2 on locally
// redundant storage, HTTPS only, blobs and files encrypted with keys
// Microsoft manages. Written for the mlops-tui sandbox.
@description('A hash of the resource group and the environment: storage names take 3 to 24 lowercase letters and digits.')
param baseName string
param location string
param tags object

var accountName = 'st${baseName}'

resource stoacct 'Microsoft.Storage/storageAccounts@2019-04-01' = {
  name: accountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    supportsHttpsTrafficOnly: true
    encryption: {
      keySource: 'Microsoft.Storage'
      services: {
        file: {
          enabled: true
        }
        blob: {
          enabled: true
        }
      }
    }
  }
}

@description('Its resource id, for the workspace.')
output stoacctOut string = stoacct.id
