import { CfnResource, Duration, Fn, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as acmpca from 'aws-cdk-lib/aws-acmpca';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ram from 'aws-cdk-lib/aws-ram';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { hubZoneAssociation } from './hub-zone-association';
import { assertDnsName, dnsNameProblem } from '../private/dns';
import { literalRequired, validationError } from '../private/errors';
import { externalDnsRecordNames } from '../private/external-dns-policy';
import {
  CA_SHARE_PERMISSION, route53VpcConditionValue, spokeRoleArnPattern, spokeRoleName, spokeVpcRoleName,
} from '../private/hub-zone';
import { accountIdProblem, organizationalUnitArnProblem, organizationArnProblem } from '../private/lattice-names';
import { logicalIdAt } from '../private/logical-ids';
import { acknowledge, acknowledgeAwsCustomResourceProvider } from '../private/nag';
import { validateRemovalPolicy } from '../private/removal-policy';
import { claimUniqueName } from '../private/unique-names';

const KIND = 'PrivateCaDomain';

/** ACM puts the certificate's domain name into the subject CN, which RFC 5280 limits to 64 characters. */
const MAX_COMMON_NAME_LENGTH = 64;

/** ACM private certificates are valid for 395 days and the CA must outlive them. */
const MIN_CA_VALIDITY_DAYS = 396;

/** 100 years. */
const MAX_CA_VALIDITY_DAYS = 36_500;

/** CIDR of the placeholder VPC: the smallest VPC AWS allows; it never gets subnets. */
const PLACEHOLDER_VPC_CIDR = '10.255.0.0/28';


/**
 * Key algorithm of a private CA created by `PrivateCaDomain`.
 */
export enum CaKeyAlgorithm {
  /** RSA with a 2048-bit key. */
  RSA_2048 = 'RSA_2048',
  /** RSA with a 4096-bit key. */
  RSA_4096 = 'RSA_4096',
  /** ECDSA on the NIST P-256 curve. */
  EC_PRIME256V1 = 'EC_prime256v1',
  /** ECDSA on the NIST P-384 curve. */
  EC_SECP384R1 = 'EC_secp384r1',
}

/**
 * Algorithm a private CA created by `PrivateCaDomain` signs with. Its family
 * (RSA or ECDSA) must match the family of the CA's `CaKeyAlgorithm`.
 */
export enum CaSigningAlgorithm {
  /** RSA signature over SHA-256. */
  SHA256WITHRSA = 'SHA256WITHRSA',
  /** RSA signature over SHA-384. */
  SHA384WITHRSA = 'SHA384WITHRSA',
  /** RSA signature over SHA-512. */
  SHA512WITHRSA = 'SHA512WITHRSA',
  /** ECDSA signature over SHA-256. */
  SHA256WITHECDSA = 'SHA256WITHECDSA',
  /** ECDSA signature over SHA-384. */
  SHA384WITHECDSA = 'SHA384WITHECDSA',
  /** ECDSA signature over SHA-512. */
  SHA512WITHECDSA = 'SHA512WITHECDSA',
}

/**
 * The private hosted zone of a domain whose zone lives in another account
 * (the hub of a hub-and-spoke setup).
 */
export interface HubHostedZone {
  /** ID of the hub's private hosted zone (`Z...`). */
  readonly hostedZoneId: string;

  /**
   * 12-digit ID of the hub account that owns the zone. The hub must have
   * called `addSpokeAccount()` for this stack's account.
   */
  readonly accountId: string;
}

/**
 * Options of `PrivateCaDomain.addSpokeAccount()`.
 */
export interface SpokeAccountOptions {
  /**
   * Host names under the domain that ExternalDNS of the spoke's clusters may
   * write (their CNAME records and ExternalDNS's TXT ownership records, nothing
   * else): the custom domain names of the services exposed in that account.
   *
   * @default - none: the spoke may associate its VPCs with the zone but write no records
   */
  readonly hostnames?: string[];

  /**
   * IDs of the spoke's VPCs (`vpc-...`) that may be authorized to associate
   * with the zone. When set, the hub's VPC role may authorize these VPCs only
   * (`route53:VPCs` condition), so not even the spoke's association role can
   * let a VPC of another account resolve the zone.
   *
   * @default - any VPC: only the spoke's zone-association roles (IAM path
   * `/lattice-zone/<domain>/vpc/`) may use the hub's VPC role, but they may
   * name any VPC
   */
  readonly vpcIds?: string[];

  /**
   * One DNS label: the spoke may write records under `*.<subdomain>.<domain>`
   * only (the spoke's `PrivateCaDomain` sets the same `subdomain`, so its
   * certificate covers that subdomain only). `hostnames`, if given, must be
   * under it.
   *
   * @default - only the records of `hostnames`
   */
  readonly subdomain?: string;
}

/**
 * Options for sharing a private CA through AWS RAM.
 */
export interface ShareCertificateAuthorityOptions {
  /**
   * 12-digit IDs of the accounts to share with.
   *
   * @default - none
   */
  readonly accountIds?: string[];

  /**
   * ARNs of the organizations to share with
   * (`arn:aws:organizations::<management account>:organization/o-...`).
   *
   * @default - none
   */
  readonly organizationArns?: string[];

  /**
   * ARNs of the organizational units to share with
   * (`arn:aws:organizations::<management account>:ou/o-.../ou-...`).
   *
   * @default - none
   */
  readonly organizationalUnitArns?: string[];

  /**
   * Whether principals outside this account's organization may be shared with.
   *
   * @default false
   */
  readonly allowExternalPrincipals?: boolean;
}

/**
 * Properties of a `PrivateCaDomain`.
 */
export interface PrivateCaDomainProps {
  /**
   * The private DNS domain, e.g. `example.com`.
   *
   * It names the private hosted zone, the certificate (`domainName` and
   * `*.domainName`) and, in the VPC Lattice pattern, the services' custom
   * domains. It must be a literal, lowercase DNS name of at least two labels
   * without trailing dot, and at most 64 characters long (the certificate's
   * subject common name limit).
   */
  readonly domainName: string;

  /**
   * An existing, active AWS Private CA to issue the certificate from.
   *
   * A CA in general-purpose mode costs about USD 400 per month, so share one
   * CA between environments where you can. When set, `keyAlgorithm`,
   * `signingAlgorithm`, `caValidity` and `caCommonName` must not be set.
   *
   * @default - a new ROOT CA is created, self-signed and activated
   */
  readonly certificateAuthority?: acmpca.ICertificateAuthority;

  /**
   * Key algorithm of the CA given as `certificateAuthority`, when you know it
   * (`aws acm-pca describe-certificate-authority` shows it as
   * `CertificateAuthorityConfiguration.KeyAlgorithm`). It is checked at synth
   * against `certificateKeyAlgorithm` (ACM requires the certificate key's
   * family, RSA or ECDSA, to be the CA's) and picks that family's default for
   * it. Without it only the deploy can tell: ACM then fails the certificate
   * request when the families differ.
   *
   * @default - unknown: `certificateKeyAlgorithm` (RSA_2048 by default) is not checked against the CA
   */
  readonly certificateAuthorityKeyAlgorithm?: CaKeyAlgorithm;

  /**
   * Key algorithm of the created CA. Only for a created CA.
   *
   * @default CaKeyAlgorithm.RSA_4096
   */
  readonly keyAlgorithm?: CaKeyAlgorithm;

  /**
   * Signing algorithm of the created CA; its family must match `keyAlgorithm`.
   * Only for a created CA.
   *
   * @default - SHA512WITHRSA for RSA keys, SHA256WITHECDSA for EC_prime256v1,
   * SHA384WITHECDSA for EC_secp384r1
   */
  readonly signingAlgorithm?: CaSigningAlgorithm;

  /**
   * Validity of the created CA's self-signed root certificate, in whole days.
   *
   * Must be between 396 days (ACM private certificates are valid for 395 days
   * and must expire before their CA) and 100 years. Only for a created CA.
   *
   * @default Duration.days(3650) (10 years)
   */
  readonly caValidity?: Duration;

  /**
   * Subject common name of the created CA, at most 64 characters.
   * Only for a created CA.
   *
   * @default - the domain name
   */
  readonly caCommonName?: string;

  /**
   * Key algorithm of the ACM certificate for the domain.
   *
   * ACM requires its family (RSA or ECDSA) to match the issuing CA's key; only
   * RSA_2048, EC_PRIME256V1 and EC_SECP384R1 can be requested. Set it when you
   * bring an ECDSA CA.
   *
   * @default - RSA_2048 for an RSA or imported CA, EC_PRIME256V1 for an
   * EC_prime256v1 CA, EC_SECP384R1 for an EC_secp384r1 CA
   */
  readonly certificateKeyAlgorithm?: acm.KeyAlgorithm;

  /**
   * The VPC the private hosted zone is created with. Add more with
   * `associateVpc()`.
   *
   * @default - a placeholder VPC (an `AWS::EC2::VPC` with a /28 CIDR, no
   * subnets, no gateways): a private zone must name a VPC when it is created,
   * and this one carries no traffic and costs nothing
   */
  readonly zoneVpc?: ec2.IVpc;

  /**
   * What happens to the CA (with its root certificate and activation) and the
   * hosted zone when they leave the stack.
   *
   * DESTROY fits the pattern's throw-away environments, where the CA is the
   * main cost: a deleted private CA is no longer billed, yet stays restorable
   * for its restoration period (7 to 30 days, 30 by default) in case it was
   * deleted by mistake. Use RETAIN for a long-lived CA whose root certificate
   * clients already trust. A hosted zone that still holds records (for example
   * ones written by ExternalDNS) cannot be deleted; remove them first.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * The domain's private hosted zone in another account (spoke side of a
   * hub-and-spoke setup). No zone is created here: `associateVpc()` asks the
   * hub (through the role the hub made with `addSpokeAccount()`) to authorize
   * the VPC, then associates it; clusters' ExternalDNS writes records through
   * that role. Requires `certificateAuthority` (the hub's CA, shared with
   * `shareCertificateAuthority()`), so every account's certificate chains to
   * one root. This stack's account must be a literal.
   *
   * @default - a private hosted zone is created in this stack
   */
  readonly hubHostedZone?: HubHostedZone;

  /**
   * One DNS label (e.g. `team-b`) that binds this domain's certificate and
   * services to a subdomain: the certificate is issued for
   * `<subdomain>.<domainName>` and `*.<subdomain>.<domainName>` instead of the
   * apex and `*.<domainName>`, and services get host names under it. Use it
   * on each spoke with a distinct label, together with
   * `addSpokeAccount({ subdomain })` on the hub, so that no spoke holds a
   * certificate or record for another spoke's host names.
   *
   * @default - the certificate covers the apex and `*.<domainName>`
   */
  readonly subdomain?: string;
}

/**
 * A private DNS domain with a wildcard TLS certificate from AWS Private CA.
 *
 * It creates a Route 53 private hosted zone for `domainName`, an ACM private
 * certificate for `domainName` and `*.domainName`, and, unless you bring one,
 * a ROOT AWS Private CA that issues it. The CA's root certificate PEM is
 * exposed for client trust stores. Created CAs cost about USD 400 per month
 * (general-purpose mode); pass `certificateAuthority` to share an existing one.
 *
 * Use `associateVpc()` to let more VPCs (for example EKS cluster VPCs in other
 * stacks) resolve names in the zone.
 *
 * @example
 * import { Stack } from 'aws-cdk-lib';
 * import * as ec2 from 'aws-cdk-lib/aws-ec2';
 * import { PrivateCaDomain } from 'cdk-lattice-eks';
 *
 * declare const stack: Stack;
 * declare const clusterVpc: ec2.IVpc;
 * const domain = new PrivateCaDomain(stack, 'Domain', { domainName: 'example.com' });
 * domain.associateVpc(clusterVpc);
 */
export class PrivateCaDomain extends Construct {
  /** The private DNS domain, e.g. `example.com`. */
  public readonly domainName: string;

  /**
   * The name the certificate is issued for (with its wildcard), under which
   * services get their host names: `<subdomain>.<domainName>` with
   * `subdomain`, else `domainName`.
   */
  public readonly certificateDomainName: string;

  /** The Route 53 private hosted zone for `domainName`. */
  public readonly hostedZone: route53.IPrivateHostedZone;

  /** ACM private certificate for `domainName` and `*.domainName`. */
  public readonly certificate: acm.ICertificate;

  /** The CA that issues `certificate` (created or imported). */
  public readonly certificateAuthority: acmpca.ICertificateAuthority;

  /**
   * PEM of the CA's certificate, for client trust stores. A deploy-time value:
   * the root certificate of a created CA, or read with
   * `GetCertificateAuthorityCertificate` for an imported one.
   */
  public readonly caCertificatePem: string;

  /** The created CA; undefined when `certificateAuthority` was given. */
  public readonly cfnCertificateAuthority?: acmpca.CfnCertificateAuthority;

  /**
   * Activation of the created CA; undefined when `certificateAuthority` was
   * given. Anything else that issues certificates from the created CA must
   * depend on it.
   */
  public readonly cfnCertificateAuthorityActivation?: acmpca.CfnCertificateAuthorityActivation;

  /**
   * The permission that lets ACM renew the domain's certificate from the
   * created CA (`acm.amazonaws.com`: IssueCertificate, GetCertificate,
   * ListPermissions); undefined when `certificateAuthority` was given (its
   * owner grants it, see the README).
   */
  public readonly acmRenewalPermission?: acmpca.CfnPermission;

  /** The placeholder VPC the zone was created with; set only when `zoneVpc` was not given. */
  public readonly placeholderVpc?: ec2.CfnVPC;

  /**
   * ARN of the hub's role for this account that ExternalDNS uses
   * (`hubHostedZone` only): it reads the zone and writes this account's
   * records. Only roles under the IAM path `/lattice-zone/<domain>/dns/` of
   * this account may assume it (clusters put their ExternalDNS role there).
   *
   * @default - none, when the zone is in this stack
   */
  public readonly hubRoleArn?: string;

  /**
   * ARN of the hub's role that authorizes this account's VPC associations
   * (`hubHostedZone` only). Only roles under the IAM path
   * `/lattice-zone/<domain>/vpc/` of this account may assume it.
   *
   * @default - none, when the zone is in this stack
   */
  public readonly hubVpcRoleArn?: string;

  /**
   * Roles made by `addSpokeAccount()`, by spoke account ID.
   */
  private readonly spokeRoles = new Map<string, iam.Role>();

  private readonly zone?: route53.PrivateHostedZone;
  private readonly associatedVpcIds = new Set<string>();

  /**
   * @param scope the construct this one is created in
   * @param id its id, unique within `scope`
   * @param props properties (see the props interface)
   */
  constructor(scope: Construct, id: string, props: PrivateCaDomainProps) {
    super(scope, id);

    const domainName = props.domainName;
    if (Token.isUnresolved(domainName)) {
      throw validationError(this, KIND,
        `${literalRequired('domainName', 'string', 'name the certificate, the zone and the routes\' hostnames under it')}; give a name such as "example.com"`);
    }
    assertDnsName(this, KIND, 'domainName', domainName);
    if (domainName.length > MAX_COMMON_NAME_LENGTH) {
      throw validationError(this, KIND,
        `domainName "${domainName}" is ${domainName.length} characters long; ACM allows at most ${MAX_COMMON_NAME_LENGTH} for a certificate's domain name`);
    }
    this.domainName = domainName;
    this.certificateDomainName = props.subdomain === undefined ? domainName : this.subdomainName(props.subdomain);

    if (props.hubHostedZone) this.assertSpokeProps(props, props.hubHostedZone);
    const removalPolicy = validateRemovalPolicy(this, KIND, 'removalPolicy', props.removalPolicy,
      props.certificateAuthority ? 'the private hosted zone (AWS::Route53::HostedZone)'
        : 'the private hosted zone (AWS::Route53::HostedZone) and the private CA (AWS::ACMPCA::CertificateAuthority)', RemovalPolicy.DESTROY);

    // Validate everything before creating resources.
    let caSettings: CaSettings | undefined;
    let importedKey: CaKeyAlgorithm | undefined;
    if (props.certificateAuthority) {
      this.assertNoCaSettings(props);
      importedKey = this.importedCaKeyAlgorithm(props.certificateAuthorityKeyAlgorithm);
    } else {
      if (props.certificateAuthorityKeyAlgorithm !== undefined) {
        throw validationError(this, KIND,
          `certificateAuthorityKeyAlgorithm ("${props.certificateAuthorityKeyAlgorithm}") describes a CA given as certificateAuthority; ` +
          'for the CA this construct creates use keyAlgorithm');
      }
      caSettings = this.caSettings(props);
    }
    const caKey = caSettings?.keyAlgorithm ?? importedKey;
    const certificateKeyAlgorithm = props.certificateKeyAlgorithm ?? caSettings?.leafKeyAlgorithm
      ?? (importedKey !== undefined ? leafKeyAlgorithmFor(importedKey) : acm.KeyAlgorithm.RSA_2048);
    this.assertCertificateKeyAlgorithm(certificateKeyAlgorithm, caKey, importedKey !== undefined);

    // Certificate authority.
    if (props.certificateAuthority) {
      this.certificateAuthority = props.certificateAuthority;
      this.caCertificatePem = this.readCaCertificatePem(props.certificateAuthority.certificateAuthorityArn);
    } else {
      const ca = this.createCertificateAuthority(caSettings!, removalPolicy);
      this.cfnCertificateAuthority = ca.authority;
      this.cfnCertificateAuthorityActivation = ca.activation;
      this.certificateAuthority = acmpca.CertificateAuthority.fromCertificateAuthorityArn(this, 'CertificateAuthority', ca.authority.attrArn);
      this.caCertificatePem = ca.rootCertificate.attrCertificate;
      // ACM renews a private certificate from a CA of the same account only with this permission;
      // without it the certificate expires after its 395 days and every HTTPS listener fails TLS.
      this.acmRenewalPermission = new acmpca.CfnPermission(this, 'AcmRenewalPermission', {
        certificateAuthorityArn: ca.authority.attrArn,
        principal: 'acm.amazonaws.com',
        actions: ['IssueCertificate', 'GetCertificate', 'ListPermissions'],
      });
      this.acmRenewalPermission.node.addDependency(ca.activation);
    }

    // Certificate for the domain (or the subdomain) and its wildcard.
    const certificate = new acm.PrivateCertificate(this, 'Certificate', {
      domainName: this.certificateDomainName,
      subjectAlternativeNames: [`*.${this.certificateDomainName}`],
      certificateAuthority: this.certificateAuthority,
      keyAlgorithm: certificateKeyAlgorithm,
    });
    if (this.cfnCertificateAuthorityActivation) {
      // ACM can only issue from an ACTIVE CA, and nothing in the certificate
      // references the activation.
      certificate.node.addDependency(this.cfnCertificateAuthorityActivation);
    }
    this.certificate = certificate;

    if (props.hubHostedZone) {
      const hub = props.hubHostedZone;
      this.hostedZone = route53.PrivateHostedZone.fromPrivateHostedZoneId(this, 'HubHostedZone', hub.hostedZoneId);
      const hubRole = (name: string) => Stack.of(this).formatArn({ service: 'iam', region: '', account: hub.accountId, resource: 'role', resourceName: name });
      this.hubRoleArn = hubRole(spokeRoleName(domainName, Stack.of(this).account));
      this.hubVpcRoleArn = hubRole(spokeVpcRoleName(domainName, Stack.of(this).account));
      return;
    }

    // Private hosted zone.
    let zoneVpc = props.zoneVpc;
    if (!zoneVpc) {
      this.placeholderVpc = this.createPlaceholderVpc();
      zoneVpc = ec2.Vpc.fromVpcAttributes(this, 'PlaceholderVpcRef', {
        vpcId: this.placeholderVpc.ref,
        // The import needs at least one AZ; with no subnets it never reaches the template.
        availabilityZones: [Fn.select(0, Fn.getAzs())],
      });
    }
    this.zone = new route53.PrivateHostedZone(this, 'HostedZone', {
      zoneName: domainName,
      vpc: zoneVpc,
      comment: `Private zone for ${domainName}`,
    });
    this.zone.applyRemovalPolicy(removalPolicy);
    this.hostedZone = this.zone;
    this.associatedVpcIds.add(zoneVpc.vpcId);
  }

  /**
   * Lets `grantee` get end-entity certificates from the domain's private CA,
   * e.g. for workloads behind a TLS passthrough route, which terminate TLS
   * with their own certificate: `acm-pca:IssueCertificate` with the
   * `EndEntityCertificate/V1` template only (never a CA certificate) and
   * `acm-pca:GetCertificate`, both on this CA only.
   *
   * IAM cannot limit the names a certificate is issued for: any grantee can
   * get a certificate for any host name of the domain. Grant it to the one
   * identity that requests certificates (such as cert-manager's AWS Private
   * CA issuer), not to application pods. A CA of another account (given as
   * `certificateAuthority`) must also be shared with the grantee's account.
   *
   * @param grantee the identity that requests certificates
   */
  public grantIssueCertificate(grantee: iam.IGrantable): iam.Grant {
    const caArn = this.certificateAuthority.certificateAuthorityArn;
    const issue = iam.Grant.addToPrincipal({
      grantee,
      actions: ['acm-pca:IssueCertificate'],
      resourceArns: [caArn],
      conditions: { ArnEquals: { 'acm-pca:TemplateArn': `arn:${Stack.of(this).partition}:acm-pca:::template/EndEntityCertificate/V1` } },
    });
    // GetCertificate has no template key: a statement of its own.
    const get = iam.Grant.addToPrincipal({ grantee, actions: ['acm-pca:GetCertificate'], resourceArns: [caArn] });
    return issue.combine(get);
  }

  /**
   * Lets `vpc` resolve names in the private hosted zone.
   *
   * For a VPC in this construct's stack the VPC joins the zone's own VPC list.
   * For a VPC in another stack (same account) an association is created in
   * that VPC's stack with `AssociateVPCWithHostedZone`, and removed with
   * `DisassociateVPCFromHostedZone` when that stack deletes it. That stack
   * then depends on this one.
   *
   * @param vpc the VPC to associate; must have DNS support and DNS hostnames enabled
   */
  public associateVpc(vpc: ec2.IVpc): void {
    const vpcStack = Stack.of(vpc);
    const zoneStack = Stack.of(this);
    const associationId = `PrivateZoneAssociation-${this.domainName}`;

    if (this.associatedVpcIds.has(vpc.vpcId) || vpc.node.tryFindChild(associationId) || associationScope(vpc).node.tryFindChild(`${vpc.node.id}-${associationId}`)) {
      throw validationError(this, KIND,
        `VPC "${vpc.node.path}" is already associated with the private hosted zone "${this.domainName}"`);
    }

    if (!this.zone) {
      this.associateVpcWithHubZone(vpc, associationId);
      return;
    }

    if (vpcStack === zoneStack) {
      this.zone.addVpc(vpc);
      this.associatedVpcIds.add(vpc.vpcId);
      return;
    }

    if (!Token.isUnresolved(vpcStack.account) && !Token.isUnresolved(zoneStack.account) && vpcStack.account !== zoneStack.account) {
      throw validationError(this, KIND,
        `VPC "${vpc.node.path}" is in account "${vpcStack.account}" but the zone "${this.domainName}" is in account "${zoneStack.account}"; for a VPC of another account, share the zone with addSpokeAccount() and, in that account, use a PrivateCaDomain with hubHostedZone`);
    }

    this.createZoneAssociation(vpc, associationId);
    this.associatedVpcIds.add(vpc.vpcId);
  }

  /**
   * Shares the CA with other accounts, organizations or organizational units
   * through AWS RAM (managed permission
   * `AWSRAMDefaultPermissionCertificateAuthority`), so that ACM in those
   * accounts issues their own private certificates for the domain (spoke
   * side: a `PrivateCaDomain` with `certificateAuthority` set to this CA and
   * `hubHostedZone`).
   *
   * @param id construct ID of the resource share (also part of its name)
   * @returns the resource share
   */
  public shareCertificateAuthority(id: string, options: ShareCertificateAuthorityOptions): ram.CfnResourceShare {
    const accountIds = options.accountIds ?? [];
    const organizationArns = options.organizationArns ?? [];
    const organizationalUnitArns = options.organizationalUnitArns ?? [];
    if (accountIds.length + organizationArns.length + organizationalUnitArns.length === 0) {
      throw validationError(this, KIND,
        `shareCertificateAuthority("${id}") needs at least one principal: accountIds, organizationArns or organizationalUnitArns`);
    }
    const problems = [
      ...accountIds.map(accountIdProblem),
      ...organizationArns.map(organizationArnProblem),
      ...organizationalUnitArns.map(organizationalUnitArnProblem),
    ].filter((p): p is string => p !== undefined);
    if (problems.length > 0) throw validationError(this, KIND, `shareCertificateAuthority("${id}"): ${problems[0]}`);
    const share = new ram.CfnResourceShare(this, id, {
      name: `${this.domainName.replace(/\./g, '-')}-ca-${id}`,
      resourceArns: [this.certificateAuthority.certificateAuthorityArn],
      principals: [...accountIds, ...organizationArns, ...organizationalUnitArns],
      permissionArns: [`arn:${Stack.of(this).partition}:ram::aws:permission/${CA_SHARE_PERMISSION}`],
      allowExternalPrincipals: options.allowExternalPrincipals ?? false,
    });
    // Sharing an inactive CA would let recipients see a CA that cannot issue yet.
    if (this.cfnCertificateAuthorityActivation) share.node.addDependency(this.cfnCertificateAuthorityActivation);
    return share;
  }

  /**
   * Lets a spoke account use this domain's zone (hub side). Creates two
   * roles, named after the domain and the account, that only roles of
   * `accountId` under a fixed IAM path may assume (`aws:PrincipalArn`
   * condition), not every principal of the account:
   * - `lattice-zone-vpc-<account>-<domain>`, for the spoke's zone-association
   *   function (roles under `/lattice-zone/<domain>/vpc/`): authorize VPC
   *   associations with the zone (`CreateVPCAssociationAuthorization`,
   *   `DeleteVPCAssociationAuthorization`), for `vpcIds` only when given;
   * - `lattice-zone-<account>-<domain>`, for the spoke's ExternalDNS roles
   *   (under `/lattice-zone/<domain>/dns/`, with session tags, which EKS Pod
   *   Identity passes on): read the zone and write the records of
   *   `hostnames` only.
   * In the spoke, a `PrivateCaDomain` with `hubHostedZone` and the clusters
   * that use it create their roles under those paths.
   *
   * @param accountId 12-digit ID of the spoke account
   * @returns the role ExternalDNS of the spoke uses
   */
  public addSpokeAccount(accountId: string, options: SpokeAccountOptions = {}): iam.Role {
    const zone = this.zone;
    if (!zone) {
      throw validationError(this, KIND,
        `addSpokeAccount("${accountId}") needs the zone in this stack; this domain uses the hub's zone (hubHostedZone): call it on the hub's PrivateCaDomain`);
    }
    const problem = accountIdProblem(accountId);
    if (problem !== undefined) throw validationError(this, KIND, `addSpokeAccount(): ${problem}`);
    if (Token.isUnresolved(accountId)) {
      throw validationError(this, KIND, `addSpokeAccount(): ${literalRequired('the account ID', 'string', 'name the role the spoke assumes')}`);
    }
    if (this.spokeRoles.has(accountId)) {
      throw validationError(this, KIND, `addSpokeAccount("${accountId}") was already called for this domain`);
    }
    const hostnames = (options.hostnames ?? []).map((h) => h.toLowerCase());
    for (const hostname of hostnames) {
      if (Token.isUnresolved(hostname)) {
        throw validationError(this, KIND, `addSpokeAccount("${accountId}"): ${literalRequired('hostname', 'string', 'scope the spoke role to its records')}`);
      }
      const nameProblem = dnsNameProblem(hostname);
      if (nameProblem !== undefined || !hostname.endsWith(`.${this.domainName}`)) {
        throw validationError(this, KIND,
          `addSpokeAccount("${accountId}"): hostname "${hostname}" must be a literal DNS name under ${this.domainName} (e.g. demo.${this.domainName})`);
      }
    }
    claimUniqueName(this, KIND, {
      what: 'IAM role',
      prop: `addSpokeAccount("${accountId}"): role name`,
      name: spokeRoleName(this.domainName, accountId),
      uniqueness: 'account',
      fix: `call addSpokeAccount("${accountId}") on one PrivateCaDomain of ${this.domainName} per account`,
    });
    claimUniqueName(this, KIND, {
      what: 'IAM role',
      prop: `addSpokeAccount("${accountId}"): VPC role name`,
      name: spokeVpcRoleName(this.domainName, accountId),
      uniqueness: 'account',
      fix: `call addSpokeAccount("${accountId}") on one PrivateCaDomain of ${this.domainName} per account`,
    });
    const subdomain = options.subdomain === undefined ? undefined : this.subdomainName(options.subdomain, `addSpokeAccount("${accountId}"): subdomain`);
    for (const hostname of subdomain === undefined ? [] : hostnames) {
      if (!hostname.endsWith(`.${subdomain}`)) {
        throw validationError(this, KIND,
          `addSpokeAccount("${accountId}"): hostname "${hostname}" is outside the spoke's subdomain ${subdomain}; use a name like app.${subdomain}`);
      }
    }
    const vpcIds = options.vpcIds ?? [];
    for (const vpcId of vpcIds) {
      if (Token.isUnresolved(vpcId) || !/^vpc-[0-9a-f]{8,17}$/.test(vpcId)) {
        throw validationError(this, KIND,
          `addSpokeAccount("${accountId}"): vpcIds entry "${vpcId}" must be a literal VPC ID such as vpc-0123456789abcdef0`);
      }
    }
    const partition = Stack.of(this).partition;
    // Trusted by the spoke's zone-association roles only (their IAM path), not by the whole account.
    const vpcRole = new iam.Role(this, `Spoke${accountId}Vpc`, {
      roleName: spokeVpcRoleName(this.domainName, accountId),
      assumedBy: new iam.AccountPrincipal(accountId).withConditions({
        ArnLike: { 'aws:PrincipalArn': spokeRoleArnPattern(partition, accountId, this.domainName, 'vpc') },
      }),
      description: `Account ${accountId}: authorize its VPCs to associate with the ${this.domainName} zone`,
    });
    vpcRole.addToPolicy(new iam.PolicyStatement({
      sid: 'AuthorizeVpcAssociations',
      actions: ['route53:CreateVPCAssociationAuthorization', 'route53:DeleteVPCAssociationAuthorization'],
      resources: [zone.hostedZoneArn],
      ...(vpcIds.length > 0 ? {
        conditions: {
          'ForAllValues:StringLike': { 'route53:VPCs': vpcIds.map((id) => route53VpcConditionValue(id, '*')) },
          'Null': { 'route53:VPCs': 'false' },
        },
      } : {}),
    }));

    // Trusted by the spoke's ExternalDNS roles only (their IAM path); Pod Identity session tags pass on (sts:TagSession).
    const role = new iam.Role(this, `Spoke${accountId}`, {
      roleName: spokeRoleName(this.domainName, accountId),
      assumedBy: new iam.AccountPrincipal(accountId).withSessionTags().withConditions({
        ArnLike: { 'aws:PrincipalArn': spokeRoleArnPattern(partition, accountId, this.domainName, 'dns') },
      }),
      description: `Account ${accountId}: ExternalDNS reads the ${this.domainName} zone and writes its own records only`,
    });
    // Reads are not narrowed to the spoke's names: ListResourceRecordSets has no condition keys, and every VPC
    // associated with the zone resolves all of its names anyway. The spoke's deletion guard reads through this role too.
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'ReadZone',
      actions: ['route53:ListResourceRecordSets', 'route53:ListTagsForResource'],
      resources: [zone.hostedZoneArn],
    }));
    role.addToPolicy(new iam.PolicyStatement({ sid: 'FindZone', actions: ['route53:ListHostedZones'], resources: ['*'] }));
    acknowledge(role, 'AwsSolutions-IAM5[Resource::*]',
      'route53:ListHostedZones supports no resource-level permissions (ExternalDNS finds the zone with it); record changes are limited to this zone and the named records.');
    if (subdomain !== undefined) {
      // Every name under the spoke's subdomain (and its TXT ownership records, `cname-<label>.<subdomain>...`).
      role.addToPolicy(new iam.PolicyStatement({
        sid: 'ChangeOwnSubdomainOnly',
        actions: ['route53:ChangeResourceRecordSets'],
        resources: [zone.hostedZoneArn],
        conditions: {
          'ForAllValues:StringLike': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': [`*.${subdomain}`] },
          'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsRecordTypes': ['CNAME', 'TXT'] },
        },
      }));
    } else if (hostnames.length > 0) {
      role.addToPolicy(new iam.PolicyStatement({
        sid: 'ChangeOwnRecordsOnly',
        actions: ['route53:ChangeResourceRecordSets'],
        resources: [zone.hostedZoneArn],
        conditions: {
          'ForAllValues:StringEquals': {
            'route53:ChangeResourceRecordSetsNormalizedRecordNames': externalDnsRecordNames(hostnames),
            'route53:ChangeResourceRecordSetsRecordTypes': ['CNAME', 'TXT'],
          },
        },
      }));
    }
    this.spokeRoles.set(accountId, role);
    return role;
  }

  /** Authorization in the hub (through its VPC role for this account), then association in this account. */
  private associateVpcWithHubZone(vpc: ec2.IVpc, associationId: string): void {
    if (Stack.of(vpc).account !== Stack.of(this).account) {
      throw validationError(this, KIND,
        `VPC "${vpc.node.path}" is in account "${Stack.of(vpc).account}" but this spoke domain is in account "${Stack.of(this).account}"; ` +
        'create a PrivateCaDomain with hubHostedZone in the VPC\'s own account');
    }
    hubZoneAssociation(vpc, associationId, {
      domainName: this.domainName,
      hostedZoneId: this.hostedZone.hostedZoneId,
      hostedZoneArn: this.hostedZone.hostedZoneArn,
      hubVpcRoleArn: this.hubVpcRoleArn!,
    });
    this.associatedVpcIds.add(vpc.vpcId);
  }

  /** `AssociateVPCWithHostedZone` in the VPC's stack, `DisassociateVPCFromHostedZone` when it is deleted. */
  private createZoneAssociation(vpc: ec2.IVpc, associationId: string): cr.AwsCustomResource {
    const hostedZoneId = this.hostedZone.hostedZoneId;
    const vpcRef = { VPCId: vpc.vpcId, VPCRegion: Stack.of(vpc).region };
    const physicalResourceId = cr.PhysicalResourceId.of(`${hostedZoneId}:${vpc.vpcId}`);
    // Beside the VPC, not under it: whatever depends on the VPC (an EKS cluster, and so
    // every Kubernetes object) need not wait for the association; it still waits for the VPC.
    const association = new cr.AwsCustomResource(associationScope(vpc), `${vpc.node.id}-${associationId}`, {
      resourceType: 'Custom::PrivateZoneVpcAssociation',
      onCreate: {
        service: 'Route53',
        action: 'associateVPCWithHostedZone',
        parameters: { HostedZoneId: hostedZoneId, VPC: vpcRef },
        physicalResourceId,
      },
      onUpdate: {
        service: 'Route53',
        action: 'associateVPCWithHostedZone',
        parameters: { HostedZoneId: hostedZoneId, VPC: vpcRef },
        physicalResourceId,
        // An update that keeps zone and VPC finds them associated already.
        ignoreErrorCodesMatching: 'ConflictingDomainExists',
      },
      onDelete: {
        service: 'Route53',
        action: 'disassociateVPCFromHostedZone',
        parameters: { HostedZoneId: hostedZoneId, VPC: vpcRef },
        // Already gone (zone, VPC or association): nothing left to remove.
        ignoreErrorCodesMatching: 'VPCAssociationNotFound|NoSuchHostedZone|InvalidVPCId',
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['route53:AssociateVPCWithHostedZone', 'route53:DisassociateVPCFromHostedZone'],
          resources: [this.hostedZone.hostedZoneArn],
        }),
        new iam.PolicyStatement({
          actions: ['ec2:DescribeVpcs'],
          resources: ['*'],
        }),
      ]),
      installLatestAwsSdk: false,
    });
    keepLogicalId(vpc, associationId, association);
    const policy = association.node.findChild('CustomResourcePolicy');
    acknowledge(policy.node.defaultChild ?? policy, 'AwsSolutions-IAM5[Resource::*]',
      'Route 53 requires ec2:DescribeVpcs to associate or disassociate a VPC, and DescribeVpcs supports no resource-level permissions; the Route 53 actions are scoped to this hosted zone.');
    acknowledgeAwsCustomResourceProvider(association);
    return association;
  }

  /**
   * Grants `grantee` permission to read this CA's certificate
   * (`acm-pca:GetCertificateAuthorityCertificate` on this CA's ARN only), for
   * example for a workload that builds its trust store at start-up.
   *
   * @param grantee the principal to grant the permission to
   */
  public grantReadCaCertificate(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['acm-pca:GetCertificateAuthorityCertificate'],
      resourceArns: [this.certificateAuthority.certificateAuthorityArn],
    });
  }

  /** `<label>.<domainName>`, checked: one literal DNS label, and a certificate name ACM accepts. */
  private subdomainName(label: string, where = 'subdomain'): string {
    if (Token.isUnresolved(label) || !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label)) {
      throw validationError(this, KIND,
        `${where} "${label}" must be one literal lowercase DNS label (letters, digits, hyphens; at most 63 characters), e.g. "team-b"`);
    }
    const name = `${label}.${this.domainName}`;
    if (name.length > MAX_COMMON_NAME_LENGTH) {
      throw validationError(this, KIND,
        `${where} "${label}" makes the certificate name "${name}" ${name.length} characters long; ACM allows at most ${MAX_COMMON_NAME_LENGTH}: use a shorter label`);
    }
    return name;
  }

  private assertSpokeProps(props: PrivateCaDomainProps, hub: HubHostedZone): void {
    if (!props.certificateAuthority) {
      throw validationError(this, KIND,
        'hubHostedZone needs certificateAuthority: issue the certificate from the hub\'s CA (shared with shareCertificateAuthority), ' +
        'e.g. acmpca.CertificateAuthority.fromCertificateAuthorityArn(this, \'Ca\', \'<hub CA ARN>\')');
    }
    for (const [name, value] of [['zoneVpc', props.zoneVpc?.node.path], ['removalPolicy', props.removalPolicy]] as const) {
      if (value !== undefined) {
        throw validationError(this, KIND, `hubHostedZone and ${name} ("${value}") cannot be combined: ${name} only applies to a zone created here`);
      }
    }
    const problem = accountIdProblem(hub.accountId);
    if (problem !== undefined) throw validationError(this, KIND, `hubHostedZone.accountId: ${problem}`);
    if (Token.isUnresolved(hub.hostedZoneId)) {
      throw validationError(this, KIND, literalRequired('hubHostedZone.hostedZoneId', 'string', 'name the zone in the hub role\'s ARN and the records'));
    }
    if (!/^Z[A-Z0-9]{1,31}$/.test(hub.hostedZoneId)) {
      throw validationError(this, KIND, `hubHostedZone.hostedZoneId "${hub.hostedZoneId}" must be a literal hosted zone ID such as Z0123456789ABCDEFGHIJ`);
    }
    const account = Stack.of(this).account;
    if (Token.isUnresolved(account)) {
      throw validationError(this, KIND,
        'hubHostedZone needs a stack with an explicit account (env.account): the hub\'s role for this account is named after it');
    }
    if (account === hub.accountId) {
      throw validationError(this, KIND,
        `hubHostedZone.accountId "${hub.accountId}" is this stack's own account; in the zone's account use the PrivateCaDomain that owns the zone`);
    }
  }

  private assertNoCaSettings(props: PrivateCaDomainProps): void {
    const caOnly: Array<[string, unknown]> = [
      ['keyAlgorithm', props.keyAlgorithm],
      ['signingAlgorithm', props.signingAlgorithm],
      ['caValidity', props.caValidity?.toString()],
      ['caCommonName', props.caCommonName],
    ];
    for (const [name, value] of caOnly) {
      if (value !== undefined) {
        throw validationError(this, KIND,
          `certificateAuthority and ${name} ("${value}") cannot be combined: ${name} only configures a CA that this construct creates`);
      }
    }
  }

  private caSettings(props: PrivateCaDomainProps): CaSettings {
    const keyAlgorithm = props.keyAlgorithm ?? CaKeyAlgorithm.RSA_4096;
    const family = keyFamily(keyAlgorithm);
    const signingAlgorithm = props.signingAlgorithm ?? defaultSigningAlgorithm(keyAlgorithm);
    if (signingFamily(signingAlgorithm) !== family) {
      throw validationError(this, KIND,
        `signingAlgorithm "${signingAlgorithm}" does not fit keyAlgorithm "${keyAlgorithm}": ${family === 'RSA' ? 'an RSA key needs a ...WITHRSA' : 'an EC key needs a ...WITHECDSA'} signing algorithm`);
    }
    const validityDays = this.caValidityDays(props.caValidity ?? Duration.days(3650));

    const commonName = props.caCommonName ?? this.domainName;
    if (!Token.isUnresolved(commonName) && (commonName.length === 0 || commonName.length > MAX_COMMON_NAME_LENGTH)) {
      throw validationError(this, KIND,
        `caCommonName "${commonName}" must be 1 to ${MAX_COMMON_NAME_LENGTH} characters long, got ${commonName.length}`);
    }

    return { keyAlgorithm, signingAlgorithm, validityDays, commonName, family, leafKeyAlgorithm: leafKeyAlgorithmFor(keyAlgorithm) };
  }

  private createCertificateAuthority(settings: CaSettings, removalPolicy: RemovalPolicy) {
    const authority = new acmpca.CfnCertificateAuthority(this, 'RootCa', {
      type: 'ROOT',
      keyAlgorithm: settings.keyAlgorithm,
      signingAlgorithm: settings.signingAlgorithm,
      subject: { commonName: settings.commonName },
      usageMode: 'GENERAL_PURPOSE',
    });
    const rootCertificate = new acmpca.CfnCertificate(this, 'RootCaCertificate', {
      certificateAuthorityArn: authority.attrArn,
      certificateSigningRequest: authority.attrCertificateSigningRequest,
      signingAlgorithm: settings.signingAlgorithm,
      templateArn: `arn:${Stack.of(this).partition}:acm-pca:::template/RootCACertificate/V1`,
      validity: { type: 'DAYS', value: settings.validityDays },
    });
    const activation = new acmpca.CfnCertificateAuthorityActivation(this, 'RootCaActivation', {
      certificateAuthorityArn: authority.attrArn,
      certificate: rootCertificate.attrCertificate,
      status: 'ACTIVE',
    });
    // Retaining the CA only helps if it stays active, so its root certificate
    // and activation share its removal policy.
    for (const resource of [authority, rootCertificate, activation]) {
      resource.applyRemovalPolicy(removalPolicy);
    }
    return { authority, rootCertificate, activation };
  }

  private caValidityDays(validity: Duration): number {
    if (validity.isUnresolved()) {
      throw validationError(this, KIND, literalRequired('caValidity', 'duration', 'check it outlives the certificates it signs'));
    }
    const days = validity.toDays({ integral: false });
    if (!Number.isInteger(days)) {
      throw validationError(this, KIND,
        `caValidity must be a whole number of days, got "${validity.toHumanString()}" (${days} days)`);
    }
    if (days < MIN_CA_VALIDITY_DAYS || days > MAX_CA_VALIDITY_DAYS) {
      throw validationError(this, KIND,
        `caValidity must be between ${MIN_CA_VALIDITY_DAYS} days (ACM private certificates live 395 days and must expire before their CA) and ${MAX_CA_VALIDITY_DAYS} days, got "${validity.toHumanString()}"`);
    }
    return days;
  }

  private importedCaKeyAlgorithm(algorithm: CaKeyAlgorithm | undefined): CaKeyAlgorithm | undefined {
    if (algorithm === undefined) return undefined;
    if (!Object.values(CaKeyAlgorithm).includes(algorithm)) {
      throw validationError(this, KIND,
        `certificateAuthorityKeyAlgorithm ${JSON.stringify(algorithm)} is not a CA key algorithm; use one of ${Object.values(CaKeyAlgorithm).join(', ')} ` +
        '(the CA\'s CertificateAuthorityConfiguration.KeyAlgorithm)');
    }
    return algorithm;
  }

  private assertCertificateKeyAlgorithm(algorithm: acm.KeyAlgorithm, caKey: CaKeyAlgorithm | undefined, imported: boolean): void {
    const caFamily = caKey !== undefined ? keyFamily(caKey) : undefined;
    const requestable = [acm.KeyAlgorithm.RSA_2048.name, acm.KeyAlgorithm.EC_PRIME256V1.name, acm.KeyAlgorithm.EC_SECP384R1.name];
    if (!requestable.includes(algorithm.name)) {
      throw validationError(this, KIND,
        `certificateKeyAlgorithm "${algorithm.name}" cannot be requested from a private CA; use one of ${requestable.join(', ')}`);
    }
    const family: KeyFamily = algorithm.name.startsWith('RSA') ? 'RSA' : 'EC';
    if (caFamily !== undefined && family !== caFamily) {
      throw validationError(this, KIND,
        `certificateKeyAlgorithm "${algorithm.name}" does not fit the ${imported ? 'imported' : 'created'} CA's ${caKey} key ` +
        `(${imported ? 'certificateAuthorityKeyAlgorithm' : 'keyAlgorithm'}); ACM requires the certificate key family (RSA or ECDSA) to match the CA's, ` +
        `so the certificate request would fail at deploy: use certificateKeyAlgorithm ${leafKeyAlgorithmFor(caKey!).name}, or leave it out`);
    }
  }

  private createPlaceholderVpc(): ec2.CfnVPC {
    const vpc = new ec2.CfnVPC(this, 'PlaceholderVpc', {
      cidrBlock: PLACEHOLDER_VPC_CIDR,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: [{ key: 'Name', value: `private-zone-placeholder-${this.domainName}` }],
    });
    acknowledge(vpc, 'AwsSolutions-VPC7', 'Placeholder VPC that only anchors the private hosted zone at creation: it has no subnets, no gateways and no network interfaces, so there is no traffic a flow log could record.');
    return vpc;
  }

  private readCaCertificatePem(caArn: string): string {
    const call: cr.AwsSdkCall = {
      service: 'ACMPCA',
      action: 'getCertificateAuthorityCertificate',
      parameters: { CertificateAuthorityArn: caArn },
      physicalResourceId: cr.PhysicalResourceId.of(caArn),
      outputPaths: ['Certificate'],
    };
    const reader = new cr.AwsCustomResource(this, 'CaCertificatePem', {
      resourceType: 'Custom::PrivateCaCertificatePem',
      onCreate: call,
      onUpdate: call,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['acm-pca:GetCertificateAuthorityCertificate'],
          resources: [caArn],
        }),
      ]),
      installLatestAwsSdk: false,
    });
    acknowledgeAwsCustomResourceProvider(reader);
    return reader.getResponseField('Certificate');
  }
}

