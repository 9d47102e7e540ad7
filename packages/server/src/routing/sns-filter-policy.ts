/**
 * SNS filter policies as a second dialect of the pattern engine. A policy compiles with the SNS operator subset
 * and limits (5 top-level keys, 150 combinations) into the same CompiledPattern as an EventBridge pattern; message
 * attributes become a flat event (`String` → string, `Number` → number, `String.Array` → array, `Binary`
 * ignored), and a `MessageBody` policy matches the JSON body, which must be an object.
 */
import { SwitchyardError } from '@switchyard/protocol';
import { compilePattern } from './pattern-parser.ts';
import type { CompiledPattern, PatternLimits } from './pattern-types.ts';
import { referenceMatches } from './reference-interpreter.ts';

/** Where a filter policy looks: message attributes (the SNS default) or the JSON message body. */
export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody';

/** A message attribute as the SNS API (`DataType`/`StringValue`) or the SNS envelope (`Type`/`Value`) writes it. */
export interface MessageAttributeValue {
  DataType?: string;
  StringValue?: string;
  BinaryValue?: unknown;
  Type?: string;
  Value?: string;
}

/** Validates and compiles a filter policy; throws SY_ERR_FILTER_POLICY_INVALID with AWS's reason. */
export function compileFilterPolicy(
  policy: string | object,
  scope: string = 'MessageAttributes',
  limits?: PatternLimits,
): CompiledPattern {
  if (scope !== 'MessageAttributes' && scope !== 'MessageBody') {
    const reason = `Invalid value [${scope}]. Please use either MessageBody or MessageAttributes`;
    throw new SwitchyardError(
      'SY_ERR_FILTER_POLICY_INVALID',
      { reason },
      { message: `Invalid parameter: FilterPolicyScope: ${reason}` },
    );
  }
  return compilePattern(policy, { dialect: scope === 'MessageBody' ? 'sns-body' : 'sns-attributes', limits });
}

/** Turns message attributes into the event a `MessageAttributes` policy is matched against. */
export function messageAttributesToEvent(
  attributes: Readonly<Record<string, MessageAttributeValue>>,
): Record<string, unknown> {
  const event: Record<string, unknown> = {};
  for (const [name, attribute] of Object.entries(attributes)) {
    const type = attribute.DataType ?? attribute.Type ?? 'String';
    const value = attribute.StringValue ?? attribute.Value;
    if (value === undefined) continue;
    if (type === 'String.Array') {
      try {
        const parsed: unknown = JSON.parse(value);
        // Each element is compared on its own; a value that is not a JSON array is compared as a string.
        event[name] = Array.isArray(parsed) ? parsed : value;
      } catch {
        event[name] = value;
      }
    } else if (type === 'Number' || type.startsWith('Number.')) {
      const n = Number(value);
      event[name] = value.trim() !== '' && Number.isFinite(n) ? n : value;
    } else if (type === 'String' || type.startsWith('String.')) {
      event[name] = value;
    }
    // Binary attributes are ignored by filter policies.
  }
  return event;
}

/** What a message offers to a filter policy. */
export interface FilterableMessage {
  attributes?: Readonly<Record<string, MessageAttributeValue>>;
  body?: string;
}

/** True when one message passes one compiled policy (for single checks; topics use a RuleMatcher). */
export function matchesFilterPolicy(policy: CompiledPattern, message: FilterableMessage): boolean {
  if (policy.dialect === 'sns-body') {
    let body: unknown;
    try {
      body = JSON.parse(message.body ?? '');
    } catch {
      return false;
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
    return referenceMatches(policy, body);
  }
  return referenceMatches(policy, messageAttributesToEvent(message.attributes ?? {}));
}
