export * from './private-ca-domain';
export * from './service-network';
export * from './versions';
export * from './lattice-eks-cluster';
export * from './lattice-service-route';
export * from './lattice-pod-identity';
export * from './lattice-auth-policy';
export * from './cross-cluster-auth-policy';
