// What e2e/cloud-peers.ts bundles: the fakes of Databricks, SageMaker and Azure ML with their
// storage peers (radosgw, azurite), the tracking server that plays Databricks' MLflow, and the
// endpoint host that the fakes' served models run in.
export { FakeDatabricks } from '../test-support/cloud-peers/fake-databricks';
export { bundleEndpointHost, TEST_PYTHON } from '../electron/services/deploy/test-deploy-fixture';
export { startTestTrackingServer } from '../electron/services/tracking-api/test-tracking-server';
export { FakeSageMaker } from '../test-support/cloud-peers/fake-sagemaker';
export { radosgwMissing, startRadosgw } from '../test-support/cloud-peers/radosgw-peer';
export { startAzureMlPeers } from '../test-support/cloud-peers/fake-azureml';
