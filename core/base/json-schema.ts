/** A JSON-schema object (draft-07 subset understood by the config validator). */
export type JsonSchema = Record<string, unknown>;
