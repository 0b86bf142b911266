// ES module resolution fallback for function code: ES modules ignore NODE_PATH, so a bare
// specifier that does not resolve from the function's own directories is retried as if imported
// from each NODE_PATH directory (layers' nodejs/node_modules, the AWS SDK this package ships).
// That is what `/opt/nodejs/node_modules` and the runtime's bundled SDK give ESM code on AWS.
//
// Used as a module.register() hook (loader thread, Node 20) or through resolveSync() with
// module.registerHooks() (in-thread, Node 22.15+).
import { pathToFileURL } from 'node:url';

let parents = [];
let fresh = false;

/**
 * `dirs`: the fallback directories. `fresh`: give every file module a new URL (a query), for a
 * retry after an import that failed without the hook: Node caches failed modules by URL.
 */
export function configure(data) {
  parents = (data?.dirs ?? []).map((dir) => pathToFileURL(`${dir.replace(/\/+$/, '')}/_.mjs`).href);
  fresh = data?.fresh === true;
}

export const initialize = configure;

/** Bare specifiers (`pkg`, `@scope/pkg/sub`) are the only ones a search path can help. */
export function isBare(specifier) {
  return !/^(\.{0,2}\/|#|[a-zA-Z][a-zA-Z0-9+.-]*:)/.test(specifier);
}

function applies(error, specifier) {
  return error?.code === 'ERR_MODULE_NOT_FOUND' && isBare(specifier);
}

function mark(result) {
  if (!fresh || !result?.url?.startsWith('file:')) return result;
  return { ...result, url: `${result.url}${result.url.includes('?') ? '&' : '?'}lambda-tasks-retry` };
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return mark(await nextResolve(specifier, context));
  } catch (error) {
    if (!applies(error, specifier)) throw error;
    // A parent URL inside each directory: resolution walks `dir/node_modules`, then `dir`'s parents.
    for (const parentURL of parents) {
      try {
        return mark(await nextResolve(specifier, { ...context, parentURL }));
      } catch {}
    }
    throw error;
  }
}

export function resolveSync(specifier, context, nextResolve) {
  try {
    return mark(nextResolve(specifier, context));
  } catch (error) {
    if (!applies(error, specifier)) throw error;
    for (const parentURL of parents) {
      try {
        return mark(nextResolve(specifier, { ...context, parentURL }));
      } catch {}
    }
    throw error;
  }
}
