package io.github.cdklatticeeks.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.cdklatticeeks.EksWorkloadCallerOptions;
import io.github.cdklatticeeks.ExposeServiceOptions;
import io.github.cdklatticeeks.HubHostedZone;
import io.github.cdklatticeeks.ILatticeServiceNetwork;
import io.github.cdklatticeeks.LatticeCaller;
import io.github.cdklatticeeks.LatticeEksCluster;
import io.github.cdklatticeeks.LatticeServiceNetwork;
import io.github.cdklatticeeks.LatticeServiceRoute;
import io.github.cdklatticeeks.PrivateCaDomain;
import io.github.cdklatticeeks.ServiceNetworkAttributes;
import io.github.cdklatticeeks.ShareCertificateAuthorityOptions;
import io.github.cdklatticeeks.ShareServiceNetworkOptions;
import io.github.cdklatticeeks.SpokeAccountOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.acmpca.CertificateAuthority;
import software.amazon.awscdk.services.lambda.LayerVersion;

/** The multi-account (hub and spoke) app of examples/multi-account, in Java, from the built jar. */
class MultiAccountTest {
  static final String HUB = "111111111111";
  static final String B = "222222222222";
  static final String C = "333333333333";
  static final String REGION = "us-east-1";
  static final String DOMAIN = "example.com";
  static final String OU_PATH = "o-exampleorgid/r-ab12/ou-ab12-11111111/";
  static final String NETWORK_ARN = "arn:aws:vpc-lattice:us-east-1:111111111111:servicenetwork/sn-0123456789abcdef0";
  static final String CA_ARN =
      "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555";
  static final String ZONE_ID = "Z0123456789ABCDEFGHIJ";
  /** Account, cluster name and app name of each workload account. */
  static final List<List<String>> WORKLOADS = List.of(List.of(B, "eks-b", "demo-b"), List.of(C, "eks-c", "demo-c"));

  record Synthesized(Stack hub, List<Stack> workloads) {}

  static Stack stack(App app, String id, String account) {
    return new Stack(app, id, StackProps.builder().env(Environment.builder().account(account).region(REGION).build()).build());
  }

  static Synthesized synth() {
    App app = new App();
    Stack hub = stack(app, "lattice-hub", HUB);
    LatticeServiceNetwork network = LatticeServiceNetwork.Builder.create(hub, "ServiceNetwork")
        .serviceNetworkName("lattice-gateway").allowedAccountIds(List.of(B, C)).build();
    network.shareWith("Workloads", ShareServiceNetworkOptions.builder().accountIds(List.of(B, C)).build());
    PrivateCaDomain domain = PrivateCaDomain.Builder.create(hub, "Domain").domainName(DOMAIN).build();
    domain.shareCertificateAuthority("Workloads", ShareCertificateAuthorityOptions.builder().accountIds(List.of(B, C)).build());
    for (List<String> w : WORKLOADS) {
      domain.addSpokeAccount(w.get(0), SpokeAccountOptions.builder().hostnames(List.of(w.get(2) + "." + DOMAIN)).build());
    }

    List<Stack> workloads = new ArrayList<>();
    for (int i = 0; i < WORKLOADS.size(); i++) {
      String account = WORKLOADS.get(i).get(0);
      String clusterName = WORKLOADS.get(i).get(1);
      String appName = WORKLOADS.get(i).get(2);
      String otherAccount = WORKLOADS.get(1 - i).get(0);
      String otherCluster = WORKLOADS.get(1 - i).get(1);
      Stack stack = stack(app, "lattice-workload-" + clusterName, account);
      ILatticeServiceNetwork shared = LatticeServiceNetwork.fromServiceNetworkAttributes(stack, "HubNetwork",
          ServiceNetworkAttributes.builder()
              .serviceNetworkName("lattice-gateway")
              .serviceNetworkId(NETWORK_ARN.substring(NETWORK_ARN.lastIndexOf('/') + 1))
              .serviceNetworkArn(NETWORK_ARN)
              .build());
      PrivateCaDomain spokeDomain = PrivateCaDomain.Builder.create(stack, "Domain")
          .domainName(DOMAIN)
          .certificateAuthority(CertificateAuthority.fromCertificateAuthorityArn(stack, "HubCa", CA_ARN))
          .hubHostedZone(HubHostedZone.builder().hostedZoneId(ZONE_ID).accountId(HUB).build())
          .build();
      LatticeEksCluster cluster = LatticeEksCluster.Builder.create(stack, "Lattice")
          .clusterName(clusterName)
          .kubectlLayer(LayerVersion.fromLayerVersionArn(stack, "Kubectl", "arn:aws:lambda:" + REGION + ":" + account + ":layer:kubectl:1"))
          .serviceNetwork(shared)
          .domain(spokeDomain)
          .build();
      LatticeServiceRoute route = cluster.exposeService("Demo", ExposeServiceOptions.builder()
          .serviceName(appName).namespace("apps").port(80).hostname(appName + "." + DOMAIN).createNamespace(true).build());
      route.allow(LatticeCaller.eksWorkload(EksWorkloadCallerOptions.builder()
              .clusterName(otherCluster).namespaces(List.of("apps")).account(otherAccount).region(REGION).build())
          .withOrganizationPaths(List.of(OU_PATH)));
      workloads.add(stack);
    }
    return new Synthesized(hub, workloads);
  }

  @Test
  void threeAccountsHubSharesNetworkAndCa() {
    Synthesized s = synth();
    assertEquals(List.of(HUB, B, C),
        List.of(s.hub().getAccount(), s.workloads().get(0).getAccount(), s.workloads().get(1).getAccount()));
    Template template = Template.fromStack(s.hub());
    template.resourceCountIs("AWS::RAM::ResourceShare", 2);
    template.hasResourceProperties("AWS::RAM::ResourceShare", Map.of("Principals", List.of(B, C), "PermissionArns", Match.anyValue()));
    template.hasResourceProperties("AWS::IAM::Role", Map.of("RoleName", "lattice-zone-" + B + "-example-com"));
    template.hasResourceProperties("AWS::IAM::Role", Map.of("RoleName", "lattice-zone-vpc-" + B + "-example-com"));
  }

  @Test
  void workloadsJoinTheSharedNetworkByArnAndTheHubZone() {
    for (Stack stack : synth().workloads()) {
      Template template = Template.fromStack(stack);
      template.hasResourceProperties("AWS::VpcLattice::ServiceNetworkVpcAssociation", Map.of("ServiceNetworkIdentifier", NETWORK_ARN));
      template.resourceCountIs("AWS::VpcLattice::ServiceNetwork", 0);
      template.resourceCountIs("AWS::Route53::HostedZone", 0);
      // One resource: its own function authorizes through the hub's VPC role, then associates.
      template.resourceCountIs("Custom::PrivateZoneVpcAssociationAuthorization", 0);
      template.resourceCountIs("Custom::PrivateZoneVpcAssociation", 1);
      template.hasResourceProperties("AWS::CertificateManager::Certificate", Map.of("CertificateAuthorityArn", CA_ARN));
    }
  }
}
