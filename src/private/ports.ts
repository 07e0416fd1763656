import { Token } from 'aws-cdk-lib';

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
    return 'is a token; the ports are needed at synth time: give a list of literal port numbers';
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
      return `${shown}: element ${i} is a token; the ports are needed at synth time: give a literal port number`;
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
