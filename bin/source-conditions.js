// Resolution hook of the development launchers: `import … from 'gflownet-ts'` (the example plugin
// does that) resolves to the TypeScript sources through the package's "gflownet-ts-source" export
// condition, so that a plugin and the command share one copy of the modules, never a stale dist/.
export async function resolve(specifier, context, nextResolve) {
  return nextResolve(specifier, { ...context, conditions: [...context.conditions, 'gflownet-ts-source'] });
}
