import { describe, expect, it } from 'vitest';
import { decodeRunsTablePage, spareRows, type RunsTableColumnSpec } from '../../../shared/runs-table';
import { testPage } from './runs-table-fixture';
import { packDecodedPage, unpackDecodedPage } from './runs-table-transfer';

describe('runs table transfer', () => {
  it('packs a decoded page and unpacks the same page, handing over its numbers’ memory', () => {
    const columns: RunsTableColumnSpec[] = [
      { kind: 'metric', key: 'loss', aggregate: 'latest' },
      { kind: 'param', key: 'optimizer' },
    ];
    const page = testPage(
        [
          { id: 'a', status: 'RUNNING', parent: null, values: { loss: 0.5, optimizer: 'adam' } },
          { id: 'b', parent: 'a', values: { loss: Number.NaN, optimizer: 'adam' } },
          { id: 'c', values: { optimizer: 'sgd' } },
        ],
        columns,
      );
    const { packed, transfer } = packDecodedPage(decodeRunsTablePage(page));
    expect(packed.columns[1]).toMatchObject({ type: 'text', texts: { values: ['adam', 'sgd'] } });
    expect(transfer.length).toBeGreaterThanOrEqual(8);
    // As postMessage would deliver it.
    const delivered = structuredClone(packed, { transfer });
    const unpacked = unpackDecodedPage(delivered);
    expect(unpacked).toEqual(decodeRunsTablePage(page));
    // The metric columns arrive as views with room to grow into (see spareRows).
    const loss = unpacked.columns[0];
    expect(loss?.type === 'number' && [loss.values.length, loss.values.buffer.byteLength / 8]).toEqual([3, 3 + spareRows(3)]);
  });
});
