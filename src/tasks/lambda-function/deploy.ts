/**
 * `lambda-function: deploy`, the action most pipelines want: create the function when it is
 * missing, otherwise change only what differs (configuration members, code by CodeSha256, tags),
 * waiting for LastUpdateStatus Successful around each change; then optionally publish a version
 * and move an alias to it. A redeploy of the same inputs makes no call that writes, and its skip
 * events say why ("code unchanged (CodeSha256 matches the local package)").
 */
import { PipelineError } from '../../pipeline/errors.js';
import {
  type ActionContext,
  type ActionImplementation,
  KNOWN_AFTER_RUN,
  type PlannedChange,
  type PlanResult,
} from '../task.js';
import { getAlias, pointAlias } from './aliases.js';
import { applyDecision, type CurrentFunction, decide, describeDecision, hasChanges, type Wanted } from './changes.js';
import { codeSha256, loadCode } from './code.js';
import { shortName } from './function-name.js';
import { createFunction, describeCreate } from './functions.js';
import { findFunction, functionOutputs } from './lifecycle.js';
import { type DeployParams, missingForCreate, wantedFrom } from './params.js';
import { publish, publishedLatest } from './versions.js';

function ensureCreatable(params: DeployParams): void {
  const missing = missingForCreate(params);
  if (missing.length) {
    throw new PipelineError(
      'ActionFailed',
      `Function ${shortName(params.functionName)} does not exist, and creating it needs ${missing.join(', ')}.`,
      { hint: `add ${missing.join(', ')} to the step (or check functionName and the region)` },
    );
  }
}

async function planDeploy(params: DeployParams, ctx: ActionContext): Promise<PlanResult> {
  const name = shortName(params.functionName);
  const resource = `function ${name}`;
  const publishing = params.publish ?? params.alias !== undefined;
  const code = params.code ? await loadCode(ctx, params.code, { plan: true }) : undefined;
  const current = await findFunction(ctx, params.functionName);
  const changes: PlannedChange[] = [];
  let versionChanges = true;
  let foreseenSha: string | undefined;
  if (!current) {
    const wanted: Wanted = { ...wantedFrom(params), ...(code ? { code } : {}) };
    const missing = missingForCreate(params);
    const details = describeCreate(wanted);
    if (missing.length) details.push(`missing ${missing.join(', ')}: the step will fail`);
    changes.push({ action: 'create', resource, details });
  } else {
    const sha = code ? await codeSha256(ctx, code, { plan: true }) : undefined;
    const decision = decide(
      { ...wantedFrom(params), ...(code ? { code } : {}), ...(sha ? { codeSha: sha } : {}) },
      current,
    );
    versionChanges = decision.configuration.length > 0 || decision.code.update;
    foreseenSha = decision.code.update ? sha?.sha256 : current.config.CodeSha256;
    changes.push({ action: hasChanges(decision) ? 'update' : 'none', resource, details: describeDecision(decision) });
  }
  let version = 'the new version';
  let knownVersion: string | undefined;
  let aliasArn = '';
  if (publishing) {
    const existing =
      !versionChanges && current ? await publishedLatest(ctx, params.functionName, current.config) : undefined;
    if (existing) {
      version = `version ${existing.Version}`;
      knownVersion = existing.Version;
      changes.push({ action: 'none', resource: `${resource} version`, details: [`${version} already holds $LATEST`] });
    } else {
      changes.push({ action: 'create', resource: `${resource} version`, details: ['publish $LATEST'] });
    }
  }
  if (params.alias) {
    const aliasResource = `alias ${name}:${params.alias}`;
    const alias = current ? await getAlias(ctx, params.functionName, params.alias) : undefined;
    if (!alias) changes.push({ action: 'create', resource: aliasResource, details: [`-> ${version}`] });
    else if (`version ${alias.FunctionVersion}` === version && !alias.RoutingConfig?.AdditionalVersionWeights) {
      aliasArn = alias.AliasArn ?? '';
      changes.push({ action: 'none', resource: aliasResource, details: [`already -> ${version}`] });
    } else {
      changes.push({
        action: 'update',
        resource: aliasResource,
        details: [`version ${alias.FunctionVersion} -> ${version}`],
      });
    }
  }
  // A deploy that changes nothing will report the function as it is: later steps can plan with it.
  if (current && !changes.some((c) => c.action !== 'none')) {
    return { changes, outputs: { ...functionOutputs(current.config, knownVersion), aliasArn } };
  }
  // Otherwise what a change keeps: the function's name and ARN, an alias's ARN.
  const known = current ? functionOutputs(current.config) : undefined;
  const functionArn = known?.functionArn ?? KNOWN_AFTER_RUN;
  return {
    changes,
    outputs: {
      functionName: known?.functionName ?? name,
      functionArn,
      version: publishing ? (knownVersion ?? KNOWN_AFTER_RUN) : '$LATEST',
      codeSha256: foreseenSha ?? KNOWN_AFTER_RUN,
      state: KNOWN_AFTER_RUN,
      revisionId: KNOWN_AFTER_RUN,
      aliasArn: params.alias ? `${functionArn}:${params.alias}` : '',
    },
  };
}

export const deploy: ActionImplementation<DeployParams> = {
  plan: planDeploy,
  async run(params, ctx) {
    const name = params.functionName;
    const publishing = params.publish ?? params.alias !== undefined;
    const code = params.code ? await loadCode(ctx, params.code) : undefined;
    const current: CurrentFunction | undefined = await findFunction(ctx, name);
    // Publishing and aliasing need the changes finished, whatever `wait` says.
    const waitForChanges = params.wait || publishing;
    let config: CurrentFunction['config'];
    let changed: boolean;
    let versionChanges: boolean;
    let what: string;
    if (!current) {
      ensureCreatable(params);
      config = await createFunction(
        ctx,
        name,
        { ...wantedFrom(params), ...(code ? { code } : {}) },
        { wait: waitForChanges },
      );
      changed = versionChanges = true;
      what = 'created';
    } else {
      const sha = code ? await codeSha256(ctx, code) : undefined;
      const wanted: Wanted = { ...wantedFrom(params), ...(code ? { code } : {}), ...(sha ? { codeSha: sha } : {}) };
      const decision = decide(wanted, current);
      config = await applyDecision(ctx, name, wanted, current, decision, { wait: waitForChanges });
      changed = hasChanges(decision);
      versionChanges = decision.configuration.length > 0 || decision.code.update;
      const parts = [
        ...(decision.configuration.length ? ['configuration'] : []),
        ...(decision.code.update ? ['code'] : []),
        ...(decision.tags ? ['tags'] : []),
      ];
      what = parts.length ? `updated ${parts.join(', ')} of` : 'unchanged:';
    }
    let version: string | undefined;
    if (publishing) {
      const published = await publish(ctx, name, config, { changed: versionChanges, wait: params.wait });
      version = published.version.Version;
      changed ||= published.created;
    }
    let aliasArn = '';
    if (params.alias && version) {
      const moved = await pointAlias(ctx, name, params.alias, version);
      aliasArn = moved.alias.AliasArn ?? '';
      changed ||= moved.changed;
    }
    const extra = [version ? `version ${version}` : '', params.alias ? `alias ${params.alias}` : '']
      .filter(Boolean)
      .join(', ');
    return {
      outputs: { ...functionOutputs(config, version), aliasArn },
      changed,
      summary: `${what} function ${config.FunctionName}${extra ? ` (${extra})` : ''}`,
    };
  },
};
