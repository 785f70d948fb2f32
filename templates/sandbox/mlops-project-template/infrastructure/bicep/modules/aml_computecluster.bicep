// The workspace's CPU cluster for training jobs: Standard_DS3_v2 Linux
// nodes, none when idle, at most four. Written for the mlops-tui sandbox.
@description('The workspace the cluster belongs to.')
param workspaceName string
param location string

@description('The name the training pipelines ask for.')
param computeClusterName string = 'cpu-cluster'

resource amlci 'Microsoft.MachineLearningServices/workspaces/computes@2020-09-01-preview' = {
  // A child resource named by its parent's name and its own.
  name: '${workspaceName}/${computeClusterName}'
  location: location
  properties: {
    computeType: 'AmlCompute'
    properties: {
      osType: 'Linux'
      vmSize: 'Standard_DS3_v2'
      subnet: json('null')
      scaleSettings: {
        minNodeCount: 0
        maxNodeCount: 4
      }
    }
  }
}
