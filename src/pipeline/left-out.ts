/**
 * Which steps left out by --only/--from must still be planned (read-only) because a selected step
 * uses their outputs, directly or through another such step (`upload` needs `package`'s file,
 * `deploy` needs `upload`'s key).
 */
import { collectTemplates } from './interpolation.js';
import type { PipelineStep } from './model.js';

/** The ids of the steps whose outputs `step`'s `with` and `if` use. */
export function referencedSteps(step: Pick<PipelineStep, 'with' | 'if'>): Set<string> {
  const ids = new Set<string>();
  for (const template of collectTemplates([step.with, step.if])) {
    if (!template.parsed.ok) continue;
    for (const part of template.parsed.parts) {
      if (part.type === 'ref' && part.ref.kind === 'steps') ids.add(part.ref.stepId);
    }
  }
  return ids;
}

/** Left-out steps whose outputs the selected steps need, transitively. */
export function stepsSupplyingOutputs(steps: readonly PipelineStep[]): Set<string> {
  const needed = new Set<string>();
  // A step only uses earlier steps' outputs, so one pass from the last step back is enough.
  for (const step of [...steps].reverse()) {
    if (!step.selected && !needed.has(step.id)) continue;
    for (const id of referencedSteps(step)) {
      if (steps.some((s) => s.id === id && !s.selected)) needed.add(id);
    }
  }
  return needed;
}
