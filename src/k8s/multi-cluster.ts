import { K8sObject, objectMeta } from './object';

/** API group and version of the AWS Gateway API Controller's own objects. */
export const CONTROLLER_API_VERSION = 'application-networking.k8s.aws/v1alpha1';
/** API group of the controller's objects (policy `targetRef.group`). */
export const CONTROLLER_API_GROUP = 'application-networking.k8s.aws';
/** ServiceExport annotation that asks the AWS Gateway API Controller (not another MCS implementation) to export. */
export const FEDERATION_ANNOTATION = 'application-networking.k8s.aws/federation';
/** Value of `FEDERATION_ANNOTATION` for VPC Lattice. */
export const FEDERATION_LATTICE = 'amazon-vpc-lattice';
/** ServiceExport annotation naming the exported Service when the export has another name. */
export const EXPORT_SERVICE_NAME_ANNOTATION = 'application-networking.k8s.aws/service-name';
/** ServiceImport annotation naming the ServiceExport it resolves to. */
export const IMPORT_EXPORT_NAME_ANNOTATION = 'application-networking.k8s.aws/export-name';
/** ServiceImport annotation limiting the match to exports of one cluster. */
export const IMPORT_CLUSTER_ANNOTATION = 'application-networking.k8s.aws/aws-eks-cluster-name';
/** Route annotation: the controller may retag a Lattice service (and its listeners, rules, association) owned by this value. */
export const ALLOW_TAKEOVER_FROM_ANNOTATION = 'application-networking.k8s.aws/allow-takeover-from';
/** Namespace label that makes the controller's webhook add its readiness gate to new pods. */
export const READINESS_GATE_INJECT_LABEL = 'application-networking.k8s.aws/pod-readiness-gate-inject';
/** Pod readiness gate condition type the controller sets once a target is registered and healthy. */
export const READINESS_GATE_CONDITION = 'application-networking.k8s.aws/pod-readiness-gate';

/** Input of `serviceExport`. */
export interface ServiceExportSpec {
  /** Name of the ServiceExport (the name importers use). */
  readonly name: string;
  readonly namespace: string;
  /** The exported Service (annotated when it differs from `name`). */
  readonly serviceName: string;
  /** Service port exported. */
  readonly port: number;
  /**
   * Kind of the routes that import it: the controller builds the target
   * group's protocol version from it (HTTP1, GRPC, or TCP for `TLS`).
   * @default 'HTTP'
   */
  readonly routeType?: 'HTTP' | 'GRPC' | 'TLS';
}

/** A ServiceExport of the AWS Gateway API Controller: a standalone Lattice target group for one Service port. */
export function serviceExport(spec: ServiceExportSpec): K8sObject {
  const annotations: Record<string, string> = { [FEDERATION_ANNOTATION]: FEDERATION_LATTICE };
  if (spec.serviceName !== spec.name) annotations[EXPORT_SERVICE_NAME_ANNOTATION] = spec.serviceName;
  return {
    apiVersion: CONTROLLER_API_VERSION,
    kind: 'ServiceExport',
    metadata: { ...objectMeta(spec.name, spec.namespace), annotations },
    spec: { exportedPorts: [{ port: spec.port, routeType: spec.routeType ?? 'HTTP' }] },
  };
}

/** Input of `serviceImport`. */
export interface ServiceImportSpec {
  readonly name: string;
  readonly namespace: string;
  /** Name of the ServiceExport in the exporting cluster. */
  readonly exportName: string;
  /** EKS cluster that exports it. */
  readonly clusterName: string;
  readonly port: number;
}

/** A ServiceImport resolved to the target group of one ServiceExport of one cluster. */
export function serviceImport(spec: ServiceImportSpec): K8sObject {
  return {
    apiVersion: CONTROLLER_API_VERSION,
    kind: 'ServiceImport',
    metadata: {
      ...objectMeta(spec.name, spec.namespace),
      annotations: { [IMPORT_EXPORT_NAME_ANNOTATION]: spec.exportName, [IMPORT_CLUSTER_ANNOTATION]: spec.clusterName },
    },
    spec: { type: 'ClusterSetIP', ports: [{ port: spec.port, protocol: 'TCP' }] },
  };
}

/** Health check fields of a TargetGroupPolicy (already validated). */
export interface HealthCheckSpec {
  readonly path: string;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly healthyThresholdCount: number;
  readonly unhealthyThresholdCount: number;
  readonly statusMatch: string;
  readonly port?: number;
  /** `HTTP1` or `HTTP2`. */
  readonly protocolVersion: string;
}

/** Input of `targetGroupPolicy`. */
export interface TargetGroupPolicySpec {
  readonly name: string;
  readonly namespace: string;
  /** `Service` or `ServiceExport`. */
  readonly targetKind: 'Service' | 'ServiceExport';
  readonly targetName: string;
  readonly healthCheck: HealthCheckSpec;
}

/**
 * A TargetGroupPolicy setting the HTTP health check of the target groups of a
 * Service or ServiceExport. It leaves the target group's own protocol version
 * to the controller (GRPC behind a GRPCRoute or a `routeType: GRPC` export).
 */
export function targetGroupPolicy(spec: TargetGroupPolicySpec): K8sObject {
  const hc = spec.healthCheck;
  return {
    apiVersion: CONTROLLER_API_VERSION,
    kind: 'TargetGroupPolicy',
    metadata: objectMeta(spec.name, spec.namespace),
    spec: {
      targetRef: {
        group: spec.targetKind === 'Service' ? '' : CONTROLLER_API_GROUP,
        kind: spec.targetKind,
        name: spec.targetName,
      },
      healthCheck: {
        enabled: true,
        protocol: 'HTTP',
        protocolVersion: hc.protocolVersion,
        path: hc.path,
        ...(hc.port !== undefined ? { port: hc.port } : {}),
        intervalSeconds: hc.intervalSeconds,
        timeoutSeconds: hc.timeoutSeconds,
        healthyThresholdCount: hc.healthyThresholdCount,
        unhealthyThresholdCount: hc.unhealthyThresholdCount,
        statusMatch: hc.statusMatch,
      },
    },
  };
}
