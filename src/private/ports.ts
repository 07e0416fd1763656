import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { validationError } from './errors';
import { requireLiteralNumber } from './numbers';

/** Highest TCP port. */
export const MAX_TCP_PORT = 65535;

/** How a value a caller gave is shown in a message: tokens named as such, never printed as numbers. */
export function describeValue(value: unknown): string {
  if (Token.isUnresolved(value)) return 'a token';
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`;
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value) ?? String(value);
}

/** Reserved ports of a list: port -> what it is reserved for (e.g. `proxyPort`). */
export type ReservedPorts = ReadonlyMap<number, string>;

/**
 * Explains why `ports` is not a list of 1 to `maxPorts` distinct literal TCP
 * ports (1-65535) avoiding `reserved`, or returns `undefined` when it is one.
 * The explanation starts with the offending value, so that a caller can put
 * the prop's name before it.
 */
export function portListProblem(ports: unknown, maxPorts: number, reserved: ReservedPorts = new Map()): string | undefined {
  if (Token.isUnresolved(ports)) {
    return 'must be a literal list of port numbers, not a token (needed at synth to check them and write the rules that use them)';
  }
  if (!Array.isArray(ports)) {
    return `${describeValue(ports)} is not a list; give a list of port numbers such as [80]`;
  }
  if (ports.length === 0) {
    return '[] is empty; give at least one port';
  }
  const shown = describeValue(ports);
  if (ports.length > maxPorts) {
    return `${shown} has ${ports.length} ports; at most ${maxPorts} are allowed`;
  }
  const seen = new Set<number>();
  for (const [i, port] of ports.entries()) {
    if (Token.isUnresolved(port)) {
      return `${shown}: element ${i} must be a literal port number, not a token (needed at synth to check it and write the rules that use it)`;
    }
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > MAX_TCP_PORT) {
      return `${shown}: ${describeValue(port)} is not a TCP port; give an integer between 1 and ${MAX_TCP_PORT}`;
    }
    if (seen.has(port)) {
      return `${shown}: ${port} is listed twice; list each port once`;
    }
    const reservedFor = reserved.get(port);
    if (reservedFor) {
      return `${shown}: ${port} is the ${reservedFor}; remove it from the list or change the ${reservedFor}`;
    }
    seen.add(port);
  }
  return undefined;
}

/** An inclusive range of TCP ports. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

const PORT_RANGE_RE = /^(\d{1,5})(?:-(\d{1,5}))?$/;

/** `5432` or `8000-8080`, as Lattice writes port ranges. */
export function formatPortRange(range: PortRange): string {
  return range.from === range.to ? String(range.from) : `${range.from}-${range.to}`;
}

/** Whether two port ranges share at least one port. */
export function portRangesOverlap(a: PortRange, b: PortRange): boolean {
  return a.from <= b.to && b.from <= a.to;
}

/**
 * Parses a list of port ranges such as `["5432", "8000-8080"]`: each a port
 * (1-65535) or `from-to` with `from <= to`, none overlapping another. Returns
 * the ranges, or a sentence starting with the offending value.
 */
export function parsePortRanges(ranges: unknown): PortRange[] | string {
  if (Token.isUnresolved(ranges)) {
    return 'must be a literal list of strings such as ["5432"], not a token (needed at synth to check the ranges and write the security group rules)';
  }
  if (!Array.isArray(ranges)) {
    return `${describeValue(ranges)} is not a list; give a list such as ["5432"] or ["8000-8080"]`;
  }
  if (ranges.length === 0) {
    return '[] is empty; give at least one port or range such as "5432" or "8000-8080"';
  }
  const shown = describeValue(ranges);
  const parsed: PortRange[] = [];
  for (const [i, value] of ranges.entries()) {
    if (Token.isUnresolved(value)) {
      return `${shown}: element ${i} must be a literal string such as "5432", not a token (needed at synth to check it and write the security group rules)`;
    }
    const match = typeof value === 'string' ? PORT_RANGE_RE.exec(value) : null;
    if (!match) {
      return `${shown}: ${describeValue(value)} is not a port range; give a port such as "5432" or a range such as "8000-8080"`;
    }
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    for (const port of [from, to]) {
      if (port < 1 || port > MAX_TCP_PORT) {
        return `${shown}: ${describeValue(value)} contains ${port}, which is not a TCP port; use ports between 1 and ${MAX_TCP_PORT}`;
      }
    }
    if (from > to) {
      return `${shown}: ${describeValue(value)} starts above its end; write it as "${to}-${from}"`;
    }
    const range = { from, to };
    const clash = parsed.find((other) => portRangesOverlap(other, range));
    if (clash) {
      return `${shown}: ${describeValue(value)} overlaps "${formatPortRange(clash)}"; list each port once (merge the ranges)`;
    }
    parsed.push(range);
  }
  return parsed;
}

/**
 * Returns `value` of `prop` when it is a literal TCP port (1-65535); throws a
 * ValidationError of construct `kind` otherwise (`hint` is appended as the fix).
 */
export function requireTcpPort(scope: IConstruct, kind: string, prop: string, value: unknown, hint?: string): number {
  const port = requireLiteralNumber(scope, kind, prop, value);
  if (!Number.isInteger(port) || port < 1 || port > MAX_TCP_PORT) {
    throw validationError(scope, kind, `${prop} ${port} is not a TCP port (1-${MAX_TCP_PORT})${hint ? `; ${hint}` : ''}`);
  }
  return port;
}
