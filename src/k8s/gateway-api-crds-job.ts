import { clusterRoleForServiceAccount, K8sObject, objectMeta, restrictedSecurityContext, serviceAccountObject } from './object';

/** Input of `gatewayApiCrdsJob`. */
export interface GatewayApiCrdsJobSpec {
  /**
   * Name of the Job (and prefix of its ClusterRole): see `gatewayApiCrdsJobName`.
   * A Job's pod template is immutable, so any change of the spec needs a new name.
   */
  readonly name: string;
  /** Gateway API release, e.g. `v1.5.1`. */
  readonly version: string;
  /** Expected SHA-256 of the release's `standard-install.yaml`. */
  readonly sha256: string;
  /** Image with `sh`, `wget` and `sha256sum` that downloads and verifies the bundle (GitHub source). */
  readonly downloadImage: string;
  /**
   * The bundle as an S3 object (`s3://bucket/key`) instead of the GitHub release:
   * `downloadImage` is then an AWS CLI image (with `sh` and `sha256sum`), and
   * the service account reads the object through EKS Pod Identity.
   */
  readonly s3Url?: string;
  /** Region of the S3 bucket (with `s3Url`). */
  readonly region?: string;
  /** kubectl image that applies it. */
  readonly kubectlImage: string;
  /** Namespace of the Job. */
  readonly namespace: string;
}

/** Non-root uid of the installer containers. */
const INSTALLER_UID = 65532;
const BUNDLE_DIR = '/bundle';
/** Where the download step writes the bundle. */
const DOWNLOAD_FILE = `${BUNDLE_DIR}/download.yaml`;

/**
 * The only file the apply step reads: named after the expected SHA-256, it exists only once
 * the download step has checked the bundle against that checksum (and made it read-only).
 */
export function verifiedBundleFile(sha256: string): string {
  return `${BUNDLE_DIR}/${sha256}.yaml`;
}

/** URL of a Gateway API release's standard CRD bundle. */
export function gatewayApiStandardInstallUrl(version: string): string {
  return `https://github.com/kubernetes-sigs/gateway-api/releases/download/${version}/standard-install.yaml`;
}

/** Service account of the installer Job. */
export const GATEWAY_API_CRDS_SERVICE_ACCOUNT = 'gateway-api-crds-installer';

/**
 * Name of the installer Job: the release and a digest of everything else the
 * Job runs (`specDigest`: images, checksum, source, namespace, as deployed).
 * A Job's pod template is immutable, so a change of any of them gives a new
 * Job (the kubectl handler prunes the old one) instead of a failed update.
 */
export function gatewayApiCrdsJobName(version: string, specDigest: string): string {
  return `gateway-api-crds-${version.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-${specDigest.slice(0, 10)}`;
}

/** The init container that fetches the bundle and verifies its SHA-256. */
function downloadContainer(spec: GatewayApiCrdsJobSpec): Record<string, unknown> {
  // Verified, made read-only and only then named after its checksum: the apply step (whose kubectl image has no
  // shell to hash it again) applies that name only, from a read-only mount.
  const check = 'echo "$SHA256  $BUNDLE" | sha256sum -c -; chmod 0444 "$BUNDLE"; mv "$BUNDLE" "$VERIFIED"';
  if (spec.s3Url === undefined) {
    return {
      image: spec.downloadImage,
      command: ['/bin/sh', '-ec', `wget -q -O "$BUNDLE" "$URL"; ${check}`],
      env: [
        { name: 'URL', value: gatewayApiStandardInstallUrl(spec.version) },
        { name: 'SHA256', value: spec.sha256 },
        { name: 'BUNDLE', value: DOWNLOAD_FILE },
        { name: 'VERIFIED', value: verifiedBundleFile(spec.sha256) },
      ],
    };
  }
  return {
    image: spec.downloadImage,
    command: ['/bin/sh', '-ec', `aws s3 cp --only-show-errors "$URL" "$BUNDLE"; ${check}`],
    env: [
      { name: 'URL', value: spec.s3Url },
      { name: 'SHA256', value: spec.sha256 },
      { name: 'BUNDLE', value: DOWNLOAD_FILE },
      { name: 'VERIFIED', value: verifiedBundleFile(spec.sha256) },
      ...(spec.region ? [{ name: 'AWS_REGION', value: spec.region }] : []),
      // The root file system is read-only: the CLI's home is the bundle volume.
      { name: 'HOME', value: BUNDLE_DIR },
    ],
  };
}

/**
 * The objects that install the Gateway API standard CRDs at deploy time: a
 * service account allowed to manage CRDs (and the release's
 * ValidatingAdmissionPolicy), and a Job whose init containers download the
 * pinned release bundle (from GitHub, or from an S3 object), verify its SHA-256 and apply it with server-side
 * apply; its last step deletes the installer's ClusterRoleBinding, so the
 * service account keeps no permission after the install. The ClusterRole and
 * binding are named after the Job, so re-applying the objects (any change
 * gives a new Job name) runs a new Job that revokes the new binding again.
 * Nothing is downloaded at synth time.
 */
export function gatewayApiCrdsJob(spec: GatewayApiCrdsJobSpec): K8sObject[] {
  const name = spec.name;
  const serviceAccount = GATEWAY_API_CRDS_SERVICE_ACCOUNT;
  const installerRole = `${name}-installer`;
  const volumeMounts = [{ name: 'bundle', mountPath: BUNDLE_DIR }];
  const resources = { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } };
  const job: K8sObject = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: objectMeta(name, spec.namespace),
    spec: {
      backoffLimit: 4,
      activeDeadlineSeconds: 900,
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'gateway-api-crds-installer' } },
        spec: {
          serviceAccountName: serviceAccount,
          restartPolicy: 'Never',
          securityContext: { fsGroup: INSTALLER_UID },
          volumes: [{ name: 'bundle', emptyDir: {} }],
          initContainers: [
            {
              name: 'download',
              ...downloadContainer(spec),
              volumeMounts,
              resources,
              securityContext: restrictedSecurityContext(INSTALLER_UID),
            },
            {
              name: 'apply',
              image: spec.kubectlImage,
              args: ['apply', '--server-side', '--force-conflicts', '--field-manager=cdk-lattice-eks', '-f', verifiedBundleFile(spec.sha256)],
              volumeMounts: volumeMounts.map((m) => ({ ...m, readOnly: true })),
              resources,
              securityContext: restrictedSecurityContext(INSTALLER_UID),
            },
          ],
          // Last step: the installer gives up its own permissions (its binding may delete only itself).
          containers: [
            {
              name: 'revoke',
              image: spec.kubectlImage,
              args: ['delete', 'clusterrolebinding', installerRole, '--wait=false'],
              resources,
              securityContext: restrictedSecurityContext(INSTALLER_UID),
            },
          ],
        },
      },
    },
  };
  return [
    serviceAccountObject(serviceAccount, spec.namespace),
    ...clusterRoleForServiceAccount(installerRole, serviceAccount, spec.namespace, [
      { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['get', 'list', 'create', 'patch', 'update'] },
      {
        apiGroups: ['admissionregistration.k8s.io'],
        resources: ['validatingadmissionpolicies', 'validatingadmissionpolicybindings'],
        verbs: ['get', 'list', 'create', 'patch', 'update'],
      },
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterrolebindings'], resourceNames: [installerRole], verbs: ['delete'] },
    ]),
    job,
  ];
}
