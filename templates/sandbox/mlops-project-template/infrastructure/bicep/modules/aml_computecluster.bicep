// Sandbox stand-in (mlops-tui), written from public facts; not the upstream file.
param location string
param workspaceName string

resource mlw 'Microsoft.MachineLearningServices/workspaces@2023-04-01' existing = {
  name: workspaceName
}

resource cluster 'Microsoft.MachineLearningServices/workspaces/computes@2023-04-01' = {
  parent: mlw
  name: 'cpu-cluster'
  location: location
  properties: {
    computeType: 'AmlCompute'
    properties: {
      vmSize: 'Standard_DS3_v2'
      vmPriority: 'Dedicated'
      scaleSettings: {
        minNodeCount: 0
        maxNodeCount: 4
        nodeIdleTimeBeforeScaleDown: 'PT120S'
      }
    }
  }
}
