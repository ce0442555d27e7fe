// Runs Cairn's benchmarks one after another and prints their figures with the machine they
// came from; `npm run bench -- NAME...` runs only the named ones. Figures are also written to
// bench/results/latest.json. The README's figures table is copied from this output.
import fs from 'node:fs';
import path from 'node:path';
import { runAzureMlDeployBench } from './azureml-deploy-bench';
import { describeMachine, type Benchmark, type BenchFigure } from './bench-result';
import { runCtBench } from './ct-bench';
import { runDatabricksDeployBench } from './databricks-deploy-bench';
import { runDataBench } from './data-bench';
import { runDeployBench } from './deploy-bench';
import { runDownsamplerBench } from './downsampler-bench';
import { runImportBench } from './import-bench';
import { runPipelineBench } from './pipeline-bench';
import { runTrackingApiBench } from './tracking-api-bench';
import { runUiCompareBench } from './ui-compare-bench';
import { runUiDataBench } from './ui-data-bench';
import { runUiRunsTable100kBench } from './ui-runs-table-100k-bench';
import { runUiRunsTableBench } from './ui-runs-table-bench';

const BENCHMARKS: readonly Benchmark[] = [
  { name: 'tracking-api', run: runTrackingApiBench },
  { name: 'downsampler', run: runDownsamplerBench },
  { name: 'import', run: runImportBench },
  { name: 'pipeline', run: runPipelineBench },
  { name: 'ui-runs-table', run: runUiRunsTableBench },
  { name: 'ui-compare', run: runUiCompareBench },
  { name: 'ui-runs-table-100k', run: runUiRunsTable100kBench },
  { name: 'data', run: runDataBench },
  { name: 'ui-data', run: runUiDataBench },
  { name: 'deploy', run: runDeployBench },
  { name: 'databricks-deploy', run: runDatabricksDeployBench },
  { name: 'azureml-deploy', run: runAzureMlDeployBench },
  { name: 'ct', run: runCtBench },
];

function formatValue(figure: BenchFigure): string {
  const digits = Math.abs(figure.value) >= 100 ? 0 : Math.abs(figure.value) >= 10 ? 1 : 2;
  return `${figure.value.toLocaleString('en-US', { maximumFractionDigits: digits })} ${figure.unit}`;
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !BENCHMARKS.some((b) => b.name === name));
  if (unknown.length) {
    console.error(`bench: unknown benchmark(s) ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
    process.exit(2);
  }
  const selected = wanted.length ? BENCHMARKS.filter((b) => wanted.includes(b.name)) : BENCHMARKS;
  const machine = describeMachine();
  console.log(`Machine: ${machine}`);
  const results: Array<BenchFigure & { benchmark: string }> = [];
  for (const benchmark of selected) {
    console.log(`\n== ${benchmark.name}`);
    const figures = await benchmark.run();
    for (const figure of figures) {
      console.log(`  ${figure.name}: ${formatValue(figure)} (target ${figure.target})`);
      results.push({ ...figure, benchmark: benchmark.name });
    }
  }
  console.log('\n| benchmark | figure | measured | target |\n|---|---|---|---|');
  for (const r of results) console.log(`| ${r.benchmark} | ${r.name} | ${formatValue(r)} | ${r.target} |`);
  const out = path.join(process.cwd(), 'bench', 'results', 'latest.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify({ machine, date: new Date().toISOString(), results }, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
