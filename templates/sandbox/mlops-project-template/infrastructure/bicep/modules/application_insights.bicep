// Application Insights for the workspace: appi-<baseName>, web kind.
// Written for the mlops-tui sandbox.
@description('<prefix>-<postfix><env>, from main.bicep.')
param baseName string
param location string
param tags object

var componentName = 'appi-${baseName}'

resource appinsight 'Microsoft.Insights/components@2020-02-02-preview' = {
  name: componentName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
  }
}

@description('Its resource id, for the workspace.')
output appinsightOut string = appinsight.id
