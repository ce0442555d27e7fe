import { describe, expect, it } from 'vitest';
import { leafId, paramLeaves, paramOverrides } from './param-leaves';

describe('param leaves', () => {
  const leaves = paramLeaves([
    { file: 'params.yaml', key: 'train', value: { lr: 0.1, layers: [2, 3], opt: { name: 'adam' } }, text: "{'lr': 0.1}", stages: ['train'] },
    { file: 'params.yaml', key: 'seed', value: 1, text: '1.0', stages: ['prepare'] },
    { file: 'other.json', key: 'flag', value: true, text: 'True', stages: ['prepare'] },
  ]);

  it('lists each leaf with the text an override takes, floats as Python prints them', () => {
    expect(leaves.map((leaf) => [leafId(leaf), leaf.text])).toEqual([
      ['params.yaml:train.lr', '0.1'],
      ['params.yaml:train.layers', '[2,3]'],
      ['params.yaml:train.opt.name', 'adam'],
      ['params.yaml:seed', '1.0'],
      ['other.json:flag', 'true'],
    ]);
  });

  it('makes overrides of the edited leaves only, naming a file other than params.yaml', () => {
    expect(paramOverrides(leaves, { 'params.yaml:train.lr': '0.01', 'params.yaml:seed': ' 1.0 ', 'other.json:flag': 'false' })).toEqual([
      'train.lr=0.01',
      'other.json:flag=false',
    ]);
  });
});
