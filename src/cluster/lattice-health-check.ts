import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import type { HealthCheckSpec } from '../k8s/multi-cluster';
import { literalRequired, validationError } from '../private/errors';

/** HTTP version of the health check requests (Lattice cannot health-check with gRPC itself). */
export enum LatticeHealthCheckProtocolVersion {
  /** HTTP/1.1 requests. */
  HTTP1 = 'HTTP1',
  /**
   * HTTP/2 requests without TLS (prior knowledge), which a port that serves
   * gRPC only accepts.
   */
  HTTP2 = 'HTTP2',
}

/**
 * HTTP health check of the Lattice target groups of a Service or export
 * (a TargetGroupPolicy). Lattice stops sending requests to targets that fail it.
 */
export interface LatticeHealthCheck {
  /**
   * Path requested.
   * @default '/'
   */
  readonly path?: string;
  /**
   * Time between checks of one target (5 s - 300 s).
   * @default Duration.seconds(10)
   */
  readonly interval?: Duration;
  /**
   * Time a check may take (1 s - 120 s, shorter than `interval`).
   * @default Duration.seconds(5)
   */
  readonly timeout?: Duration;
  /**
   * Consecutive successes before a target takes traffic (2-10).
   * @default 2
   */
  readonly healthyThreshold?: number;
  /**
   * Consecutive failures before a target gets no more traffic (2-10).
   * @default 2
   */
  readonly unhealthyThreshold?: number;
  /**
   * HTTP codes that count as healthy: codes, ranges or a comma-separated list.
   * @default '200-399'
   */
  readonly statusMatch?: string;
  /**
   * Port checked.
   * @default - the port the target receives traffic on
   */
  readonly port?: number;
  /**
   * HTTP version of the checks. VPC Lattice health checks never speak gRPC:
   * for a gRPC service, check an HTTP path the server answers (over HTTP/2 on
   * the gRPC port, or on another `port`).
   * @default - `HTTP2` for gRPC services (their port speaks HTTP/2 only), `HTTP1` otherwise
   */
  readonly protocolVersion?: LatticeHealthCheckProtocolVersion;
}

/** Defaults: quicker than Lattice's own (30 s interval, 5 healthy checks), so new pods take traffic within 20 s. */
export const HEALTH_CHECK_DEFAULTS = {
  path: '/',
  intervalSeconds: 10,
  timeoutSeconds: 5,
  healthyThresholdCount: 2,
  unhealthyThresholdCount: 2,
  statusMatch: '200-399',
} as const;

/** A single code, a range, or a comma-separated list of them (what Lattice's HTTP matcher accepts). */
const STATUS_MATCH = /^[1-5]\d\d(-[1-5]\d\d)?(,[1-5]\d\d(-[1-5]\d\d)?)*$/;

/**
 * Applies the defaults and checks every value against the ranges VPC Lattice
 * (and the TargetGroupPolicy CRD) accept, throwing a ValidationError of
 * construct `kind` naming `prop` otherwise.
 */
export function resolveHealthCheck(
  scope: IConstruct, kind: string, prop: string, input: LatticeHealthCheck = {},
  defaultProtocolVersion: LatticeHealthCheckProtocolVersion = LatticeHealthCheckProtocolVersion.HTTP1,
): HealthCheckSpec {
  const seconds = (name: string, value: Duration | undefined, dflt: number, min: number, max: number): number => {
    if (value === undefined) return dflt;
    if (Token.isUnresolved(value.toSeconds({ integral: false }))) {
      throw validationError(scope, kind, literalRequired(`${prop}.${name}`, 'duration', 'check it against the VPC Lattice limits'));
    }
    const s = value.toSeconds({ integral: false });
    if (!Number.isInteger(s) || s < min || s > max) {
      throw validationError(scope, kind, `${prop}.${name} ${value.toHumanString()} must be whole seconds between ${min} and ${max} (a VPC Lattice limit)`);
    }
    return s;
  };
  const count = (name: string, value: number | undefined, dflt: number): number => {
    if (value === undefined) return dflt;
    if (Token.isUnresolved(value)) throw validationError(scope, kind, literalRequired(`${prop}.${name}`, 'number', 'check it against the VPC Lattice limits'));
    if (!Number.isInteger(value) || value < 2 || value > 10) {
      throw validationError(scope, kind, `${prop}.${name} ${value} must be an integer between 2 and 10 (a VPC Lattice limit)`);
    }
    return value;
  };
  const path = input.path ?? HEALTH_CHECK_DEFAULTS.path;
  if (Token.isUnresolved(path)) throw validationError(scope, kind, literalRequired(`${prop}.path`, 'string', 'check it and write the health check'));
  if (!/^\/[\x21-\x7e]{0,2047}$/.test(path)) {
    throw validationError(scope, kind, `${prop}.path '${path}' must start with '/' and hold printable characters without spaces (at most 2048)`);
  }
  const intervalSeconds = seconds('interval', input.interval, HEALTH_CHECK_DEFAULTS.intervalSeconds, 5, 300);
  const timeoutSeconds = seconds('timeout', input.timeout, HEALTH_CHECK_DEFAULTS.timeoutSeconds, 1, 120);
  if (timeoutSeconds >= intervalSeconds) {
    throw validationError(scope, kind,
      `${prop}.timeout (${timeoutSeconds} s) must be shorter than ${prop}.interval (${intervalSeconds} s), or checks overlap`);
  }
  const statusMatch = input.statusMatch ?? HEALTH_CHECK_DEFAULTS.statusMatch;
  if (Token.isUnresolved(statusMatch)) throw validationError(scope, kind, literalRequired(`${prop}.statusMatch`, 'string', 'check it and write the health check'));
  if (!STATUS_MATCH.test(statusMatch)) {
    throw validationError(scope, kind, `${prop}.statusMatch '${statusMatch}' must be HTTP codes or ranges, e.g. '200', '200-399' or '200,204'`);
  }
  if (input.port !== undefined && Token.isUnresolved(input.port)) {
    throw validationError(scope, kind, literalRequired(`${prop}.port`, 'number', 'check it is the port the pods serve'));
  }
  if (input.port !== undefined && (!Number.isInteger(input.port) || input.port < 1 || input.port > 65535)) {
    throw validationError(scope, kind, `${prop}.port ${input.port} is not a TCP port (1-65535)`);
  }
  const protocolVersion = input.protocolVersion ?? defaultProtocolVersion;
  const versions: string[] = Object.values(LatticeHealthCheckProtocolVersion);
  if (Token.isUnresolved(protocolVersion)) {
    throw validationError(scope, kind, literalRequired(`${prop}.protocolVersion`, 'string', 'check it and write the health check'));
  }
  if (!versions.includes(protocolVersion)) {
    throw validationError(scope, kind,
      `${prop}.protocolVersion '${protocolVersion}' must be one of ${versions.join(', ')} (VPC Lattice health checks do not speak gRPC; use HTTP2 for a gRPC port)`);
  }
  return {
    path,
    intervalSeconds,
    timeoutSeconds,
    healthyThresholdCount: count('healthyThreshold', input.healthyThreshold, HEALTH_CHECK_DEFAULTS.healthyThresholdCount),
    unhealthyThresholdCount: count('unhealthyThreshold', input.unhealthyThreshold, HEALTH_CHECK_DEFAULTS.unhealthyThresholdCount),
    statusMatch,
    ...(input.port !== undefined ? { port: input.port } : {}),
    protocolVersion,
  };
}
