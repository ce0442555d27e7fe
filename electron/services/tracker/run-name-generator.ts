// Friendly names for runs logged without one, in MLflow's "adjective-noun-number" style.
import { randomInt } from 'node:crypto';

const ADJECTIVES = [
  'amber', 'bold', 'brisk', 'calm', 'clever', 'crisp', 'dapper', 'eager', 'fleet', 'gentle',
  'glad', 'keen', 'lucid', 'merry', 'nimble', 'placid', 'quiet', 'rapid', 'sly', 'stout',
  'sunny', 'swift', 'tidy', 'vivid', 'wise', 'zesty',
] as const;
const NOUNS = [
  'badger', 'bear', 'crane', 'deer', 'eagle', 'falcon', 'finch', 'fox', 'gull', 'hare',
  'heron', 'ibis', 'lark', 'lynx', 'mole', 'moth', 'otter', 'owl', 'panda', 'quail',
  'raven', 'seal', 'shrew', 'stoat', 'swan', 'wren',
] as const;

/** A random readable run name such as "keen-otter-42". */
export function generateRunName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}-${randomInt(1000)}`;
}
