export * from './private-ca-domain';
export * from './service-network';
