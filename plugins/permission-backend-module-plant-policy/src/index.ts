/**
 * The Plantops permission policy.
 *
 * @packageDocumentation
 */
export {};
