import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { RunContainer } from '../../core/run/run-container.js';
import { freeingOnFailure, suppressedErrors, Teardown, withTeardown } from '../../core/run/teardown.js';

describe('Teardown: what was built, freed last built first', () => {
  it('frees in reverse order of recording; one that throws does not stop the others; a second run frees nothing', () => {
    const freed: string[] = [];
    const teardown = new Teardown();
    teardown.own('a', () => freed.push('a'));
    teardown.own('b', () => {
      freed.push('b');
      throw new Error('b broke');
    });
    teardown.own('c', () => freed.push('c'));
    const failures = teardown.run();
    expect(freed).toEqual(['c', 'b', 'a']);
    expect(failures.map((f) => f.message)).toEqual(['freeing b failed: b broke']);
    expect((failures[0]!.cause as Error).message).toBe('b broke');
    expect(teardown.run()).toEqual([]);
    expect(freed).toEqual(['c', 'b', 'a']);
  });

  it("in a RunContainer, a binding's value is owned when its factory runs, in the order values were built (dependencies first)", () => {
    const log: string[] = [];
    const container = new RunContainer({ defaultScope: 'Singleton' });
    const disposable = (name: string) => ({ dispose: () => log.push(`freed ${name}`) });
    const [A, B, Unused] = [Symbol('A'), Symbol('B'), Symbol('Unused')];
    // bound in the order A, B, Unused; B depends on A, so A is built first
    container
      .bind<{ dispose(): void }>(A)
      .toDynamicValue(() => (log.push('built A'), disposable('A')))
      .onActivation(container.teardown.owns('A'));
    container
      .bind<{ dispose(): void }>(B)
      .toDynamicValue((ctx) => (ctx.get(A), log.push('built B'), disposable('B')))
      .onActivation(container.teardown.owns('B'));
    container
      .bind<{ dispose(): void }>(Unused)
      .toDynamicValue(() => (log.push('built Unused'), disposable('Unused')))
      .onActivation(container.teardown.owns('Unused'));
    container.get(B);
    container.get(B);
    expect(container.dispose()).toEqual([]);
    // each built once, freed once, the unused binding neither
    expect(log).toEqual(['built A', 'built B', 'freed B', 'freed A']);
  });
});

describe('withTeardown and freeingOnFailure keep the error that ended the work', () => {
  const failing = (message: string) => (): Error[] => [new Error(message)];

  it('a failed body: its own error object, with the teardown failures attached', async () => {
    const original = new Error('the run failed');
    const thrown = await withTeardown(async () => Promise.reject(original), failing('freeing x failed')).catch((e: unknown) => e);
    expect(thrown).toBe(original);
    expect(suppressedErrors(thrown).map((e) => e.message)).toEqual(['freeing x failed']);
    // not enumerable: the error's own properties are what they were
    expect(Object.keys(original)).toEqual([]);
  });

  it('a teardown that throws instead of reporting does not replace the error either', async () => {
    const original = new Error('the run failed');
    const teardown = (): Error[] => {
      throw new Error('teardown threw');
    };
    const thrown = await withTeardown(async () => Promise.reject(original), teardown).catch((e: unknown) => e);
    expect(thrown).toBe(original);
    expect(suppressedErrors(thrown).map((e) => e.message)).toEqual(['teardown threw']);
  });

  it('a successful body: its result, or the teardown failure (several as an AggregateError)', async () => {
    expect(
      await withTeardown(
        async () => 42,
        () => [],
      ),
    ).toBe(42);
    await expect(withTeardown(async () => 42, failing('freeing x failed'))).rejects.toThrow(/^freeing x failed$/);
    const several = await withTeardown(
      async () => 42,
      () => [new Error('one'), new Error('two')],
    ).catch((e: unknown) => e);
    expect(several).toBeInstanceOf(AggregateError);
    expect((several as AggregateError).errors.map((e: Error) => e.message)).toEqual(['one', 'two']);
  });

  it('freeingOnFailure frees only when the body throws, and rethrows its error', () => {
    let freed = 0;
    const free = (): Error[] => (freed++, []);
    expect(freeingOnFailure(() => 'kept', free)).toBe('kept');
    expect(freed).toBe(0);
    const original = new Error('loading failed');
    expect(() =>
      freeingOnFailure(() => {
        throw original;
      }, free),
    ).toThrow(original);
    expect(freed).toBe(1);
  });
});
