/** The apiVersion of the Plantops entity kinds (Site, ProductionLine). */
export const PLANTOPS_API_VERSION = 'plantops.io/v1alpha1' as const;

/*
 * Schema fragments shared by the kind schemas.
 *
 * Convention: the first sentence of a `description` is a noun phrase saying
 * what the value must be, and the first of `examples` is a valid value. The
 * catalog processor builds its error messages from them ("spec.timezone must
 * be an IANA time zone, such as Europe/Berlin"), so keep both accurate.
 */

/** An entity reference string, e.g. `group:default/edge-team`. */
export function entityRefSchema(description: string, example: string) {
  return {
    type: 'string',
    minLength: 1,
    description,
    examples: [example],
  } as const;
}

/** A wall-clock time of day, 24-hour `HH:MM`. */
export const timeOfDaySchema = {
  type: 'string',
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  description: 'A local time of day as HH:MM on a 24-hour clock.',
  examples: ['06:00'],
} as const;

/**
 * An OPC UA node id in its string form: optional `ns=<index>;` or
 * `nsu=<uri>;`, then `i=`, `s=`, `g=` or `b=` and the identifier.
 */
export const opcUaNodeIdSchema = {
  type: 'string',
  pattern: '^(ns=[0-9]+;|nsu=[^;]+;)?[isgb]=.+$',
  description: 'An OPC UA node id.',
  examples: ['ns=2;s=MS5PlantA.Filling.Filler.State'],
} as const;
