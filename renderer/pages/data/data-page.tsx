// The Data page (#/data): the datasets Cairn knows, with the form that adds one; and a dataset's
// own page (#/data/:name, a version chosen with ?version=): versions, profile, checks and drift.
import { useEffect } from 'react';
import { useRoute } from '../../router';
import { useAppStore } from '../../use-app-store';
import { AddDatasetForm } from './add-dataset-form';
import { DataJobsLine } from './data-jobs-line';
import { DatasetList } from './dataset-list';
import { DatasetView } from './dataset-view';

/** The Data page. */
export function DataPage() {
  const route = useRoute();
  const datasetName = route.name === 'data' ? route.datasetName : null;
  useEffect(() => {
    void useAppStore.getState().loadDatasets();
  }, []);
  // A dataset's own data is asked for by the router, with the route change (startPageData).
  const listReady = useAppStore((state) => state.datasets.status === 'ready');
  const datasetReady = useAppStore((state) => state.openDataset?.name === datasetName && state.openDataset?.detail.status === 'ready');
  if (datasetName !== null) {
    return (
      <div className="page data-page">
        <DatasetView key={datasetName} name={datasetName} />
        {datasetReady && <span data-testid="dataset-ready" hidden />}
      </div>
    );
  }
  return (
    <div className="page data-page">
      <div className="page-header">
        <h1>Data</h1>
      </div>
      <div className="card add-dataset-card">
        <AddDatasetForm autoFocus={listReady && useAppStore.getState().datasets.data?.length === 0} />
      </div>
      <DataJobsLine />
      <DatasetList />
      {listReady && <span data-testid="data-ready" hidden />}
    </div>
  );
}
