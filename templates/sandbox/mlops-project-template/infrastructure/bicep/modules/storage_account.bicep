// Sandbox stand-in (mlops-tui), written from public facts; not the upstream file.
param baseName string
param location string
param tags object

// st + uniqueString(rg.id) + env: 19 characters, independent of the namespace
resource st 'Microsoft.Storage/storageAccounts@2022-09-01' = {
  name: 'st${baseName}'
  location: location
  sku: {
    name: 'Standard_LRS'
  }
  kind: 'StorageV2'
  tags: tags
}

output stOut string = st.id
