/**
 * Whether two entity refs name the same entity: refs are case-insensitive
 * (`user:default/Ada` is `user:default/ada`). A missing ref matches nothing.
 */
export function sameEntityRef(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');
}
