import { describe, expect, expectTypeOf, it } from 'vitest';
import { Rng } from '../../core/base/rng.js';
import type { Environment } from '../../core/env/environment.js';
import { EventBus } from '../../core/events/bus.js';
import { resolverOf, TypedContainer } from '../../core/di/typed-container.js';
import { type Token, TOKENS } from '../../core/di/tokens.js';
import type { TrainingLoop } from '../../core/di/training-loop.js';
import type { Trainer } from '../../core/training/trainer.js';

// The type assertions below are checked by `tsc -p .` (the test files are part of the project): a
// token that lost its type, or a container that stopped checking bindings, fails the type check.
describe('typed DI tokens', () => {
  it('are the symbols gfn.<name> of the global registry, shared by every copy of the package', () => {
    for (const [name, token] of Object.entries(TOKENS)) expect(token).toBe(Symbol.for(`gfn.${name}`));
  });

  it('type what a resolver returns, with no type argument', () => {
    const container = new TypedContainer();
    const bus = new EventBus();
    container.bind(TOKENS.EventBus).toConstantValue(bus);
    const resolve = resolverOf(container);
    expectTypeOf(resolve.get(TOKENS.EventBus)).toEqualTypeOf<EventBus>();
    expect(resolve.get(TOKENS.EventBus)).toBe(bus);
    // @ts-expect-error a token's service cannot be read as another type
    const wrong: Rng = resolve.get(TOKENS.EventBus);
    void wrong;
    expectTypeOf(TOKENS.EvaluationEnvironment).toEqualTypeOf<Token<Environment>>();
    expectTypeOf(TOKENS.BackendName).toEqualTypeOf<Token<string>>();
    // the trainer is seen through its contract one layer below it, which it implements
    expectTypeOf(TOKENS.Trainer).toEqualTypeOf<Token<TrainingLoop>>();
    expectTypeOf<Trainer>().toMatchTypeOf<TrainingLoop>();
  });

  it('let a typed container bind and resolve only services of the token type', () => {
    const container = new TypedContainer();
    const rng = new Rng(7);
    container.bind(TOKENS.Rng).toConstantValue(rng);
    // @ts-expect-error the backend name is a string
    container.bind(TOKENS.BackendName).toConstantValue(42);
    // @ts-expect-error a factory bound to a token must build the token's service
    container.bind(TOKENS.Config).toDynamicValue(() => 'not a config');
    expectTypeOf(container.get(TOKENS.Rng)).toEqualTypeOf<Rng>();
    expect(container.get(TOKENS.Rng)).toBe(rng);
    expect(resolverOf(container).get(TOKENS.Rng)).toBe(rng);
    // a token is an ordinary inversify service identifier: the untyped API sees the same binding
    expect(container.get<Rng>(Symbol.for('gfn.Rng'))).toBe(rng);
  });
});
