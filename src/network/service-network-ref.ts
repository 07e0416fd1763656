import { IResource } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as vpclattice from 'aws-cdk-lib/aws-vpclattice';

/**
 * Options for associating a VPC with a service network.
 */
export interface ServiceNetworkVpcAssociationOptions {
  /**
   * Security groups of the association (at most 5). They filter which
   * resources of the VPC may reach the service network: Lattice evaluates
   * their inbound rules against traffic from the VPC to the network.
   *
   * Lattice does not let an association drop its last security group: going
   * from some security groups back to none replaces the association.
   *
   * @default - no security groups: Lattice applies no network-level filter, so
   *   every resource in the VPC can send traffic to the service network (the
   *   auth policy still decides which requests are allowed).
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/**
 * An Amazon VPC Lattice service network.
 */
export interface ILatticeServiceNetwork extends IResource {
  /**
   * ID of the service network (`sn-...`).
   *
   * @attribute
   */
  readonly serviceNetworkId: string;

  /**
   * ARN of the service network.
   *
   * @attribute
   */
  readonly serviceNetworkArn: string;

  /**
   * Name of the service network. Kubernetes Gateways find the network by this
   * name.
   */
  readonly serviceNetworkName: string;

  /**
   * Associates `vpc` with this service network.
   *
   * The association is created in the VPC's own stack (as a child of the VPC
   * construct), so deleting that stack removes the association. Lattice
   * allows one service network association per VPC.
   *
   * The VPC's stack must be in the network's account and region (it
   * references the network across stacks). For a VPC in another account,
   * share the network with `shareWith` and, in that account, import it with
   * `fromServiceNetworkAttributes` including its ARN.
   *
   * @returns the association resource
   */
  associateVpc(vpc: ec2.IVpc, options?: ServiceNetworkVpcAssociationOptions): vpclattice.CfnServiceNetworkVpcAssociation;
}
