// Sandbox stand-in (mlops-tui), written from public facts; not the upstream file.
param baseName string
param location string
param tags object

// No Log Analytics workspace is linked (classic mode).
resource appi 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${baseName}'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
  }
  tags: tags
}

output appiOut string = appi.id
