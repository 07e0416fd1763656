package io.github.cdklatticeeks.examples;

import io.github.cdklatticeeks.LatticeResource;
import io.github.cdklatticeeks.LatticeResourceConfiguration;
import io.github.cdklatticeeks.LatticeResourceConfigurationOptions;
import io.github.cdklatticeeks.LatticeResourceGateway;
import io.github.cdklatticeeks.LatticeServiceNetworkEndpoint;
import io.github.cdklatticeeks.ServiceNetworkVpcEndpointOptions;
import java.util.List;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.IpAddresses;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.route53.ARecord;
import software.amazon.awscdk.services.route53.PrivateHostedZone;
import software.amazon.awscdk.services.route53.RecordTarget;
import software.constructs.Construct;

/**
 * A third VPC, with the same 10.0.0.0/16 CIDR as the clusters, holding a TCP
 * resource (a PostgreSQL database at {@code orders-db.resources.internal:5432};
 * the record points at the address where you run it). A resource gateway and
 * a resource configuration put it on the shared service network, so pods of
 * both clusters reach it by name through their VPC associations. The VPC
 * itself reaches the network through a service-network VPC endpoint.
 */
public class ResourcesStack extends Stack {
  /** Private DNS name of the example's TCP resource in the resources VPC. */
  public static final String DATABASE_HOST = "orders-db.resources.internal";
  /** TCP port of the example's resource (PostgreSQL's). */
  public static final int DATABASE_PORT = 5432;

  private final Vpc vpc;
  private final LatticeResourceGateway gateway;
  private final LatticeResourceConfiguration database;
  private final LatticeServiceNetworkEndpoint endpoint;

  /**
   * @param environment the shared environment (domain, service network)
   */
  public ResourcesStack(Construct scope, String id, StackProps props, EnvironmentStack environment) {
    super(scope, id, props);
    EnvironmentStack env = environment;
    // Isolated subnets only: no NAT gateway, nothing reachable from the internet.
    this.vpc = Vpc.Builder.create(this, "Vpc")
        .ipAddresses(IpAddresses.cidr("10.0.0.0/16"))
        .maxAzs(2)
        .natGateways(0)
        .subnetConfiguration(List.of(SubnetConfiguration.builder()
            .name("Resources")
            .subnetType(SubnetType.PRIVATE_ISOLATED)
            .cidrMask(24)
            .build()))
        .build();
    vpc.addFlowLog("FlowLog", FlowLogOptions.builder()
        .destination(FlowLogDestination.toCloudWatchLogs(LogGroup.Builder.create(this, "FlowLogs")
            .retention(RetentionDays.ONE_MONTH)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build()))
        .build());

    // The database's private name; point the record at your database's address.
    PrivateHostedZone zone = PrivateHostedZone.Builder.create(this, "Zone")
        .zoneName("resources.internal")
        .vpc(vpc)
        .build();
    ARecord.Builder.create(this, "DatabaseRecord")
        .zone(zone)
        .recordName("orders-db")
        .target(RecordTarget.fromIpAddresses("10.0.0.25"))
        .build();

    // The gateway resolves the name in the VPC (the private zone above) and connects on 5432 only.
    this.gateway = LatticeResourceGateway.Builder.create(this, "Gateway").vpc(vpc).build();
    this.database = gateway.addResourceConfiguration("Database", LatticeResourceConfigurationOptions.builder()
        .resource(LatticeResource.dnsName(DATABASE_HOST))
        .portRanges(List.of(String.valueOf(DATABASE_PORT)))
        .serviceNetwork(env.getNetwork())
        .name("orders-db")
        .build());

    // Clients in this VPC reach the network's services through an endpoint (this VPC has no association).
    this.endpoint = env.getNetwork().addVpcEndpoint(vpc, ServiceNetworkVpcEndpointOptions.builder()
        .privateDnsDomains(List.of(env.getDomain().getDomainName()))
        .build());

    // Pods look up the association's DNS name with:
    // aws vpc-lattice get-service-network-resource-association --service-network-resource-association-identifier <id>
    CfnOutput.Builder.create(this, "DatabaseAssociationId")
        .value(database.getServiceNetworkAssociation().getAttrId())
        .description("Service network resource association of the database (its dnsEntry is the name pods connect to)")
        .build();
  }

  public Vpc getVpc() {
    return vpc;
  }

  public LatticeResourceGateway getGateway() {
    return gateway;
  }

  public LatticeResourceConfiguration getDatabase() {
    return database;
  }

  public LatticeServiceNetworkEndpoint getEndpoint() {
    return endpoint;
  }
}