type KeyFamily = 'RSA' | 'EC';

/** Validated settings of a CA this construct creates. */
interface CaSettings {
  readonly keyAlgorithm: CaKeyAlgorithm;
  readonly signingAlgorithm: CaSigningAlgorithm;
  readonly validityDays: number;
  readonly commonName: string;
  readonly family: KeyFamily;
  /** Default key algorithm of the ACM certificate: the CA's family. */
  readonly leafKeyAlgorithm: acm.KeyAlgorithm;
}

/** The default certificate key algorithm for a CA key: the same family (and curve). */
function leafKeyAlgorithmFor(keyAlgorithm: CaKeyAlgorithm): acm.KeyAlgorithm {
  if (keyAlgorithm === CaKeyAlgorithm.EC_PRIME256V1) return acm.KeyAlgorithm.EC_PRIME256V1;
  if (keyAlgorithm === CaKeyAlgorithm.EC_SECP384R1) return acm.KeyAlgorithm.EC_SECP384R1;
  return acm.KeyAlgorithm.RSA_2048;
}

function keyFamily(algorithm: CaKeyAlgorithm): KeyFamily {
  return algorithm.startsWith('RSA') ? 'RSA' : 'EC';
}

function signingFamily(algorithm: CaSigningAlgorithm): KeyFamily {
  return algorithm.endsWith('WITHRSA') ? 'RSA' : 'EC';
}

function defaultSigningAlgorithm(keyAlgorithm: CaKeyAlgorithm): CaSigningAlgorithm {
  switch (keyAlgorithm) {
    case CaKeyAlgorithm.EC_PRIME256V1:
      return CaSigningAlgorithm.SHA256WITHECDSA;
    case CaKeyAlgorithm.EC_SECP384R1:
      return CaSigningAlgorithm.SHA384WITHECDSA;
    default:
      return CaSigningAlgorithm.SHA512WITHRSA;
  }
}

/** Where a VPC's zone associations are created: beside the VPC (in its scope), so that depending on the VPC does not mean waiting for them. */
function associationScope(vpc: ec2.IVpc): Construct {
  return (vpc.node.scope ?? Stack.of(vpc)) as Construct;
}

/** Gives `resource` the logical id it had when it was created under `vpc` with `id` (stacks deployed then keep their association). */
function keepLogicalId(vpc: ec2.IVpc, id: string, resource: cr.AwsCustomResource): void {
  (resource.node.findChild('Resource').node.defaultChild as CfnResource).overrideLogicalId(logicalIdAt(vpc, [id, 'Resource', 'Default']));
}
