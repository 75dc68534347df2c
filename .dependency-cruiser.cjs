/**
 * The dependency rules of gflownet-ts, enforced by `npm run lint:deps` (part of `npm run lint`, run by CI).
 *
 * core/ is built in layers. A file may import from its own layer and from the layers listed before
 * it, never from a later one; layers on the same line are peers and do not import each other.
 * Type-only imports count: a contract that names a type from a higher layer is a knot too.
 */
const CORE_LAYERS = [
  ['base'], //        errors, seeded randomness, JSON-schema type and typed-schema helpers, token type, file access, tensor types: imports nothing of ours
  ['checkpoint'], //  the checkpoint codec: Checkpointable, tensor/array encoding, the registry of saved parts
  ['tensor'], //      tensor backends, dense chains, MLP and transformer estimators, optimizers, the Estimator contract
  ['env'], //         the Environment contract, optional capabilities, reward noise, evaluation views
  ['policy'], //      forward/backward policies, masked categoricals, guides
  ['sampling'], //    trajectories, samplers, replay, exploration, local search
  ['objectives'], //  the Objective contract and the terms objectives share (log Z init, GAE, episode windows)
  ['events'], //      the run's event bus and its event types
  ['evaluation', 'gym'], // exact and sampled evaluation; the Gym-like interface for classic RL
  ['plugin'], //      plugin contracts: contributions, the plugin registry, the resolver
  ['config'], //      config schema, overrides, validation
  ['di'], //          typed dependency-injection tokens, a container typed by them, the TrainingLoop contract
  ['training'], //    the trainer, time budgets, restoring a run's state from a checkpoint
  ['run'], //         run assembly: the container (the only place concrete classes meet) and `runTraining`
  ['conformance'], // the conformance kit for plugin authors (drives environments and objectives from outside)
];

/** A rule forbidding imports from `from` to `to`, reported as an error. */
const forbid = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to });

const layerRules = CORE_LAYERS.flatMap((layer, i) => {
  const below = CORE_LAYERS.slice(0, i + 1)
    .flat()
    .join(', ');
  const above = CORE_LAYERS.slice(i + 1).flat();
  return layer.flatMap((name) => {
    const peers = layer.filter((other) => other !== name);
    const from = { path: `^core/${name}/` };
    return [
      ...(above.length > 0
        ? [forbid(`core-${name}-imports-downwards`, `core/${name}/ imports only from ${below}`, from, { path: `^core/(${above.join('|')})/` })]
        : []),
      ...(peers.length > 0
        ? [forbid(`core-${name}-not-peers`, `core/${name}/ does not import its peers ${peers.join(', ')}`, from, { path: `^core/(${peers.join('|')})/` })]
        : []),
    ];
  });
});

const coreFolders = CORE_LAYERS.flat().join('|');

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    forbid('no-circular', 'no import circles anywhere', {}, { circular: true }),
    forbid('core-is-layered', `every file of core/ sits in one of its layers (${coreFolders})`, { path: '^core/', pathNot: `^core/(${coreFolders})/` }, {}),
    forbid(
      'core-is-layered-imported',
      `nothing imports a file of core/ outside its layers (${coreFolders})`,
      {},
      { path: '^core/', pathNot: `^core/(${coreFolders})/` },
    ),
    forbid(
      'no-orphans',
      'a source file nothing imports and that imports nothing is dead (entry points excepted)',
      { orphan: true, pathNot: ['\\.d\\.ts$', '^(bin|bench|examples|scripts)/', '(^|/)index\\.ts$'] },
      {},
    ),
    forbid(
      'core-imports-only-core',
      'the kernel knows no concrete environment, objective, command or adapter',
      { path: '^core/' },
      { path: '^(algorithms|envs|plugins|cli|harness|dashboard|examples|bench|scripts|templates|test|bin|run-folder)/' },
    ),
    forbid(
      'envs-and-algorithms-import-only-core',
      'environments and algorithms are plugins of the core: they import core/ and nothing beside it',
      { path: '^(envs|algorithms)/' },
      { path: '^(plugins|cli|harness|dashboard|examples|bench|scripts|templates|test|bin|run-folder)/' },
    ),
    forbid('envs-not-algorithms', '', { path: '^envs/' }, { path: '^algorithms/' }),
    forbid('algorithms-not-envs', '', { path: '^algorithms/' }, { path: '^envs/' }),
    forbid(
      'run-folder-below-everything-that-reads-it',
      'run-folder/ (layout, records, writer, reader of a run folder) imports only core/',
      { path: '^run-folder/' },
      { path: '^(algorithms|envs|plugins|cli|harness|dashboard|examples|bench|scripts|templates|test|bin)/' },
    ),
    forbid(
      'harness-below-plugins',
      'the bench harness runs configs through the core; commands and adapters sit above it',
      { path: '^harness/' },
      { path: '^(plugins|cli|dashboard|examples|bench)/' },
    ),
    forbid('nothing-imports-cli', 'cli/ is the top: only its launcher (bin/) and the tests import it', { pathNot: '^(cli|bin|test)/' }, { path: '^cli/' }),
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['gflownet-ts-source', 'import', 'types', 'default'] },
  },
};
