/**
 * `Fn::Cidr`: `count` consecutive subnets of `cidrBits` host bits each, carved from the start of
 * an IPv4 or IPv6 block (`!Cidr ["10.0.0.0/16", 4, 8]` -> 10.0.0.0/24 ... 10.0.3.0/24).
 */
import { messages, TemplateError } from './errors.js';

export function cidr(block: string, count: number, cidrBits: number): string[] {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(block.trim());
  const address = match?.[1];
  const prefix = Number(match?.[2]);
  if (address === undefined) throw new TemplateError(messages.cidrShape);
  const v6 = address.includes(':');
  const width = v6 ? 128 : 32;
  const base = v6 ? parseV6(address) : parseV4(address);
  const valid = Number.isInteger(count) && count >= 1 && count <= 256 && Number.isInteger(cidrBits);
  if (base === undefined || prefix > width || !valid || cidrBits < 1 || cidrBits > width) {
    throw new TemplateError(messages.cidrShape);
  }
  if (width - cidrBits < prefix || BigInt(count) << BigInt(cidrBits) > 1n << BigInt(width - prefix)) {
    throw new TemplateError(messages.cidrTooSmall(block));
  }
  const network = (base >> BigInt(width - prefix)) << BigInt(width - prefix);
  const subnets: string[] = [];
  for (let i = 0; i < count; i++) {
    const start = network + (BigInt(i) << BigInt(cidrBits));
    subnets.push(`${v6 ? formatV6(start) : formatV4(start)}/${width - cidrBits}`);
  }
  return subnets;
}

function parseV4(text: string): bigint | undefined {
  const octets = text.split('.');
  if (octets.length !== 4) return undefined;
  let value = 0n;
  for (const octet of octets) {
    if (!/^\d{1,3}$/.test(octet) || Number(octet) > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function formatV4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
}

function parseV6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? (halves[0] as string).split(':') : [];
  const tail = halves.length === 2 && halves[1] ? (halves[1] as string).split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  let value = 0n;
  for (const group of [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail]) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(`0x${group}`);
  }
  return value;
}

/** RFC 5952 form: lower case, the longest run of zero groups (two or more) as `::`. */
function formatV6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt((7 - i) * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
