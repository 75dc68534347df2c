import { type Static, type TObject, type TOptional, type TProperties, type TSchema, Type } from 'typebox';

/**
 * A property with a default value: optional in a config file, always present once validated (the
 * validator fills defaults in). Its type carries the default, which is how {@link Resolved} tells
 * it from a property that may stay absent.
 */
export type TDefaulted<S extends TSchema = TSchema, V = unknown> = TOptional<S & { default: V }>;

/**
 * `schema` with a default value: the field may be left out of a config, and validation fills in
 * `value`. The emitted JSON schema is `schema` plus `"default": value`, the property not required.
 */
export function Defaulted<S extends TSchema>(schema: S, value: Static<S>): TDefaulted<S, Static<S>> {
  return Type.Optional(Type.With(schema, { default: value })) as TDefaulted<S, Static<S>>;
}

/** Keys of an object schema that validated data always has: required ones and those with a default. */
type PresentKeys<P extends TProperties> = { [K in keyof P]: P[K] extends TOptional<TSchema> ? (P[K] extends { default: unknown } ? K : never) : K }[keyof P];

/** Flattens an intersection into one object type (readable in editors and errors). */
type Flat<T> = { [K in keyof T]: T[K] } & {};

/**
 * The type of data validated against `S` with defaults filled in: like TypeBox's `Static`, except
 * that a property with a default ({@link Defaulted}) is present, in nested objects too. Defaults
 * inside `anyOf` and the like are not filled in by the validator, so only objects recurse.
 */
export type Resolved<S extends TSchema> =
  S extends TObject<infer P> ? Flat<{ [K in PresentKeys<P>]: Resolved<P[K]> } & { [K in Exclude<keyof P, PresentKeys<P>>]?: Resolved<P[K]> }> : Static<S>;
