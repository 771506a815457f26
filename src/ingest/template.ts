// SQL templates beside the code: `{{name}}` marks a fragment a named renderer supplies (identifiers,
// parameter references, schema-dependent expressions); values are bound as `$name` parameters.

/** `template` with every `{{name}}` replaced by `fragments[name]`; a missing or unused fragment is a bug. */
export function fillTemplate(template: string, fragments: Readonly<Record<string, string>>): string {
  const used = new Set<string>();
  const filled = template.replace(/\{\{(\w+)\}\}/g, (_match, name: string) => {
    const fragment = fragments[name];
    if (fragment === undefined) throw new Error(`SQL template needs a fragment for {{${name}}}`);
    used.add(name);
    return fragment;
  });
  const unused = Object.keys(fragments).filter((name) => !used.has(name));
  if (unused.length > 0) throw new Error(`SQL template has no {{${unused.join('}}, {{')}}}`);
  return filled;
}
