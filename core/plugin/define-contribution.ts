import type { TObject } from 'typebox';
import type { JsonSchema } from '../base/json-schema.js';
import type { Resolved } from '../base/typed-schema.js';
import type { AnyObjective } from '../objectives/objective.js';
import type { Contribution, ObjectiveContribution, OptionsSchema } from './plugin.js';

/** The contribution `C` with its options schema written as the TypeBox object schema `S`. */
export type WithSchema<C extends Contribution<unknown, object>, S extends TObject> = Omit<C, 'schema'> & { schema: S };

/**
 * Declares a contribution from a TypeBox schema of its options: `create` and `validate` receive the
 * type the schema yields, with defaults filled in, so the schema is the one source of the options'
 * type (no separate options interface to keep in step with it).
 */
export function defineContribution<T, S extends TObject>(contribution: WithSchema<Contribution<T, Resolved<S>>, S>): Contribution<T, Resolved<S>> {
  return { ...contribution, schema: optionsSchema(contribution.schema) };
}

/** {@link defineContribution} for an objective: its `traits` also receive the options the schema yields. */
export function defineObjective<T extends AnyObjective, S extends TObject>(
  contribution: WithSchema<ObjectiveContribution<T, Resolved<S>>, S>,
): ObjectiveContribution<T, Resolved<S>> {
  return { ...contribution, schema: optionsSchema(contribution.schema) };
}

/** The options schema of an object schema: its properties and required fields. */
function optionsSchema(schema: TObject): OptionsSchema {
  // TypeBox's schemas are plain JSON-schema objects; their TypeScript types only lack the index signature
  const properties = schema.properties as Record<string, JsonSchema>;
  return schema.required ? { properties, required: [...schema.required] } : { properties };
}
