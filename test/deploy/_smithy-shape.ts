// Checks a JSON value against an AWS SDK input shape, using the service model the SDK itself ships
// (its static Smithy schemas, what the client serialises requests with): every key must be a member,
// every value of the member's type, required members present, and enum values among the SDK's.
import { NormalizedSchema } from '@smithy/core/schema';

/** Enum members, as `Structure.member` -> the SDK's enum object (the schemas hold enums as strings). */
export type EnumMembers = Record<string, Record<string, string>>;

export function shapeProblems(value: unknown, schema: unknown, enums: EnumMembers, path = '$'): string[] {
  return walk(value, NormalizedSchema.of(schema as Parameters<typeof NormalizedSchema.of>[0]), enums, path, undefined);
}

function walk(value: unknown, schema: NormalizedSchema, enums: EnumMembers, path: string, enumKey?: string): string[] {
  if (schema.isStructSchema()) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: expected an object`];
    const members = schema.getMemberSchemas();
    const problems: string[] = [];
    for (const required of requiredMembers(schema)) {
      if (!(required in value)) problems.push(`${path}: missing required ${required}`);
    }
    for (const [key, member] of Object.entries(value)) {
      const memberSchema = members[key];
      if (!memberSchema) {
        problems.push(`${path}: ${key} is not a member of ${schema.getName()}`);
        continue;
      }
      problems.push(...walk(member, memberSchema, enums, `${path}.${key}`, `${schema.getName()}.${key}`));
    }
    return problems;
  }
  if (schema.isListSchema()) {
    if (!Array.isArray(value)) return [`${path}: expected a list`];
    return value.flatMap((item, index) => walk(item, schema.getValueSchema(), enums, `${path}[${index}]`, enumKey));
  }
  if (schema.isMapSchema()) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: expected a map`];
    return Object.entries(value).flatMap(([key, item]) => walk(item, schema.getValueSchema(), enums, `${path}.${key}`));
  }
  if (schema.isStringSchema()) {
    if (typeof value !== 'string') return [`${path}: expected a string, got ${JSON.stringify(value)}`];
    const allowed = enumKey === undefined ? undefined : enums[enumKey];
    if (allowed && !Object.values(allowed).includes(value))
      return [`${path}: ${JSON.stringify(value)} is not one of ${Object.values(allowed).join(', ')}`];
    return [];
  }
  if (schema.isNumericSchema()) return Number.isFinite(value) ? [] : [`${path}: expected a number`];
  if (schema.isBooleanSchema()) return typeof value === 'boolean' ? [] : [`${path}: expected a boolean`];
  return [`${path}: a member of a kind this check does not know (${schema.getName() ?? 'unnamed'})`];
}

/**
 * The SDK's static structure schema is [3, namespace, name, traits, memberNames, memberSchemas,
 * requiredCount]: the first requiredCount members are the required ones (absent: none).
 */
function requiredMembers(schema: NormalizedSchema): string[] {
  const raw = schema.getSchema() as unknown;
  if (!Array.isArray(raw) || raw[0] !== 3) throw new Error(`${schema.getName()}: not a static structure schema`);
  const names = raw[4] as string[];
  const count = typeof raw[6] === 'number' ? raw[6] : 0;
  return names.slice(0, count);
}
