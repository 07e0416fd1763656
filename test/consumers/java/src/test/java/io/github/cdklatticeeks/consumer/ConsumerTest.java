package io.github.cdklatticeeks.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdklatticeeks.ExposeServiceOptions;
import io.github.cdklatticeeks.LatticeEksCluster;
import io.github.cdklatticeeks.LatticeServiceNetwork;
import io.github.cdklatticeeks.LatticeServiceRoute;
import io.github.cdklatticeeks.PinnedVersions;
import io.github.cdklatticeeks.PrivateCaDomain;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.ec2.IpAddresses;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.lambda.LayerVersion;

/** The built jar synthesizes a stack with the shared constructs. */
class ConsumerTest {

  @Test
  void sharedStackHasCaCertificateZoneAndNetwork() {
    App app = new App();
    Stack shared = new Stack(app, "Shared");
    PrivateCaDomain domain = PrivateCaDomain.Builder.create(shared, "Domain").domainName("example.com").build();
    LatticeServiceNetwork network =
        LatticeServiceNetwork.Builder.create(shared, "Network").serviceNetworkName("lattice-gateway").build();

    Stack cluster = new Stack(app, "Cluster");
    Vpc vpc = Vpc.Builder.create(cluster, "Vpc").ipAddresses(IpAddresses.cidr("10.0.0.0/16")).maxAzs(2).natGateways(1).build();
    network.associateVpc(vpc);
    domain.associateVpc(vpc);

    Template template = Template.fromStack(shared);
    template.hasResourceProperties("AWS::ACMPCA::CertificateAuthority",
        Map.of("Type", "ROOT", "KeyAlgorithm", "RSA_4096", "SigningAlgorithm", "SHA512WITHRSA"));
    template.resourceCountIs("AWS::ACMPCA::CertificateAuthorityActivation", 1);
    template.hasResourceProperties("AWS::CertificateManager::Certificate",
        Map.of("DomainName", "example.com", "SubjectAlternativeNames", List.of("*.example.com")));
    template.hasResourceProperties("AWS::VpcLattice::ServiceNetwork",
        Map.of("Name", "lattice-gateway", "AuthType", "AWS_IAM"));
    Template.fromStack(cluster).resourceCountIs("AWS::VpcLattice::ServiceNetworkVpcAssociation", 1);
    assertEquals("lattice-gateway", network.getServiceNetworkName());
  }

  @Test
  void badServiceNetworkNameIsRejectedWithTheValue() {
    App app = new App();
    Stack stack = new Stack(app, "Bad");
    RuntimeException error = assertThrows(RuntimeException.class,
        () -> LatticeServiceNetwork.Builder.create(stack, "Network").serviceNetworkName("Bad_Name").build());
    assertTrue(error.getMessage().contains("Bad_Name"), error.getMessage());
  }

  @Test
  void latticeEksClusterInstallsControllerAndGateway() {
    App app = new App();
    Stack shared = new Stack(app, "Shared");
    PrivateCaDomain domain = PrivateCaDomain.Builder.create(shared, "Domain").domainName("example.com").build();
    LatticeServiceNetwork network =
        LatticeServiceNetwork.Builder.create(shared, "Network").serviceNetworkName("lattice-gateway").build();
    Stack stack = new Stack(app, "Cluster1");
    LatticeEksCluster cluster = LatticeEksCluster.Builder.create(stack, "Lattice")
        .clusterName("eks-cluster1")
        .kubectlLayer(LayerVersion.fromLayerVersionArn(stack, "Kubectl", "arn:aws:lambda:us-east-1:123456789012:layer:kubectl:1"))
        .serviceNetwork(network)
        .domain(domain)
        .build();
    LatticeServiceRoute route = cluster.exposeService("Demo",
        ExposeServiceOptions.builder().serviceName("demo-cluster1").namespace("apps").port(80).createNamespace(true).build());
    assertEquals("demo-cluster1.example.com", route.getHostname());
    Template template = Template.fromStack(stack);
    template.hasResourceProperties("AWS::EKS::Cluster", Map.of("Name", "eks-cluster1"));
    template.hasResourceProperties("Custom::AWSCDK-EKS-HelmChart",
        Map.of("Chart", "aws-gateway-controller-chart", "Version", PinnedVersions.GATEWAY_API_CONTROLLER_CHART));
    template.resourceCountIs("AWS::VpcLattice::ServiceNetworkVpcAssociation", 1);
  }
}
