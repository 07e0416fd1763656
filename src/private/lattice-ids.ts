import { Names } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** Construct ID, under a VPC, of the VPC association with `network`. */
export function serviceNetworkAssociationId(network: IConstruct): string {
  return `LatticeServiceNetworkAssociation${Names.nodeUniqueId(network.node)}`;
}

/** Construct ID, under a VPC, of the service-network VPC endpoint of `network`. */
export function serviceNetworkEndpointId(network: IConstruct): string {
  return `LatticeServiceNetworkEndpoint${Names.nodeUniqueId(network.node)}`;
}
