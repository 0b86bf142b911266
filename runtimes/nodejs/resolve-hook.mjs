// ES module resolution fallback for function code: ES modules ignore NODE_PATH, so a bare
// specifier that does not resolve from the function's own directories is retried as if imported
// from each NODE_PATH directory (layers' nodejs/node_modules, the AWS SDK this package ships).
// That is what `/opt/nodejs/node_modules` and the runtime's bundled SDK give ESM code on AWS.
import { pathToFileURL } from 'node:url';

let parents = [];

/** A parent URL inside `dir`, so that resolution walks `dir/node_modules`, then `dir`'s parents. */
export function fallbackParents(dirs) {
  return dirs.map((dir) => pathToFileURL(`${dir.replace(/\/+$/, '')}/_.mjs`).href);
}

/** Bare specifiers (`pkg`, `@scope/pkg/sub`) are the only ones a search path can help. */
export function isBare(specifier) {
  return !/^(\.{0,2}\/|[a-zA-Z][a-zA-Z0-9+.-]*:)/.test(specifier);
}

export function initialize(data) {
  parents = fallbackParents(data?.dirs ?? []);
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !isBare(specifier)) throw error;
    for (const parentURL of parents) {
      try {
        return await nextResolve(specifier, { ...context, parentURL });
      } catch {}
    }
    throw error;
  }
}
