import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { literalRequired, validationError } from './errors';

/** preStop sleep of the controller's FAQ: the pod keeps serving while the controller deregisters it. */
export const DEFAULT_PRE_STOP_SECONDS = 60;
/** Time Lattice drains a deregistered target (connections in flight finish), assumed for the grace period. */
export const DEFAULT_DEREGISTRATION_DELAY_SECONDS = 60;
/** Time the application gets after the preStop sleep and the drain to shut down. */
export const SHUTDOWN_MARGIN_SECONDS = 30;

/** Resolved pod termination timings. */
export interface RolloutTimings {
  readonly preStopSeconds: number;
  readonly terminationGracePeriodSeconds: number;
}

function wholeSeconds(scope: IConstruct, kind: string, prop: string, value: Duration): number {
  const s = value.toSeconds({ integral: false });
  if (Token.isUnresolved(s)) throw validationError(scope, kind, literalRequired(prop, 'duration', 'work out the pods\' shutdown timings'));
  if (!Number.isInteger(s) || s < 0) throw validationError(scope, kind, `${prop} ${value.toHumanString()} must be whole, non-negative seconds`);
  return s;
}

/**
 * The preStop sleep and termination grace period of a workload behind
 * Lattice. The grace period defaults to preStop + deregistration delay + 30 s
 * (150 s with the defaults, the controller FAQ's minimum) and must exceed
 * preStop + deregistration delay, or the kubelet kills pods that Lattice still
 * sends requests to.
 */
export function resolveRolloutTimings(scope: IConstruct, kind: string, opts: {
  preStopDelay?: Duration; deregistrationDelay?: Duration; terminationGracePeriod?: Duration;
}): RolloutTimings {
  const preStopSeconds = opts.preStopDelay === undefined ? DEFAULT_PRE_STOP_SECONDS : wholeSeconds(scope, kind, 'preStopDelay', opts.preStopDelay);
  if (preStopSeconds < 1) {
    throw validationError(scope, kind, 'preStopDelay must be at least 1 second: without it pods stop before Lattice stops sending to them (503s during rollouts)');
  }
  const drain = opts.deregistrationDelay === undefined
    ? DEFAULT_DEREGISTRATION_DELAY_SECONDS : wholeSeconds(scope, kind, 'deregistrationDelay', opts.deregistrationDelay);
  const grace = opts.terminationGracePeriod === undefined
    ? preStopSeconds + drain + SHUTDOWN_MARGIN_SECONDS : wholeSeconds(scope, kind, 'terminationGracePeriod', opts.terminationGracePeriod);
  if (grace <= preStopSeconds + drain) {
    throw validationError(scope, kind,
      `terminationGracePeriod (${grace} s) must exceed preStopDelay (${preStopSeconds} s) + deregistrationDelay (${drain} s); ` +
      `use at least ${preStopSeconds + drain + 1} s (default: ${preStopSeconds + drain + SHUTDOWN_MARGIN_SECONDS} s)`);
  }
  return { preStopSeconds, terminationGracePeriodSeconds: grace };
}

/** `<account>/<cluster>/<vpc id>`: the controller's ManagedBy tag value. */
const MANAGED_BY = /^(\d{12})\/([0-9A-Za-z][A-Za-z0-9_-]{0,99})\/(vpc-[0-9a-f]{8}(?:[0-9a-f]{9})?)$/;

/** Throws unless `value` is a literal `<12-digit account>/<EKS cluster name>/<vpc-id>`. */
export function validateManagedBy(scope: IConstruct, kind: string, prop: string, value: string): void {
  if (Token.isUnresolved(value)) {
    throw validationError(scope, kind, literalRequired(prop, 'string', 'write the takeover rule of the controller\'s policy'));
  }
  if (!MANAGED_BY.test(value)) {
    throw validationError(scope, kind,
      `${prop} '${value}' is not a controller owner '<12-digit account>/<EKS cluster name>/<vpc-id>' ` +
      "(the value of the previous owner's application-networking.k8s.aws/ManagedBy tag, e.g. '123456789012/blue-cluster/vpc-0abc123def4567890')");
  }
}
