// What e2e/cloud-peers.ts bundles: the fake Databricks workspace, the tracking server that plays
// its MLflow, and the endpoint host its served entities run in.
export { FakeDatabricks } from '../test-support/cloud-peers/fake-databricks';
export { bundleEndpointHost, TEST_PYTHON } from '../electron/services/deploy/test-deploy-fixture';
export { startTestTrackingServer } from '../electron/services/tracking-api/test-tracking-server';
