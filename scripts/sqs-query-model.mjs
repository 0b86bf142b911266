#!/usr/bin/env node
// Writes models/sqs-query.json: SQS's model for its older wire protocol, awsQuery, which SDKs
// released before November 2023 (and the AWS CLI v1 before 1.31) still speak. botocore now ships
// only the awsJson model, which lacks the query serialization traits (member names such as
// `Attribute.N.Name`, flattened lists, result wrappers). Those traits are taken from the last
// query-protocol SQS model, as shipped in the AWS SDK for JavaScript v2 (aws-sdk@2.1490.0,
// apis/sqs-2012-11-05.min.json, Apache-2.0), and laid onto the current models/sqs.json, so both
// protocols share one set of shapes and operation names.
// Usage: npm pack aws-sdk@2.1490.0 && tar xzf aws-sdk-2.1490.0.tgz
//        node scripts/sqs-query-model.mjs package/apis/sqs-2012-11-05.min.json
import { readFileSync, writeFileSync } from 'node:fs';

const legacyPath = process.argv[2];
if (!legacyPath) throw new Error('usage: node scripts/sqs-query-model.mjs <aws-sdk v2 apis/sqs-2012-11-05.min.json>');
const legacy = JSON.parse(readFileSync(legacyPath, 'utf8'));
const model = JSON.parse(readFileSync('models/sqs.json', 'utf8'));

const conflicts = [];
const MEMBER_TRAITS = ['locationName', 'flattened'];

/** The legacy (minified) model inlines shapes; resolve a member to its shape definition. */
function legacyShape(ref) {
  return ref.shape ? { ...legacy.shapes[ref.shape], ...omit(ref, ['shape']) } : ref;
}
function omit(object, keys) {
  return Object.fromEntries(Object.entries(object).filter(([k]) => !keys.includes(k)));
}
function setTrait(target, key, value, where) {
  if (value === undefined) return;
  if (target[key] !== undefined && target[key] !== value) conflicts.push(`${where}.${key}: ${target[key]} vs ${value}`);
  target[key] = value;
}

/** Copies query traits from a legacy shape onto the current shape named `name`, recursively. */
function overlay(name, legacyRef, where, seen = new Set()) {
  const shape = model.shapes[name];
  const old = legacyShape(legacyRef);
  if (!shape || !old) return;
  const key = `${name}@${JSON.stringify(old).length}`;
  if (seen.has(key)) return;
  seen.add(key);
  switch (shape.type) {
    case 'structure':
      for (const [member, ref] of Object.entries(shape.members ?? {})) {
        const oldMember = old.members?.[member];
        if (!oldMember) continue;
        for (const trait of MEMBER_TRAITS) {
          if (oldMember[trait] !== undefined) ref[trait] = oldMember[trait];
        }
        overlay(ref.shape, oldMember, `${where}.${member}`, seen);
      }
      break;
    case 'list':
      setTrait(shape, 'flattened', old.flattened, name);
      setTrait(shape.member, 'locationName', old.member?.locationName, `${name}.member`);
      if (old.member) overlay(shape.member.shape, old.member, `${where}[]`, seen);
      break;
    case 'map':
      setTrait(shape, 'flattened', old.flattened, name);
      setTrait(shape, 'locationName', old.locationName, name);
      setTrait(shape.key, 'locationName', old.key?.locationName, `${name}.key`);
      setTrait(shape.value, 'locationName', old.value?.locationName, `${name}.value`);
      if (old.value) overlay(shape.value.shape, old.value, `${where}{}`, seen);
      break;
    default:
      break;
  }
}

for (const [name, op] of Object.entries(model.operations)) {
  const old = legacy.operations[name];
  if (!old) {
    conflicts.push(`operation ${name} is not in the legacy model`);
    continue;
  }
  if (op.input && old.input) overlay(op.input.shape, old.input, `${name}.input`);
  if (op.output && old.output) {
    overlay(op.output.shape, old.output, `${name}.output`);
    if (old.output.resultWrapper) op.output.resultWrapper = old.output.resultWrapper;
  }
}
model.metadata = {
  ...omit(model.metadata, ['jsonVersion', 'targetPrefix', 'awsQueryCompatible']),
  protocol: 'query',
  protocols: ['query'],
  xmlNamespace: legacy.metadata.xmlNamespace,
};
writeFileSync('models/sqs-query.json', `${JSON.stringify(model)}\n`);
if (conflicts.length) console.log(`differences between the two models:\n${conflicts.join('\n')}`);
console.log('wrote models/sqs-query.json');
