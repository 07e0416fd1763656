import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { IConstruct } from 'constructs';
import { ILatticeCluster } from './lattice-cluster';

/**
 * A route on a cluster's Gateway (an HTTPRoute the controller turns into a
 * Lattice service): what an auth policy needs to target it. Implemented by
 * `LatticeServiceRoute`.
 */
export interface ILatticeRoute extends IConstruct {
  /** The cluster whose Gateway the route attaches to. */
  readonly cluster: ILatticeCluster;
  /** Name of the HTTPRoute. */
  readonly routeName: string;
  /** Namespace of the HTTPRoute. */
  readonly namespace: string;
  /** The manifest that creates the HTTPRoute. */
  readonly manifest: eks.KubernetesManifest;
}
