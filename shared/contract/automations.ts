// The automations capability: the projects the app's scheduler watches, their automations with
// their state, Run now, Enable/Disable, a person's decision on a waiting candidate, the audit trail.
import { z } from 'zod';
import type { AutomationFiring, AutomationSummary } from '../automation-models';
import { defineCall, type CapabilityCalls } from './call-spec';
import type { CapabilityCallName } from './contract-names';

/** The name of a call of the automations capability. */
export type AutomationsCallName = CapabilityCallName<'automations'>;

/** A project the scheduler watches, with the problem of its automations file when it has one. */
export interface AutomationProject {
  readonly projectDir: string;
  readonly problem: string | null;
}

const projectDir = z.string().min(1).max(4096);
const automation = z.string().min(1).max(63);

/** The calls of the automations capability. */
export const automationsCalls = {
  /** The projects whose automations run in the background. */
  listAutomationProjects: defineCall<AutomationProject[]>()(z.object({}).strict()),
  /** Adds a project folder holding cairn-automations.yaml; refused (with each problem's line) when the file is wrong. */
  addAutomationProject: defineCall<AutomationProject>()(z.object({ projectDir }).strict()),
  /** Stops running a project's automations (their audit trail stays); the projects left. */
  removeAutomationProject: defineCall<AutomationProject[]>()(z.object({ projectDir }).strict()),
  /** A project's automations with their state, next scheduled time and last outcome. */
  listAutomations: defineCall<AutomationSummary[]>()(z.object({ projectDir }).strict()),
  /** The audit trail, newest first. */
  listAutomationFirings: defineCall<AutomationFiring[]>()(
    z.object({ projectDir, automation: automation.optional(), limit: z.number().int().min(1).max(1000).default(50) }).strict(),
  ),
  /** Run now: queues a manual evaluation and returns the automation at once (the firing shows in the trail). */
  runAutomation: defineCall<AutomationSummary>()(z.object({ projectDir, automation }).strict()),
  /** Enable or disable an automation; the automation as it is now. */
  setAutomationEnabled: defineCall<AutomationSummary>()(z.object({ projectDir, automation, enabled: z.boolean() }).strict()),
  /** Approve or reject a candidate waiting for approval. */
  decideAutomationFiring: defineCall<AutomationFiring>()(
    z.object({ firingId: z.number().int().min(1), decision: z.enum(['approved', 'rejected']), comment: z.string().max(2000).optional() }).strict(),
  ),
  /** Cancel a running firing (in this process or another): its pipeline stops, the firing ends cancelled; refused once its promotion has begun. */
  cancelAutomationFiring: defineCall<AutomationFiring>()(z.object({ firingId: z.number().int().min(1) }).strict()),
} satisfies CapabilityCalls<AutomationsCallName>;
