package io.github.cdklatticeeks.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdklatticeeks.ExposeServiceOptions;
import io.github.cdklatticeeks.LatticeEksIntegration;
import io.github.cdklatticeeks.LatticeServiceNetwork;
import io.github.cdklatticeeks.PodIdentityAgent;
import io.github.cdklatticeeks.PrivateCaDomain;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.eks_v2.Cluster;
import software.amazon.awscdk.services.eks_v2.ClusterAttributes;
import software.amazon.awscdk.services.eks_v2.KubectlProvider;
import software.amazon.awscdk.services.eks_v2.KubectlProviderAttributes;
import software.amazon.awscdk.services.eks_v2.KubectlProviderOptions;
import software.amazon.awscdk.services.eks_v2.KubernetesVersion;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.lambda.LayerVersion;

/** Lattice attached to existing clusters, in Java, from the built jar. */
class ExistingClusterTest {
  static final String ACCOUNT = "111111111111";
  static final String REGION = "us-east-1";

  record Shared(LatticeServiceNetwork network, PrivateCaDomain domain) {}

  static Shared shared(App app) {
    Stack stack = new Stack(app, "Shared");
    return new Shared(
        LatticeServiceNetwork.Builder.create(stack, "Network").serviceNetworkName("lattice-gateway").build(),
        PrivateCaDomain.Builder.create(stack, "Domain").domainName("example.com").build());
  }

  @Test
  void autoModeClusterGetsLatticeWithoutNodeGroupOrAddOns() {
    App app = new App();
    Shared s = shared(app);
    Stack stack = new Stack(app, "Auto");
    Cluster cluster = Cluster.Builder.create(stack, "Cluster")
        .clusterName("platform-auto")
        .version(KubernetesVersion.V1_35)
        .kubectlProviderOptions(KubectlProviderOptions.builder()
            .kubectlLayer(LayerVersion.fromLayerVersionArn(stack, "Kubectl", "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":layer:kubectl:1"))
            .build())
        .build();
    LatticeEksIntegration lattice = LatticeEksIntegration.Builder.create(stack, "Lattice")
        .cluster(cluster).serviceNetwork(s.network()).domain(s.domain()).build();
    lattice.exposeService("Orders", ExposeServiceOptions.builder()
        .serviceName("orders").namespace("shop").port(80).targetPort(8080).createNamespace(true).build());
    Template template = Template.fromStack(stack);
    template.resourceCountIs("AWS::EKS::Cluster", 1);
    template.hasResourceProperties("AWS::EKS::Cluster", Map.of("ComputeConfig", Map.of("Enabled", true)));
    template.resourceCountIs("AWS::EKS::Nodegroup", 0);
    template.resourceCountIs("AWS::EKS::Addon", 0);
    assertTrue(lattice.getAutoMode());
    assertEquals("platform-auto", lattice.getClusterName());
    assertNull(lattice.getPreflightProbe());
  }

  @Test
  void importedClusterKeepsItsNamespaceAndChecksItsAgent() {
    App app = new App();
    Shared s = shared(app);
    Stack stack = new Stack(app, "Imported");
    var cluster = Cluster.fromClusterAttributes(stack, "Cluster", ClusterAttributes.builder()
        .clusterName("platform-shared")
        .vpc(Vpc.fromVpcAttributes(stack, "Vpc", VpcAttributes.builder()
            .vpcId("vpc-0123456789abcdef0").availabilityZones(List.of("us-east-1a", "us-east-1b"))
            .privateSubnetIds(List.of("subnet-1", "subnet-2")).build()))
        .clusterSecurityGroupId("sg-0123456789abcdef0")
        .kubectlProvider(KubectlProvider.fromKubectlProviderAttributes(stack, "KubectlProvider", KubectlProviderAttributes.builder()
            .serviceToken("arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:kubectl-provider")
            .role(Role.fromRoleArn(stack, "KubectlRole", "arn:aws:iam::" + ACCOUNT + ":role/kubectl-handler"))
            .build()))
        .build());
    LatticeEksIntegration lattice = LatticeEksIntegration.Builder.create(stack, "Lattice")
        .cluster(cluster).serviceNetwork(s.network()).domain(s.domain())
        .podIdentityAgent(PodIdentityAgent.EXISTING).existingNamespaces(List.of("apps")).build();
    lattice.exposeService("Orders", ExposeServiceOptions.builder().serviceName("orders").namespace("apps").port(80).build());
    Template template = Template.fromStack(stack);
    template.resourceCountIs("AWS::EKS::Cluster", 0);
    template.hasResourceProperties("Custom::AWSCDK-EKS-KubernetesObjectValue",
        Map.of("ObjectType", "daemonset", "ObjectName", "eks-pod-identity-agent", "ObjectNamespace", "kube-system"));
    assertNotNull(lattice.getPreflightProbe());
    long appsNamespaces = template.findResources("Custom::AWSCDK-EKS-KubernetesResource").values().stream()
        .map(String::valueOf)
        .filter((m) -> m.contains("\"kind\":\"Namespace\"") && m.contains("\"name\":\"apps\""))
        .count();
    assertEquals(0, appsNamespaces);
  }
}
