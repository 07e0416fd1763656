package io.github.cdklatticeeks.examples;

import io.github.cdklatticeeks.LatticeServiceNetwork;
import io.github.cdklatticeeks.PrivateCaDomain;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.constructs.Construct;

/**
 * What every cluster shares: the private CA and domain, the service network,
 * and the client identity that the demo pods of both clusters assume through
 * EKS Pod Identity (session tags tell the clusters and namespaces apart).
 */
public class EnvironmentStack extends Stack {
  private final PrivateCaDomain domain;
  private final LatticeServiceNetwork network;
  private final Role clientRole;

  /**
   * @param domainName private domain the services are exposed under, e.g. {@code example.com}
   * @param serviceNetworkName name of the VPC Lattice service network (and of every cluster's Gateway)
   */
  public EnvironmentStack(Construct scope, String id, StackProps props, String domainName, String serviceNetworkName) {
    super(scope, id, props);
    this.domain = PrivateCaDomain.Builder.create(this, "Domain").domainName(domainName).build();
    this.network = LatticeServiceNetwork.Builder.create(this, "ServiceNetwork")
        .serviceNetworkName(serviceNetworkName)
        .build();
    this.clientRole = Role.Builder.create(this, "Sigv4Client")
        .assumedBy(new ServicePrincipal("pods.eks.amazonaws.com").withSessionTags())
        .description("SigV4 client of the demo pods in every cluster (EKS Pod Identity)")
        .build();
  }

  public PrivateCaDomain getDomain() {
    return domain;
  }

  public LatticeServiceNetwork getNetwork() {
    return network;
  }

  public Role getClientRole() {
    return clientRole;
  }
}
